"""Synthetic values of one catalogue indicator for every period, by the indicator's kind.

- ``ratio``: a numerator within its denominator (households, adults ... of the village), the rate
  following the village's spatial score and rising over the years (falling for an indicator
  where lower is better);
- ``share_of_villages``: a village covered (1) or not (0); a village once covered stays covered;
- ``count``: a small count per village (0 where there is none: a gap).

An indicator whose finest level is above the village gets a row per unit of that level instead.
Each indicator draws from its own generator (seeded by the area's seed and its key), so adding an
indicator to the catalogue changes no other's values.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geodata.demo.calibrate import logit, sigmoid
from geodata.demo.values import DEMO_SOURCE, DENOMINATOR
from geodata.store.models import OBSERVATION_FIELDS

REFERENCE_YEAR = 2024  # the year the drawn base levels refer to
LEVEL_ORDER = ("country", "province", "district", "commune", "village")


def indicator_rng(seed: int, key: str) -> np.random.Generator:
    """Return the generator of one indicator (same seed and key, same draws)."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def _frame(
    key: str,
    period: str,
    vintage: str,
    level: str,
    codes: np.ndarray,
    numerator: np.ndarray | None,
    denominator: np.ndarray | None,
    value: np.ndarray,
) -> pd.DataFrame:
    nan = np.full(len(codes), np.nan)
    return pd.DataFrame(
        {
            "indicator_key": key,
            "period": period,
            "vintage_key": vintage,
            "level": level,
            "code": codes,
            "numerator": nan if numerator is None else numerator.astype(float),
            "denominator": nan if denominator is None else denominator.astype(float),
            "value": value.astype(float),
            "provenance": "synthetic",
            "source_key": DEMO_SOURCE,
            "note": "",
        }
    )


def _unit_level(finest: str, levels: Sequence[str]) -> str:
    """Return the level a unit-level indicator is stored at in a vintage with ``levels``."""
    if finest in levels:
        return finest
    rank = LEVEL_ORDER.index(finest) if finest in LEVEL_ORDER else len(LEVEL_ORDER)
    coarser = [lv for lv in levels if lv in LEVEL_ORDER and LEVEL_ORDER.index(lv) < rank]
    return coarser[-1] if coarser else levels[0]


def indicator_rows(
    indicator: Any,
    villages: pd.DataFrame,
    periods: Sequence[tuple[str, str]],
    levels_of: Mapping[str, Sequence[str]],
    units: Mapping[tuple[str, str], list[str]],
    seed: int,
) -> pd.DataFrame:
    """Return the synthetic observations of one indicator for every period.

    Parameters
    ----------
    indicator : row
        ``key, kind, direction, finest_level`` of the catalogue entry.
    villages : pandas.DataFrame
        From :func:`geodata.demo.synthetic.make_villages`.
    periods : sequence of (str, str)
        ``(period, vintage key in force)``.
    levels_of : mapping
        Levels of each vintage, top down.
    units : mapping
        Unit codes by ``(vintage, level)``.
    seed : int
        The area's seed.

    Returns
    -------
    pandas.DataFrame
        The store's observation columns, all ``synthetic``.
    """
    key, kind, direction, finest = indicator
    rng = indicator_rng(seed, key)
    sign = -1.0 if direction == "lower" else 1.0
    base = logit(rng.uniform(0.35, 0.8)) if sign > 0 else logit(rng.uniform(0.2, 0.5))
    slope = sign * rng.uniform(0.25, 0.45)
    if finest != "village":
        return _unit_rows(key, kind, finest, base, slope, periods, levels_of, units, rng)
    n = len(villages)
    codes = villages["code"].to_numpy()
    score = villages["score"].to_numpy()
    lasting = rng.normal(0.0, 0.3, n)  # a village's own, lasting effect
    first_year = int(periods[0][0]) if periods else REFERENCE_YEAR
    frames = []
    if kind == "ratio":
        sensitivity = sign * rng.uniform(0.5, 0.9)
        den0 = villages[DENOMINATOR.get(key, "households")].to_numpy().astype(float)
        for period, vintage in periods:
            years = int(period) - REFERENCE_YEAR
            den = np.maximum(1.0, np.round(den0 * (1 + 0.01 * (int(period) - first_year))))
            rate = sigmoid(
                base + slope * years + sensitivity * score + lasting + rng.normal(0, 0.08, n)
            )
            num = np.minimum(np.round(rate * den), den)
            frames.append(_frame(key, period, vintage, "village", codes, num, den, 100 * num / den))
    elif kind == "share_of_villages":
        draw = rng.random(n)  # lasting: a village covered once stays covered
        for period, vintage in periods:
            years = int(period) - REFERENCE_YEAR
            p = sigmoid(2.2 + sign * 0.5 * years + 1.5 * score + lasting)
            covered = (draw < p).astype(float) if sign > 0 else (draw >= p).astype(float)
            ones = np.ones(n)
            frames.append(
                _frame(key, period, vintage, "village", codes, covered, ones, 100 * covered)
            )
    else:  # count
        draw, extra = rng.random(n), rng.random(n)
        for period, vintage in periods:
            years = int(period) - REFERENCE_YEAR
            p = sigmoid(2.0 + sign * 0.5 * years + 1.2 * score + lasting)
            value = (draw < p).astype(float) * (1.0 + (extra < 0.1))
            frames.append(_frame(key, period, vintage, "village", codes, None, None, value))
    return _concat(frames)


def _unit_rows(
    key: str,
    kind: str,
    finest: str,
    base: float,
    slope: float,
    periods: Sequence[tuple[str, str]],
    levels_of: Mapping[str, Sequence[str]],
    units: Mapping[tuple[str, str], list[str]],
    rng: np.random.Generator,
) -> pd.DataFrame:
    frames = []
    effect: dict[str, float] = {}
    size: dict[str, float] = {}
    for period, vintage in periods:
        level = _unit_level(finest, levels_of[vintage])
        codes = np.array(units.get((vintage, level), []), dtype=object)
        for code in codes:
            if code not in effect:
                effect[code] = float(rng.normal(0.0, 0.4))
                size[code] = float(rng.integers(800, 2000))
        years = int(period) - REFERENCE_YEAR
        lasting = np.array([effect[c] for c in codes])
        if kind == "count":
            value = np.round(np.array([size[c] for c in codes]) / 40 * sigmoid(base + lasting))
            frames.append(_frame(key, period, vintage, level, codes, None, None, value))
            continue
        den = np.array([size[c] for c in codes])
        rate = sigmoid(base + slope * years + lasting + rng.normal(0, 0.05, len(codes)))
        num = np.minimum(np.round(rate * den), den)
        frames.append(_frame(key, period, vintage, level, codes, num, den, 100 * num / den))
    return _concat(frames)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=list(OBSERVATION_FIELDS))
    return pd.concat(frames, ignore_index=True)
