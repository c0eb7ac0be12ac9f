"""Topology-preserving simplification of one level's polygons for the web map.

Simplifying each polygon on its own (Douglas–Peucker, ``preserve_topology=True`` included) moves
the two copies of a shared border differently and opens slivers and gaps between neighbours.
:func:`display_geometries` treats the polygons of one vintage and level as a *coverage* and
simplifies every shared edge once, so neighbours keep identical borders:

1. ``shapely.coverage_clean`` (GEOS ≥ 3.14) turns the input into a valid coverage. This matters
   for the GADM-derived communes, which are *not* a perfect coverage: neighbours overlap slightly
   (103 pairs, 0.15 % of the area) and leave narrow gaps (116 holes in the union, 2.7 km² in
   total). Each overlap is given to one neighbour (the one with the longest common border) and
   gaps narrower than ``gap_width`` (default 0.001° ≈ 110 m) are merged into the neighbour with
   the longest border. Wider gaps (2 in the 2020 communes, about 0.1 km²) stay as they are.
   Vertices closer than GEOS's automatic snapping distance are snapped together so shared edges
   become identical.
2. ``shapely.coverage_simplify`` (Visvalingam–Whyatt on the shared-edge graph) with
   ``tolerance`` in degrees (roughly the square root of the largest triangle area removed).
3. Every result is checked: valid, non-empty, polygonal. A feature that fails falls back to
   ``shapely.simplify(..., preserve_topology=True)`` of its cleaned (or source) geometry, and, if
   that fails too, to the source geometry itself; each fallback is reported.

If cleaning or coverage simplification raises (not seen with the shipped files), the whole level
falls back to per-feature simplification and the report says so.

Measured on the shipped files (total vertices, source → display at the default tolerance of
0.0015° and gap width 0.001°; the load takes well under a second for all levels):

=========================================  ========  =======
layer                                        source  display
=========================================  ========  =======
2020 province (dvhcvn)                        1 796      576
2020 districts (dvhcvn, already smoothed)     3 590    1 172
2020 communes (GADM, already generalised)     2 861    2 698
2025-01 communes (GADM, dissolved)            2 788    2 625
2025-07 units (sapnhap, full detail)         62 494    2 431
=========================================  ========  =======

The GADM communes are already coarse, so little is left to remove; at 0.001° the display
would even have slightly *more* vertices than the source, because cleaning inserts the nodes
where overlapping borders cross. 0.0015° (triangles of up to ~2.7 ha removed) is invisible at
province and district zoom and a few pixels at commune zoom.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)

DISPLAY_TOLERANCE = 0.0015
"""Default simplification tolerance in degrees (EPSG:4326)."""

GAP_WIDTH = 0.001
"""Gaps between neighbours narrower than this (degrees) are closed in the display geometry."""


@dataclass
class SimplifyResult:
    """Display geometries of one level and what happened while making them."""

    geometries: list[BaseGeometry]
    vertices_before: int
    vertices_after: int
    notes: list[str] = field(default_factory=list)


def polygonal_part(geometry: BaseGeometry | None) -> BaseGeometry | None:
    """Return only the polygonal part of ``geometry`` (``None`` if there is none).

    Parameters
    ----------
    geometry : shapely geometry or None
        Any geometry, e.g. the output of ``shapely.make_valid`` (which can mix polygons with
        lines and points).

    Returns
    -------
    Polygon, MultiPolygon or None
        The polygons, or ``None`` if the geometry is empty or has no area.
    """
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [
        part
        for part in shapely.get_parts(geometry)
        if part.geom_type in ("Polygon", "MultiPolygon")
    ]
    polygons = [p for part in polygons for p in shapely.get_parts(part) if not p.is_empty]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _usable(geometry: BaseGeometry | None) -> bool:
    return (
        geometry is not None
        and not geometry.is_empty
        and geometry.geom_type in ("Polygon", "MultiPolygon")
        and geometry.is_valid
    )


def _fallback(source: BaseGeometry, cleaned: BaseGeometry | None, tolerance: float):
    for candidate in (cleaned, source):
        if candidate is None or candidate.is_empty:
            continue
        simplified = polygonal_part(shapely.simplify(candidate, tolerance, preserve_topology=True))
        if _usable(simplified):
            return simplified
    return source


def display_geometries(
    geometries: Sequence[BaseGeometry],
    tolerance: float = DISPLAY_TOLERANCE,
    gap_width: float = GAP_WIDTH,
    labels: Sequence[str] | None = None,
) -> SimplifyResult:
    """Simplify the polygons of one vintage and level together, keeping shared borders.

    Parameters
    ----------
    geometries : sequence of Polygon or MultiPolygon
        Valid polygons of one level (e.g. the 82 communes of 2020), in EPSG:4326.
    tolerance : float
        Coverage-simplification tolerance in degrees; ``0`` only cleans.
    gap_width : float
        Close gaps between neighbours narrower than this (degrees); ``0`` keeps every gap.
    labels : sequence of str, optional
        One label per geometry (e.g. the unit codes), used in the notes.

    Returns
    -------
    SimplifyResult
        One valid, non-empty polygonal geometry per input, in input order, the total vertex
        counts before and after, and notes on any fallback.

    Raises
    ------
    ValueError
        If an input geometry is missing, empty or not polygonal.
    """
    source = list(geometries)
    names = [str(label) for label in labels] if labels is not None else None
    if names is not None and len(names) != len(source):
        raise ValueError("labels must have one entry per geometry")
    for index, geometry in enumerate(source):
        if (
            geometry is None
            or geometry.is_empty
            or geometry.geom_type
            not in (
                "Polygon",
                "MultiPolygon",
            )
        ):
            label = names[index] if names else str(index)
            raise ValueError(f"geometry {label} is missing, empty or not polygonal")
    before = int(shapely.get_num_coordinates(np.asarray(source, dtype=object)).sum())
    result = SimplifyResult([], before, before)
    if not source:
        return result
    array = np.asarray(source, dtype=object)
    try:
        cleaned = shapely.coverage_clean(array, gap_width=gap_width)
        simplified = shapely.coverage_simplify(cleaned, tolerance) if tolerance > 0 else cleaned
    except shapely.errors.GEOSException as exc:
        result.notes.append(f"coverage simplification failed ({exc}); simplified per feature")
        log.warning("coverage simplification failed: %s", exc)
        cleaned = [None] * len(source)
        simplified = [None] * len(source)
    out: list[BaseGeometry] = []
    for index, (original, clean, simple) in enumerate(
        zip(source, cleaned, simplified, strict=True)
    ):
        candidate = polygonal_part(simple)
        if _usable(candidate):
            out.append(candidate)
            continue
        label = names[index] if names else str(index)
        if simple is not None:
            result.notes.append(
                f"display geometry of {label} was invalid or empty after coverage "
                "simplification; simplified on its own"
            )
        out.append(_fallback(original, polygonal_part(clean), tolerance))
    result.geometries = out
    result.vertices_after = int(shapely.get_num_coordinates(np.asarray(out, dtype=object)).sum())
    return result
