"""The calibrated demo's villages: how many per unit, where, what they are called, their sizes.

Villages are drawn inside the leaf units of the area's oldest vintage (communes, and districts
without communes): the units of ``[demo.villages] fixed`` get their published number, the rest
are allocated by area and urbanity. Each village gets households, adults and other denominators,
and a spatial ``score`` (urban phường higher, the districts of ``[demo.urbanity]`` up or down)
that the indicator values follow.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.areas.text import search_key
from geodata.demo.options import CalibratedOptions

URBANITY = {"Phường": 1.0, "Thị trấn": 0.5, "Xã": 0.0}


def allocate_villages(
    units: pd.DataFrame, total: int, fixed: dict[str, int] | None = None
) -> pd.Series:
    """Decide how many villages each leaf unit gets.

    Parameters
    ----------
    units : pandas.DataFrame
        Leaf units of the oldest vintage with ``code``, ``type`` and ``area_km2``.
    total : int
        Number of villages in all.
    fixed : dict, optional
        Villages of units whose number is known (``[demo.villages] fixed``).

    Returns
    -------
    pandas.Series
        Villages per unit code (integers >= 3) summing to ``total``: the fixed units their
        number, the rest by largest remainder on a weight that gives urban units more khu phố
        per km² and large rural communes more ấp.
    """
    fixed = {code: n for code, n in (fixed or {}).items() if code in set(units["code"])}
    rest = units[~units["code"].isin(fixed)].sort_values("code")
    base = rest["type"].map({"Phường": 5.5, "Thị trấn": 7.5}).fillna(4.0).to_numpy()
    weight = base + np.minimum(rest["area_km2"].to_numpy() / 12.0, 4.0)
    share = weight / weight.sum() * (total - sum(fixed.values()))
    counts = np.maximum(np.floor(share).astype(int), 3)
    remainder = total - sum(fixed.values()) - counts.sum()
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    i = 0
    while remainder != 0:
        j = order[i % len(order)]
        if remainder > 0:
            counts[j] += 1
            remainder -= 1
        elif counts[j] > 3:
            counts[j] -= 1
            remainder += 1
        i += 1
    out = pd.Series(counts, index=rest["code"].to_numpy())
    for code, n in fixed.items():
        out[code] = n
    return out.sort_index()


def village_prefix(
    unit_type: str, district_code: str | None = None, thon: tuple[str, ...] = ()
) -> str:
    """Return the word for a village in a unit of this type ("Khu phố", "Ấp", "Thôn" ...).

    Parameters
    ----------
    unit_type : str
        The unit's type (Phường, Thị trấn, Xã, Huyện ...).
    district_code : str, optional
        The unit's district.
    thon : tuple of str
        Districts whose communes use "Thôn" rather than "Ấp" (``[demo.villages] thon``).

    Returns
    -------
    str
        The prefix of the village names.
    """
    if unit_type in ("Phường", "Thị trấn"):
        return "Khu phố"
    if unit_type == "Xã":
        return "Thôn" if district_code in thon else "Ấp"
    return "Khu dân cư"


def sample_points(
    geometry: BaseGeometry, n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` random points inside ``geometry`` (kept away from its border where possible).

    Parameters
    ----------
    geometry : shapely geometry
        A polygon or multipolygon in lon/lat.
    n : int
        Number of points.
    rng : numpy.random.Generator
        The generator to draw from (deterministic for a fixed seed).

    Returns
    -------
    tuple of numpy.ndarray
        Longitudes and latitudes, rounded to 6 decimals, every point inside ``geometry``.
    """
    area = geometry.area
    inner = geometry.buffer(-min(0.003, 0.15 * math.sqrt(area)))
    if inner.is_empty or inner.area < 0.2 * area:
        inner = geometry
    shapely.prepare(inner)
    shapely.prepare(geometry)
    minx, miny, maxx, maxy = inner.bounds
    xs: list[float] = []
    ys: list[float] = []
    for _ in range(10_000):
        if len(xs) >= n:
            break
        x = np.round(rng.uniform(minx, maxx, 64), 6)
        y = np.round(rng.uniform(miny, maxy, 64), 6)
        keep = shapely.contains_xy(inner, x, y) & shapely.contains_xy(geometry, x, y)
        xs.extend(x[keep].tolist())
        ys.extend(y[keep].tolist())
    if len(xs) < n:
        raise ValueError("could not place points inside a geometry (empty or degenerate?)")
    return np.array(xs[:n]), np.array(ys[:n])


def make_villages(
    units: pd.DataFrame,
    successors: pd.DataFrame,
    rng: np.random.Generator,
    options: CalibratedOptions,
    base_vintage: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw the villages of the oldest vintage's leaf units and their parents in every vintage.

    Parameters
    ----------
    units : pandas.DataFrame
        Leaf units of ``base_vintage`` with ``code, name, type, level, parent_code, geometry,
        area_km2``.
    successors : pandas.DataFrame
        ``code`` and one column per later vintage key (the successor unit's code).
    rng : numpy.random.Generator
        The generator to draw from.
    options : CalibratedOptions
        The area's ``[demo]`` table.
    base_vintage : str
        Key of the vintage of ``units``.

    Returns
    -------
    villages : pandas.DataFrame
        See :class:`geodata.demo.generate.DemoData`.
    parents : pandas.DataFrame
        ``village_code, vintage_key, unit_code``.
    """
    counts = allocate_villages(units, options.villages_total, dict(options.fixed))
    commune_effect = {code: rng.normal(0, 0.2) for code in sorted(units["code"])}
    rows: list[dict] = []
    for unit in units.sort_values("code").itertuples(index=False):
        n = int(counts[unit.code])
        lon, lat = sample_points(unit.geometry, n, rng)
        district = unit.code if unit.level == "district" else unit.parent_code
        urban = URBANITY.get(unit.type, 0.0)
        mean_households = {1.0: 850.0, 0.5: 700.0}.get(urban, 480.0)
        mean_households = options.households.get(unit.code, mean_households)
        prefix = village_prefix(unit.type, unit.parent_code, options.thon)
        for i in range(n):
            households = int(max(80, round(mean_households * rng.lognormal(0, 0.25))))
            adults = int(round(households * rng.uniform(2.45, 2.85)))
            score = (
                0.9 * urban
                + options.urbanity.get(district, 0.0)
                + commune_effect[unit.code]
                + rng.normal(0, 0.25)
            )
            if urban == 1.0:
                merchant_rate, farm_rate, piped = (0.08, 0.14), (0.01, 0.06), 0.95
            elif urban == 0.5:
                merchant_rate, farm_rate, piped = (0.06, 0.10), (0.05, 0.20), 0.80
            else:
                merchant_rate, farm_rate, piped = (0.02, 0.05), (0.30, 0.65), 0.50
            farm_rate = options.farm_share.get(unit.code, farm_rate)
            name = f"{prefix} {i + 1}"
            rows.append(
                {
                    "code": f"{unit.code}-{i + 1:02d}",
                    "name": name,
                    "search_key": search_key(f"{name} {unit.name}"),
                    "lon": float(lon[i]),
                    "lat": float(lat[i]),
                    "households": households,
                    "adults": adults,
                    "provenance": "synthetic",
                    "unit_code": unit.code,
                    "district_code": district,
                    "unit_type": unit.type,
                    "people_15plus": int(round(adults * rng.uniform(1.04, 1.09))),
                    "merchants": int(max(3, round(households * rng.uniform(*merchant_rate)))),
                    "farm_households": int(max(2, round(households * rng.uniform(*farm_rate)))),
                    "utility_bills": int(round(households * (1 + piped * rng.uniform(0.9, 1.0)))),
                    "score": float(score),
                }
            )
    villages = pd.DataFrame(rows)
    succ = successors.set_index("code")
    parents = [
        pd.DataFrame(
            {
                "village_code": villages["code"],
                "vintage_key": base_vintage,
                "unit_code": villages["unit_code"],
            }
        )
    ]
    for vintage in succ.columns:
        missing = sorted(set(villages["unit_code"]) - set(succ.index))
        if missing:
            raise ValueError(f"no {vintage} successor for {base_vintage} units {missing}")
        unit_codes = villages["unit_code"].map(succ[vintage])
        parents.append(
            pd.DataFrame(
                {"village_code": villages["code"], "vintage_key": vintage, "unit_code": unit_codes}
            )
        )
    return villages, pd.concat(parents, ignore_index=True)
