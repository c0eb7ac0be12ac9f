"""The ``[demo]`` table of an area manifest, read into what the calibrated generator needs.

An area whose demo is ``brvt-2024`` (a demo calibrated to published figures) keeps every number
of its own in the ``[demo]`` table: seed, village count, units with a fixed number of villages,
per-district urbanity, remote districts, the published figures and the calibration choices.
``synthetic`` needs none of it (an optional ``seed`` only).
See the ``[demo]`` table of ``geodata/areas/data/brvt.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class DemoOptionsError(ValueError):
    """A key of the ``[demo]`` table is missing or has a bad value."""


@dataclass(frozen=True)
class PublishedUnit:
    """Published figures of one unit (the root or a unit calibrated on its own)."""

    code: str
    level: str
    values: Mapping[str, float]  # as published: percent for ratios, counts for counts
    notes: Mapping[str, str]
    calibrate: Mapping[str, float]  # percent the villages are calibrated to, where not ``values``

    def target(self, indicator: str) -> float | None:
        """Return the rate (a fraction) the unit's villages are calibrated to, or None."""
        value = self.calibrate.get(indicator, self.values.get(indicator))
        return None if value is None else percent_to_rate(value)


@dataclass(frozen=True)
class CalibratedOptions:
    """The ``[demo]`` table of a calibrated demo (``brvt-2024``)."""

    seed: int
    villages_total: int
    periods: tuple[str, ...]
    remote: tuple[str, ...]
    fixed: Mapping[str, int]
    households: Mapping[str, float]
    farm_share: Mapping[str, tuple[float, float]]
    thon: tuple[str, ...]
    urbanity: Mapping[str, float]
    period: str  # the published (calibrated) period
    source: str
    note: str
    root: PublishedUnit
    units: tuple[PublishedUnit, ...]
    anchor: Mapping[str, float]  # percent
    trend: Mapping[str, Mapping[str, Any]]  # period -> indicator -> shift or [low, high] factor
    gaps_period: str
    gaps: Mapping[str, int]
    root_rows: Mapping[str, Mapping[str, tuple[float, float]]]


def percent_to_rate(value: float) -> float:
    """Return ``value / 100`` as the double nearest the decimal (72.99 → 0.7299 exactly)."""
    return float(f"{float(value)!r}e-2")


def _get(table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in table:
        raise DemoOptionsError(f"[{where}] {key}: missing")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise DemoOptionsError(f"[{where}] {key}: bad value {value!r}")
    return value


def _unit(table: Any, where: str) -> PublishedUnit:
    if not isinstance(table, Mapping):
        raise DemoOptionsError(f"[{where}]: must be a table")
    return PublishedUnit(
        code=str(_get(table, "code", where, str)),
        level=str(_get(table, "level", where, str)),
        values={k: float(v) for k, v in dict(table.get("values", {})).items()},
        notes={k: str(v) for k, v in dict(table.get("notes", {})).items()},
        calibrate={k: float(v) for k, v in dict(table.get("calibrate", {})).items()},
    )


def calibrated_options(demo: Mapping[str, Any]) -> CalibratedOptions:
    """Read the ``[demo]`` table of a calibrated demo.

    Parameters
    ----------
    demo : mapping
        The parsed ``[demo]`` table (``Area.demo_options``).

    Returns
    -------
    CalibratedOptions

    Raises
    ------
    DemoOptionsError
        Naming the table and key that is missing or bad.
    """
    if "seed" not in demo and isinstance(demo.get("demo"), Mapping):
        demo = demo["demo"]  # the whole snippet rather than its [demo] table
    villages = dict(demo.get("villages", {}))
    published = demo.get("published")
    if not isinstance(published, Mapping):
        raise DemoOptionsError("[demo] published: missing")
    gaps = dict(demo.get("gaps", {}))
    gaps_period = str(gaps.pop("period", ""))
    units = published.get("units", [])
    return CalibratedOptions(
        seed=int(_get(demo, "seed", "demo", int)),
        villages_total=int(_get(demo, "villages_total", "demo", int)),
        periods=tuple(str(p) for p in _get(demo, "periods", "demo", list)),
        remote=tuple(str(c) for c in demo.get("remote", [])),
        fixed={str(k): int(v) for k, v in dict(villages.get("fixed", {})).items()},
        households={str(k): float(v) for k, v in dict(villages.get("households", {})).items()},
        farm_share={
            str(k): (float(v[0]), float(v[1]))
            for k, v in dict(villages.get("farm_share", {})).items()
        },
        thon=tuple(str(c) for c in villages.get("thon", [])),
        urbanity={str(k): float(v) for k, v in dict(demo.get("urbanity", {})).items()},
        period=str(_get(published, "period", "demo.published", str)),
        source=str(_get(published, "source", "demo.published", str)),
        note=str(published.get("note", "")),
        root=_unit(published.get("root"), "demo.published.root"),
        units=tuple(_unit(u, f"demo.published.units[{i}]") for i, u in enumerate(units)),
        anchor={k: float(v) for k, v in dict(demo.get("anchor", {})).items()},
        trend={str(p): dict(t) for p, t in dict(demo.get("trend", {})).items()},
        gaps_period=gaps_period,
        gaps={k: int(v) for k, v in gaps.items()},
        root_rows={
            key: {str(p): (float(nd[0]), float(nd[1])) for p, nd in dict(rows).items()}
            for key, rows in dict(demo.get("root_rows", {})).items()
        },
    )
