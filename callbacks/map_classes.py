"""What colour each shown unit and village gets: the classes of the values a frame shows.

Pure functions over the service; no Dash context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from callbacks.map_view import Service
from geodata.analysis.classify import Classification, assign_classes, classify
from layers import legend


def _classes_with(
    classification: Classification, records: Mapping[str, Mapping[str, Any]]
) -> dict[str, int | None]:
    """Classes of another set of records with the breaks (or verdicts) of ``classification``."""
    if classification.scheme == "target":
        return {
            code: None if rec.get("met") is None or rec.get("value") is None else int(rec["met"])
            for code, rec in records.items()
        }
    return assign_classes({c: r.get("value") for c, r in records.items()}, classification.breaks)


def fixed_classification(
    values: Mapping[str, float | None], pooled: Mapping[str, float], scheme: str
) -> Classification:
    """Classify ``values`` with the breaks of ``pooled`` (every period): colours compare."""
    over_all = classify(dict(pooled), scheme)
    classes = assign_classes(dict(values), over_all.breaks)
    found = list(classes.values())
    return Classification(
        scheme=over_all.scheme,
        breaks=over_all.breaks,
        minimum=over_all.minimum,
        classes=classes,
        counts=tuple(found.count(i) for i in range(len(over_all.breaks))),
        no_data=found.count(None),
    )


def covered_classes(villages: Mapping[str, Mapping[str, Any]]) -> dict[str, int | None]:
    """Return village code → 1 covered, 0 not covered, ``None`` without a value."""
    return {
        code: None if rec.get("value") is None else int(rec["value"] > 0)
        for code, rec in villages.items()
    }


@dataclass(frozen=True)
class Shown:
    """The values a frame shows: its polygons', its villages' and the indicator's record."""

    indicator: Mapping[str, Any]
    polygons: Mapping[str, Mapping[str, Any]]
    villages: Mapping[str, Mapping[str, Any]]
    leaf: bool

    @property
    def focus(self) -> Mapping[str, Mapping[str, Any]]:
        """Return the records the legend and the table are about (the villages of a leaf)."""
        return self.villages if self.leaf else self.polygons

    @property
    def binary(self) -> bool:
        """Tell whether the villages are covered or not (a share of villages, at a leaf)."""
        return self.leaf and self.indicator.get("kind") == "share_of_villages"


@dataclass(frozen=True)
class Classes:
    """The colours of a view: per class, and each shown record's class."""

    colors: list[str]
    polygons: Mapping[str, int | None]
    villages: Mapping[str, int | None]
    focus: Mapping[str, int | None]
    plain: Mapping[str, Any]  # what the legend lists: scheme, ranges, counts, no data
    fixed: bool = False  # held fixed across periods (the period slider plays)


def shown_values(state: Mapping[str, Any], frame: Mapping[str, Any], service: Service) -> Shown:
    """Return the values the frame shows, and the indicator's record (a stand-in if unknown)."""
    indicator = service.indicator(state["indicator"]) or {
        "name_vi": state["indicator"],
        "name_en": state["indicator"],
        "unit": "%",
        "direction": "higher",
    }
    args = (state["indicator"], state["period"], state["vintage"])
    polygons = service.values(*args, frame["level"], frame["parent"]) if frame["level"] else {}
    villages = service.village_values(*args, frame["leaf"]) if frame["leaf"] else {}
    return Shown(indicator, polygons, villages, bool(frame["leaf"]))


def classes_of(
    state: Mapping[str, Any],
    frame: Mapping[str, Any],
    service: Service,
    shown: Shown,
    playing: bool,
) -> Classes:
    """Classify the shown values (``playing``: with the breaks of every period, cached)."""
    if shown.binary:  # a village is covered or not: two classes, never "0,0 %" / "100,0 %"
        village_classes = covered_classes(shown.villages)
        return Classes(
            colors=list(legend.COVERED_COLORS),
            polygons=dict.fromkeys(shown.polygons),  # context only
            villages=village_classes,
            focus=village_classes,
            plain=legend.covered_counts(village_classes),
        )
    focus = shown.focus
    values = {c: r.get("value") for c, r in focus.items()}
    fixed = bool(playing and not shown.leaf and state["scheme"] != "target" and frame["level"])
    if fixed:
        pooled = service.pooled_values(
            state["indicator"], state["vintage"], frame["level"], frame["parent"]
        )
        classification = fixed_classification(values, pooled, state["scheme"])
    else:
        met = {c: r.get("met") for c, r in focus.items()}
        classification = classify(values, state["scheme"], met=met)
    n_classes = 2 if classification.scheme == "target" else len(classification.breaks)
    return Classes(
        colors=legend.class_colors(n_classes, classification.scheme, shown.indicator["direction"]),
        polygons=(
            _classes_with(classification, shown.polygons) if shown.leaf else classification.classes
        ),
        villages=_classes_with(classification, shown.villages),
        focus=classification.classes,
        plain={
            "scheme": classification.scheme,
            "ranges": classification.ranges(),
            "counts": list(classification.counts),
            "no_data": classification.no_data,
        },
        fixed=fixed,
    )
