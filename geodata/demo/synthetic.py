"""The ``synthetic`` demo of any area: villages, households, adults and values, all synthetic.

Deterministic (seeded by the area key, or ``[demo] seed``): 20–40 villages per leaf unit of the
area's oldest vintage (communes, and districts without communes) as points inside it, named
"Khu phố n" in wards and towns and "Thôn n" in rural communes, coded ``<unit code><nnn>``; their
households, adults and other denominators; and values of every catalogue indicator for every
year the area's vintages cover up to today, stored against the vintage in force for the year.
Urban wards score higher, rural communes far from a ward and units off the main landmass
(islands) lower; villages without coverage or a team are real gaps. Villages follow their unit
into later vintages through the crosswalk (by their point where a unit was split).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import crosswalk_path
from geodata.areas.text import search_key
from geodata.areas.vintages import vintage_for_period
from geodata.demo.places import Leaves, distance_to, read_leaves, remoteness, sample_points
from geodata.demo.synthetic_values import indicator_rows
from geodata.demo.write import PARENT_FIELDS, VILLAGE_FIELDS
from geodata.store.bulk import insert_frame
from geodata.store.models import (
    OBSERVATION_FIELDS,
    Indicator,
    Observation,
    Unit,
    Village,
    VillageParent,
)

URBAN = {"Phường": 1.0, "Thành phố": 1.0, "Quận": 1.0, "Thị xã": 0.7, "Thị trấn": 0.5}
MIN_VILLAGES, MAX_VILLAGES = 20, 40


def synthetic_seed(area: Any) -> int:
    """Return ``[demo] seed`` if given, else a seed derived from the area key."""
    options = getattr(area, "demo_options", None) or {}
    if "seed" in options:
        return int(options["seed"])
    return int.from_bytes(hashlib.sha256(area.key.encode("utf-8")).digest()[:8], "big")


#: The most periods a synthetic demo makes (``[demo] periods``, ``DXMAP_DEMO_PERIODS``).
MAX_PERIODS = 50


def synthetic_period_count(area: Any) -> int | None:
    """Return ``[demo] periods`` (how many years to make), or ``None`` for the area's own.

    Raises
    ------
    ValueError
        If it is not a whole number from 1 to :data:`MAX_PERIODS`.
    """
    options = getattr(area, "demo_options", None) or {}
    count = options.get("periods")
    if count is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PERIODS:
        raise ValueError(
            f"[demo] periods: a synthetic demo makes 1 to {MAX_PERIODS} periods, got {count!r}"
        )
    return count


def synthetic_periods(
    vintages: Sequence[Any], today: date, count: int | None = None
) -> list[tuple[str, str]]:
    """Return ``(period, vintage key)`` for each year the demo makes, none after today.

    A year belongs to the vintage in force on its last day; a year that starts after ``today``
    is not generated. By default these are the years the vintages cover. With ``count``, the
    last ``count`` years up to today: years before the oldest vintage are put on it, as if its
    boundaries had been in force then (a scale test of synthetic data, never a claim).
    """
    first = min(v.valid_from for v in vintages).year
    if count is not None:
        first = today.year - count + 1
    oldest = min(vintages, key=lambda v: v.valid_from).key
    out = []
    for year in range(first, today.year + 1):
        try:
            out.append((str(year), vintage_for_period(str(year), vintages)))
        except ValueError:
            if count is not None and date(year, 12, 31) < min(v.valid_from for v in vintages):
                out.append((str(year), oldest))
    return out


def village_prefix(unit_type: str) -> str:
    """Return the word for a village in a unit of this type ("Khu phố", "Thôn" ...)."""
    if unit_type in URBAN:
        return "Khu phố"
    if unit_type == "Xã":
        return "Thôn"
    return "Khu dân cư"


def make_villages(leaves: Leaves, rng: np.random.Generator) -> pd.DataFrame:
    """Draw the villages of ``leaves``: codes, names, points, sizes and a spatial score.

    Parameters
    ----------
    leaves : Leaves
        Leaf units of the oldest vintage (:func:`geodata.demo.places.read_leaves`).
    rng : numpy.random.Generator
        The generator.

    Returns
    -------
    pandas.DataFrame
        The store's village columns plus ``unit_code``, ``unit_type``, ``score``,
        ``people_15plus``, ``merchants``, ``farm_households`` and ``utility_bills``.
    """
    n_units = len(leaves)
    area = shapely.area(leaves.shown)
    size_rank = (np.argsort(np.argsort(area, kind="stable"), kind="stable") + 0.5) / n_units
    q = np.clip(0.5 * size_rank + 0.5 * rng.random(n_units), 0.0, 0.999)
    span = MAX_VILLAGES - MIN_VILLAGES + 1
    counts = MIN_VILLAGES + np.floor(span * q**1.5).astype(np.int64)
    urban = np.array([URBAN.get(t, 0.0) for t in leaves.type])
    anchor = shapely.point_on_surface(leaves.shown)
    far = np.minimum(distance_to(anchor, leaves.shown[urban >= 0.7]) / 0.3, 1.0)
    unit_score = (
        0.9 * urban - 0.35 * far - 0.9 * remoteness(leaves.shown) + rng.normal(0.0, 0.2, n_units)
    )
    lon, lat = sample_points(leaves, counts, rng)

    unit = np.repeat(np.arange(n_units), counts)
    number = np.arange(len(unit)) - np.repeat(np.cumsum(counts) - counts, counts) + 1
    n = len(unit)
    prefix = np.array([village_prefix(t) for t in leaves.type], dtype=object)
    names = prefix[unit] + " " + number.astype(str).astype(object)
    unit_key = np.array([search_key(str(s)) for s in leaves.name], dtype=object)
    prefix_key = np.array([search_key(p) for p in prefix], dtype=object)
    u_urban = urban[unit]
    mean_households = np.where(u_urban >= 0.7, 850.0, np.where(u_urban > 0, 700.0, 480.0))
    households = np.maximum(80, np.round(mean_households * rng.lognormal(0, 0.25, n)))
    adults = np.round(households * rng.uniform(2.45, 2.85, n))
    merchant_share = np.where(u_urban >= 0.7, 0.11, np.where(u_urban > 0, 0.08, 0.035))
    farm_share = np.where(u_urban >= 0.7, 0.035, np.where(u_urban > 0, 0.12, 0.47))
    piped = np.where(u_urban >= 0.7, 0.95, np.where(u_urban > 0, 0.80, 0.50))
    return pd.DataFrame(
        {
            "code": leaves.code[unit] + np.char.zfill(number.astype(str), 3).astype(object),
            "name": names,
            "search_key": prefix_key[unit]
            + " "
            + number.astype(str).astype(object)
            + " "
            + unit_key[unit],
            "lon": lon,
            "lat": lat,
            "households": households.astype(np.int64),
            "adults": adults.astype(np.int64),
            "provenance": "synthetic",
            "unit_code": leaves.code[unit],
            "unit_type": leaves.type[unit],
            "score": unit_score[unit] + rng.normal(0.0, 0.25, n),
            "people_15plus": np.round(adults * rng.uniform(1.04, 1.09, n)).astype(np.int64),
            "merchants": _count(households * merchant_share * rng.uniform(0.7, 1.3, n), 3),
            "farm_households": _count(households * farm_share * rng.uniform(0.5, 1.4, n), 2),
            "utility_bills": _count(households * (1 + piped * rng.uniform(0.9, 1.0, n)), 1),
        }
    )


def _count(real: np.ndarray, least: int) -> np.ndarray:
    return np.maximum(least, np.round(real)).astype(np.int64)


def village_parents(
    session: Session, villages: pd.DataFrame, base: str, later: Sequence[str]
) -> pd.DataFrame:
    """Return each village's unit in ``base`` and in every later vintage.

    A village goes along the crosswalk from its unit; where the unit was split over several
    successors, to the one its point lies in (else the one of largest weight); a unit without a
    link keeps its code when that code exists in the later vintage.

    Raises
    ------
    ValueError
        If a unit has neither a link nor a same-code unit in a later vintage.
    """

    def rows(vintage: str, units: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(
            {"village_code": villages["code"], "vintage_key": vintage, "unit_code": units}
        )

    frames = [rows(base, villages["unit_code"])]
    for vintage in later:
        try:
            links = crosswalk_path(session, base, vintage)
        except ValueError:
            links = pd.DataFrame(columns=["code", "parent_code", "weight"])
        links = links.sort_values(["code", "weight", "parent_code"], ascending=[True, False, True])
        best = links.drop_duplicates("code").set_index("code")["parent_code"]
        existing = set(session.scalars(select(Unit.code).where(Unit.vintage_key == vintage)))
        unit_codes = villages["unit_code"]
        parent = unit_codes.map(best)
        parent = parent.fillna(unit_codes.where(unit_codes.isin(existing)))
        missing = sorted(set(unit_codes[parent.isna()]))
        if missing:
            raise ValueError(f"no crosswalk link or same-code unit in {vintage} for {missing[:5]}")
        split = links[links.duplicated("code", keep=False)]
        if not split.empty:
            parent = _by_point(session, villages, parent, split, vintage)
        frames.append(rows(vintage, parent))
    return pd.concat(frames, ignore_index=True)


def _by_point(
    session: Session, villages: pd.DataFrame, parent: pd.Series, split: pd.DataFrame, vintage: str
) -> pd.Series:
    candidates = split[["code", "parent_code"]]
    codes = sorted(set(candidates["parent_code"]))
    rows = session.execute(
        select(Unit.code, Unit.geometry).where(Unit.vintage_key == vintage, Unit.code.in_(codes))
    ).all()
    geometry = {c: shapely.from_wkb(bytes(g)) for c, g in rows if g is not None}
    pairs = (
        villages[["code", "unit_code", "lon", "lat"]]
        .reset_index()
        .merge(candidates, left_on="unit_code", right_on="code", suffixes=("", "_unit"))
    )
    pairs = pairs[pairs["parent_code"].isin(geometry)]
    geoms = np.array([geometry[c] for c in pairs["parent_code"]], dtype=object)
    inside = shapely.contains_xy(geoms, pairs["lon"].to_numpy(), pairs["lat"].to_numpy())
    hit = pairs[inside].drop_duplicates("index").set_index("index")["parent_code"]
    out = parent.copy()
    out.loc[hit.index] = hit
    return out


def load_synthetic(session: Session, area: Any, today: date | None = None) -> str:
    """Generate the synthetic demo of ``area`` and write it to the store.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction, on a store whose catalogue, vintages, units and
        crosswalks are loaded (and no villages yet).
    area : Area
        ``key``, ``vintages`` (oldest first) and optional ``demo_options`` (``seed``).
    today : datetime.date, optional
        No period starting after this day is generated (default: today).

    Returns
    -------
    str
        A one-line summary.
    """
    seed = synthetic_seed(area)
    vintages = tuple(area.vintages)
    base = vintages[0]
    levels = tuple(base.levels)
    leaves = read_leaves(session, base.key, levels[0] if len(levels) > 1 else None)
    villages = make_villages(leaves, np.random.default_rng([seed, 0]))
    parents = village_parents(session, villages, base.key, [v.key for v in vintages[1:]])
    periods = synthetic_periods(vintages, today or date.today(), synthetic_period_count(area))
    insert_frame(session, Village, villages, VILLAGE_FIELDS)
    insert_frame(session, VillageParent, parents, PARENT_FIELDS)
    levels_of = {v.key: tuple(v.levels) for v in vintages}
    units = _units_by_level(session)
    written = 0
    indicators = session.execute(
        select(Indicator.key, Indicator.kind, Indicator.direction, Indicator.finest_level).order_by(
            Indicator.sort_order, Indicator.key
        )
    ).all()
    for indicator in indicators:
        rows = indicator_rows(indicator, villages, periods, levels_of, units, seed)
        written += insert_frame(session, Observation, rows, OBSERVATION_FIELDS)
    return (
        f"demo: {len(villages)} villages (synthetic) in {len(leaves)} units, {written} synthetic "
        f"observations of {len(indicators)} indicators for {', '.join(p for p, _ in periods)}"
    )


def _units_by_level(session: Session) -> Mapping[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    for vintage, level, code in session.execute(
        select(Unit.vintage_key, Unit.level, Unit.code).order_by(Unit.code)
    ):
        out.setdefault((vintage, level), []).append(code)
    return out
