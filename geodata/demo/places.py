"""Where synthetic villages go: leaf units as geometry arrays, remoteness, points inside them.

Everything here is vectorised (shapely 2 arrays, numpy) so that a whole country's 3,000+
communes and ~100,000 villages take seconds, not minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.models import Unit

# Distance (degrees, ~11 km per 0.1) from the main landmass at which a unit starts to count as
# remote, and at which it is fully remote.
REMOTE_FROM, REMOTE_FULL = 0.03, 0.5
_TOUCH = 0.002  # units closer than this (degrees) are neighbours on the same landmass


@dataclass(frozen=True)
class Leaves:
    """The leaf units of a vintage: attribute arrays and two geometries each.

    ``shown`` is the display geometry (what the map draws) and ``full`` the full one; a point
    is inside a unit when it is inside both (each falls back to the other when absent).
    """

    code: np.ndarray
    name: np.ndarray
    type: np.ndarray
    level: np.ndarray
    parent_code: np.ndarray
    shown: np.ndarray
    full: np.ndarray

    def __len__(self) -> int:
        return len(self.code)


def _geometries(blobs: list[bytes | None]) -> np.ndarray:
    out = np.empty(len(blobs), dtype=object)
    for i, blob in enumerate(blobs):
        out[i] = None if blob is None else bytes(blob)
    return shapely.from_wkb(out)


def read_leaves(session: Session, vintage: str, top_level: str | None) -> Leaves:
    """Read the leaf units of ``vintage``: units without children below the root, by code.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on a store whose boundaries are loaded.
    vintage : str
        Vintage key.
    top_level : str or None
        The vintage's top level (never a leaf); ``country`` units never are either.

    Returns
    -------
    Leaves

    Raises
    ------
    ValueError
        If the vintage has no leaf unit, or a leaf has no geometry.
    """
    rows = session.execute(
        select(
            Unit.code,
            Unit.name,
            Unit.type,
            Unit.level,
            Unit.parent_code,
            Unit.geometry,
            Unit.display_geometry,
        )
        .where(Unit.vintage_key == vintage)
        .order_by(Unit.code)
    ).all()
    parents = {r.parent_code for r in rows if r.parent_code}
    rows = [r for r in rows if r.level not in ("country", top_level) and r.code not in parents]
    if not rows:
        raise ValueError(f"vintage {vintage} has no leaf units to put villages in")
    full = _geometries([r.geometry for r in rows])
    shown = _geometries([r.display_geometry for r in rows])
    full = np.where(shapely.is_missing(full), shown, full)
    shown = np.where(shapely.is_missing(shown), full, shown)
    missing = [r.code for r, g in zip(rows, full, strict=True) if g is None]
    if missing:
        raise ValueError(f"units {missing[:5]} of vintage {vintage} have no geometry")
    shapely.prepare(full)
    shapely.prepare(shown)
    return Leaves(
        code=np.array([r.code for r in rows], dtype=object),
        name=np.array([r.name for r in rows], dtype=object),
        type=np.array([r.type or "" for r in rows], dtype=object),
        level=np.array([r.level for r in rows], dtype=object),
        parent_code=np.array([r.parent_code for r in rows], dtype=object),
        shown=shown,
        full=full,
    )


def remoteness(geoms: np.ndarray) -> np.ndarray:
    """Return each unit's remoteness in [0, 1] by its distance from the main landmass.

    The units are grouped into landmasses (units within ``_TOUCH`` of each other); the one of
    largest area is the main landmass. A unit on it is 0; a unit elsewhere is 0 up to
    ``REMOTE_FROM`` degrees away, rising linearly to 1 at ``REMOTE_FULL``.

    Parameters
    ----------
    geoms : numpy.ndarray
        Shapely geometries (lon/lat).

    Returns
    -------
    numpy.ndarray
        Floats in [0, 1].
    """
    n = len(geoms)
    if n < 2:
        return np.zeros(n)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=_TOUCH)
    label = np.arange(n)
    while True:  # connected components by label propagation (smallest index wins)
        before = label.copy()
        np.minimum.at(label, left, label[right])
        np.minimum.at(label, right, label[left])
        label = label[label]
        if np.array_equal(label, before):
            break
    area = np.bincount(label, weights=shapely.area(geoms), minlength=n)
    main = label == int(np.argmax(area))
    distance = np.zeros(n)
    others = np.flatnonzero(~main)
    if len(others):
        main_tree = shapely.STRtree(geoms[main])
        found, dist = main_tree.query_nearest(
            geoms[others], return_distance=True, all_matches=False
        )
        distance[others[found[0]]] = dist
    return np.clip((distance - REMOTE_FROM) / (REMOTE_FULL - REMOTE_FROM), 0.0, 1.0)


def distance_to(geoms: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Return each geometry's distance (degrees) to the nearest of ``targets`` (inf if none)."""
    if len(targets) == 0:
        return np.full(len(geoms), np.inf)
    tree = shapely.STRtree(targets)
    found, dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    out = np.full(len(geoms), np.inf)
    out[found[0]] = dist
    return out


def sample_points(
    leaves: Leaves, counts: np.ndarray, rng: np.random.Generator, rounds: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``counts[i]`` points inside leaf ``i`` (inside both its geometries), vectorised.

    Each unit's points are spread over its polygon parts in proportion to their area, then
    drawn uniformly in the part's bounds and kept when inside (``shapely.contains_xy``), for all
    units at once, until every unit has its points. Coordinates are rounded to 6 decimals.

    Parameters
    ----------
    leaves : Leaves
        The units.
    counts : numpy.ndarray
        Points per unit.
    rng : numpy.random.Generator
        The generator (deterministic for a fixed seed).
    rounds : int
        Rejection rounds before a part's remaining points fall back to a point on its surface.

    Returns
    -------
    tuple of numpy.ndarray
        Longitudes and latitudes, ``counts.sum()`` each, grouped by unit in order.
    """
    parts, owner = shapely.get_parts(leaves.shown, return_index=True)
    part_area = shapely.area(parts)
    unit_area = np.bincount(owner, weights=part_area, minlength=len(leaves))
    # Each village picks a part of its unit with probability proportional to the part's area:
    # the parts of unit u cover [u, u + 1) in proportion to their area.
    share = part_area / np.where(unit_area[owner] > 0, unit_area[owner], 1.0)
    ends = owner + _cumulative_within(share, owner)
    village_unit = np.repeat(np.arange(len(leaves)), counts)
    keys = village_unit + rng.random(len(village_unit))
    village_part = np.searchsorted(ends, keys, side="right")
    last_part = np.searchsorted(owner, np.arange(len(leaves)), side="right") - 1
    outside = (village_part >= len(parts)) | (
        owner[np.minimum(village_part, len(parts) - 1)] != village_unit
    )
    village_part[outside] = last_part[village_unit[outside]]
    # Villages grouped by part: part p fills slots[start[p] : start[p] + need[p]].
    slots = np.argsort(village_part, kind="stable")
    need = np.bincount(village_part, minlength=len(parts))
    start = np.concatenate(([0], np.cumsum(need)[:-1]))
    bounds = shapely.bounds(parts)
    box = (bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1])
    fill = np.clip(part_area / np.maximum(box, 1e-18), 0.02, 1.0)
    xs = np.full(len(village_unit), np.nan)
    ys = np.full(len(village_unit), np.nan)
    have = np.zeros(len(parts), dtype=np.int64)
    for _ in range(rounds):
        active = np.flatnonzero(have < need)
        if not len(active):
            break
        want = need[active] - have[active]
        draws = np.minimum(np.ceil(want / fill[active] * 1.5).astype(np.int64) + 8, 4000)
        idx = np.repeat(active, draws)
        x = np.round(bounds[idx, 0] + rng.random(len(idx)) * (bounds[idx, 2] - bounds[idx, 0]), 6)
        y = np.round(bounds[idx, 1] + rng.random(len(idx)) * (bounds[idx, 3] - bounds[idx, 1]), 6)
        keep = shapely.contains_xy(parts[idx], x, y)
        inside = np.flatnonzero(keep)
        keep[inside] = shapely.contains_xy(leaves.full[owner[idx[inside]]], x[inside], y[inside])
        kept = np.flatnonzero(keep)
        part = idx[kept]  # sorted, as idx is
        first = np.r_[True, part[1:] != part[:-1]]
        rank = np.arange(len(kept)) - np.maximum.accumulate(
            np.where(first, np.arange(len(kept)), 0)
        )
        take = rank < need[part] - have[part]
        kept, part, rank = kept[take], part[take], rank[take]
        target = slots[start[part] + have[part] + rank]
        xs[target] = x[kept]
        ys[target] = y[kept]
        have += np.bincount(part, minlength=len(parts))
    for p in np.flatnonzero(have < need):  # slivers: a point on the surface
        point = shapely.point_on_surface(parts[p])
        target = slots[start[p] + have[p] : start[p] + need[p]]
        xs[target] = shapely.get_x(point)
        ys[target] = shapely.get_y(point)
    return xs, ys


def _cumulative_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Cumulative sum of ``values`` restarting at each new value of the sorted ``groups``."""
    total = np.cumsum(values)
    first = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    offset = np.repeat(total[first] - values[first], np.diff(np.r_[first, len(values)]))
    return total - offset
