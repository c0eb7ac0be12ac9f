"""GeoJSON documents for the web map: unit polygons and village points, without values.

Values never travel with geometry: the map fetches these documents once per level (they are
cacheable) and restyles them with values sent separately.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import shapely
from shapely.ops import polylabel
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.extent import main_land, part_boxes, split_parts
from geodata.areas.hierarchy import village_points
from geodata.store.geometry import from_wkb, units_frame
from geodata.store.models import Layer, Unit

#: Changes whenever this module changes how it draws polygons (tolerances, rounding, labels):
#: part of every geometry URL's version, so browsers drop what an older dxmap drew.
GEOMETRY_CODE_VERSION = "lod-1"
COORD_DECIMALS = 5  # ~1 m: invisible on the map, and shared vertices round identically

LOD_TOLERANCES = {0: 0.006, 1: None, 2: 0.0003}
"""Level of detail → coverage-simplification tolerance in degrees (``None``: the stored display
geometry, 0.0015°). Band 0 (country and province zoom) is simplified from the display
geometry, band 2 (commune zoom) from the full geometry; both as a coverage, so neighbours keep
one shared border."""
LOD_ZOOMS = (9.0, 12.0)
"""Map zoom from which band 1, then band 2, is drawn (``assets/dxmap.js`` reads the same)."""
DEFAULT_LOD = 1


def lod_for_zoom(zoom: float) -> int:
    """Return the level of detail drawn at a map zoom.

    Parameters
    ----------
    zoom : float
        Leaflet zoom level.

    Returns
    -------
    int
        0 (coarse), 1 (display) or 2 (detailed).
    """
    return sum(zoom >= threshold for threshold in LOD_ZOOMS)


def _coverage(geometries: list, tolerance: float, clean: bool) -> list:
    """Simplify polygons together (shared borders stay shared); a failing one keeps its input."""
    array = np.asarray(geometries, dtype=object)
    try:
        if clean:
            array = shapely.coverage_clean(array, gap_width=0.001)
        simplified = shapely.coverage_simplify(array, tolerance)
    except shapely.errors.GEOSException:
        return [shapely.simplify(g, tolerance, preserve_topology=True) for g in geometries]
    out = []
    for source, geometry in zip(geometries, simplified, strict=True):
        ok = geometry is not None and not geometry.is_empty and geometry.is_valid
        out.append(geometry if ok and geometry.geom_type.endswith("Polygon") else source)
    return out


def label_point(geometry: Any) -> list[float] | None:
    """Return where a unit's name is written on the map: ``[lon, lat]`` inside the polygon.

    The pole of inaccessibility (:func:`shapely.ops.polylabel`) of the largest part: the point
    farthest from the outline, so the widest label fits there; for a shape it cannot handle,
    :func:`shapely.point_on_surface`. Both always lie inside the polygon (a centroid may not).

    Parameters
    ----------
    geometry : shapely geometry
        A unit's (Multi)Polygon, as drawn.

    Returns
    -------
    list of float or None
        ``[lon, lat]`` rounded to :data:`COORD_DECIMALS` decimals; ``None`` for an empty shape.
    """
    if geometry is None or geometry.is_empty:
        return None
    parts = list(getattr(geometry, "geoms", [geometry]))
    largest = max(parts, key=lambda part: part.area)
    try:
        minx, miny, maxx, maxy = largest.bounds
        point = polylabel(largest, tolerance=max(maxx - minx, maxy - miny) / 200 or 1e-6)
        if not largest.contains(point):
            point = shapely.point_on_surface(largest)
    except (shapely.errors.GEOSException, AttributeError, ValueError):
        point = shapely.point_on_surface(geometry)
    return [round(point.x, COORD_DECIMALS), round(point.y, COORD_DECIMALS)]


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    """Wrap features in a GeoJSON FeatureCollection.

    Parameters
    ----------
    features : list of dict
        GeoJSON features.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": features}``.
    """
    return {"type": "FeatureCollection", "features": features}


def encode(document: dict[str, Any]) -> tuple[bytes, str]:
    """Serialise a document compactly and give it a strong validator.

    Parameters
    ----------
    document : dict
        A JSON-serialisable document.

    Returns
    -------
    tuple of (bytes, str)
        The UTF-8 body and its ETag (32 hex digits of its SHA-256).
    """
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def unit_features(
    session: Session, vintage: str, level: str, parent_code: str | None, lod: int = DEFAULT_LOD
) -> dict[str, Any]:
    """Return the display geometry of one level as a FeatureCollection (RFC 7946, EPSG:4326).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage, level : str
        Which units.
    parent_code : str or None
        Only the children of this unit.
    lod : int
        Level of detail, a key of :data:`LOD_TOLERANCES`.

    Returns
    -------
    dict
        Features with properties ``code, name, type, level, parent_code`` and ``label`` (where
        the map writes the name, see :func:`label_point`) only, coordinates rounded to
        :data:`COORD_DECIMALS` decimals.
    """
    if lod not in LOD_TOLERANCES:
        raise ValueError(f"lod: {lod!r} is not one of {sorted(LOD_TOLERANCES)}")
    frame = units_frame(session, vintage, level, parent_code, display=lod != 2)
    frame = frame[frame.geometry.notna()]
    geometries = list(frame.geometry)
    tolerance = LOD_TOLERANCES[lod]
    if tolerance is not None and geometries:
        geometries = _coverage(geometries, tolerance, clean=lod == 2)
    features = []
    for row, geometry in zip(frame.itertuples(index=False), geometries, strict=True):
        geom = shapely.transform(geometry, lambda xy: np.round(xy, COORD_DECIMALS))
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(geom)),
                "properties": {
                    "code": str(row.code),
                    "name": str(row.name),
                    "type": None if row.type is None else str(row.type),
                    "level": str(row.level),
                    "parent_code": None if row.parent_code is None else str(row.parent_code),
                    "label": label_point(geom),
                },
            }
        )
    return feature_collection(features)


def village_features(session: Session, vintage: str, unit_code: str) -> dict[str, Any]:
    """Return the villages lying directly in a unit as Point features.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        The vintage whose village parents are used.
    unit_code : str
        The unit (a commune, or a district without communes).

    Returns
    -------
    dict
        Features with properties ``code, name, level ("village"), parent_code``.
    """
    rows = village_points(session, vintage, unit_code)
    return feature_collection(
        [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)],
                },
                "properties": {
                    "code": code,
                    "name": name,
                    "level": "village",
                    "parent_code": unit_code,
                },
            }
            for code, name, _, lon, lat in rows
        ]
    )


def unit_extent(session: Session, vintage: str, codes: tuple[str, ...]) -> dict[str, Any]:
    """Return the map extent of some units: the main land's box and far-away islands.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    codes : tuple of str
        The units shown (e.g. the root's children).

    Returns
    -------
    dict
        ``bounds`` (``[[south, west], [north, east]]`` of the main land), ``outliers`` (codes of
        the units with land far away) and ``inset_bounds`` (the box of that land, or ``None``),
        found from the display geometry by :func:`geodata.areas.extent.split_parts`.
    """
    rows = session.execute(
        select(Unit.code, Unit.display_geometry).where(
            Unit.vintage_key == vintage, Unit.code.in_(list(codes))
        )
    ).all()
    parts = {code: part_boxes(from_wkb(wkb)) for code, wkb in rows}
    main, outliers, inset = split_parts(parts)
    return {"bounds": main, "outliers": outliers, "inset_bounds": inset}


def unit_main_bounds(session: Session, vintage: str, code: str) -> list[list[float]] | None:
    """Return the box a unit is fitted to: its main land (:func:`main_land`), or ``None``."""
    wkb = session.scalar(
        select(Unit.display_geometry).where(Unit.vintage_key == vintage, Unit.code == code)
    )
    return main_land(part_boxes(from_wkb(wkb))) if wkb is not None else None


def geometry_version(session: Session, vintage: str) -> str:
    """Return a token of the loaded boundary layers of ``vintage`` (files, load times, LODs).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    str
        12 hex digits; the same as long as the same files are loaded the same way.
    """
    rows = session.execute(
        select(Layer.level, Layer.file_sha256, Layer.loaded_at)
        .where(Layer.vintage_key == vintage)
        .order_by(Layer.level)
    ).all()
    text = repr([tuple(map(str, row)) for row in rows] + [GEOMETRY_CODE_VERSION])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
