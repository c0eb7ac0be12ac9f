"""Colours and the map legend: class ranges, counts per class and a no-data swatch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from layers import ids
from layers.choropleth import NO_DATA_COLOR
from layers.i18n import counted, format_value, t

# ColorBrewer YlGnBu: sequential and colour-blind safe for 3–5 classes.
SEQUENTIAL: dict[int, tuple[str, ...]] = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#2c7fb8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
# Blue / orange: distinguishable with every common colour-vision deficiency.
TARGET_COLORS = ("#e66101", "#2c7fb8")  # index 0 not met, 1 met
COVERED_COLORS = ("#e66101", "#2c7fb8")  # a village: index 0 not covered, 1 covered


def covered_counts(classes: Mapping[str, int | None]) -> dict[str, Any]:
    """Return the plain classes of covered (1) / not covered (0) villages for the legend."""
    values = list(classes.values())
    return {
        "scheme": "covered",
        "ranges": [],
        "counts": [values.count(0), values.count(1)],
        "no_data": values.count(None),
    }


def class_colors(n_classes: int, scheme: str, direction: str = "higher") -> list[str]:
    """Return one colour per class; darker means better (reversed when lower is better)."""
    if scheme == "target":
        return list(TARGET_COLORS)
    if n_classes <= 0:
        return []
    palette = list(SEQUENTIAL[min(n_classes, max(SEQUENTIAL))])
    return palette[::-1] if direction == "lower" else palette


def _decimals(ranges: Sequence[Sequence[float]], unit: str) -> int | None:
    """Fewest decimals (from the usual) that keep distinct class bounds distinct when printed."""
    bounds = sorted({float(b) for pair in ranges for b in pair})
    start = 1 if unit == "%" else 0
    for digits in range(start, 4):
        printed = {round(b, digits) for b in bounds}
        if len(printed) == len(bounds):
            return None if digits == start and unit != "%" else digits
    return 3


def class_labels(classes: Mapping[str, Any], unit: str, lang: str) -> list[str]:
    """Return the label of each class by index ("84,8 % – 92,0 %"; met / not met for targets)."""
    if classes["scheme"] == "target":
        return [t("not_met", lang), t("met", lang)]
    if classes["scheme"] == "covered":
        return [t("not_covered", lang), t("covered", lang)]
    ranges = classes["ranges"]
    if unit != "%" and ranges and all(float(b).is_integer() for b in (ranges[0][0], ranges[-1][1])):
        return _count_labels(ranges, lang)  # counts (teams): whole numbers, no "90,8"
    digits = _decimals(classes["ranges"], unit)
    labels = []
    for lower, upper in classes["ranges"]:
        low, high = (format_value(v, unit, lang, digits) for v in (lower, upper))
        labels.append(high if lower == upper else f"{low} – {high}")
    return labels


def _count_labels(ranges: Sequence[Sequence[float]], lang: str) -> list[str]:
    """Whole-number classes of a count: each class holds the integers above the previous bound."""
    labels = []
    for i, (lower, upper) in enumerate(ranges):
        low = math.floor(lower) + 1 if i and float(lower).is_integer() else math.ceil(lower)
        high = math.floor(upper)
        low = min(low, high)
        labels.append(
            format_value(high, "", lang, 0)
            if low == high
            else f"{format_value(low, '', lang, 0)}–{format_value(high, '', lang, 0)}"
        )
    return labels


def legend_rows(
    classes: Mapping[str, Any], colors: Sequence[str], unit: str, lang: str
) -> list[dict[str, Any]]:
    """Return the legend rows (colour, label, count), best class first, no-data row last.

    ``classes`` is a plain dict: ``scheme``, ``ranges`` ([lower, upper] per class), ``counts``
    and ``no_data``.
    """
    rows: list[dict[str, Any]] = []
    if classes["scheme"] in ("target", "covered"):
        counts = list(classes["counts"]) or [0, 0]
        no, yes = class_labels(classes, unit, lang)
        rows.append({"color": colors[1], "label": yes, "count": counts[1]})
        rows.append({"color": colors[0], "label": no, "count": counts[0]})
    else:
        labels = class_labels(classes, unit, lang)
        for label, count, color in zip(labels, classes["counts"], colors, strict=False):
            rows.append({"color": color, "label": label, "count": count})
        rows.reverse()
    rows.append(
        {
            "color": NO_DATA_COLOR,
            "label": t("no_data", lang),
            "count": classes["no_data"],
            "no_data": True,
        }
    )
    return rows


def legend(
    title: str, subtitle: str, rows: Sequence[Mapping[str, Any]], count_noun: str, lang: str
) -> list[Any]:
    """Return the children of the legend box (title, one row per class, palette note)."""
    items = [
        html.Li(
            [
                html.Span(
                    className="dxmap-swatch"
                    + (" dxmap-swatch--nodata" if row.get("no_data") else ""),
                    style={"backgroundColor": row["color"]},
                ),
                html.Span(row["label"], className="dxmap-legend-label"),
                html.Span(
                    str(row["count"]),
                    className="dxmap-legend-count",
                    title=counted(row["count"], count_noun, lang),
                ),
            ],
            className="dxmap-legend-row",
        )
        for row in rows
    ]
    return [
        html.Div(title, className="dxmap-legend-title"),
        html.Div(subtitle, className="dxmap-legend-subtitle"),
        html.Ul(items, className="dxmap-legend-rows"),
        html.Div(
            [html.Span(count_noun), " · ", html.Span(t("legend_palette", lang))],
            className="dxmap-legend-note",
        ),
    ]


def legend_box(children: list[Any]) -> html.Div:
    """Return the legend container placed over the map."""
    return html.Div(children, id=ids.LEGEND, className="dxmap-legend", role="region")
