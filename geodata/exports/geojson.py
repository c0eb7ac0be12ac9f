"""GeoJSON exports (RFC 7946).

WGS 84 longitude/latitude, no ``crs`` member, exterior rings counter-clockwise and holes
clockwise, coordinates rounded to 6 decimals (about 0.1 m) on a snapped, valid geometry, a
``bbox``. The collection carries the boundary layers' ``attribution`` and ``licence`` and a
``dxmap`` member with the view, indicator definitions, sources and a synthetic-data warning.
"""

from __future__ import annotations

import json
import math
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geodata.exports.cells import plain, plain_number
from geodata.exports.rows import NUMERIC_COLUMNS

COORD_DECIMALS = 6


def _orient_and_round(geometry: Any) -> Any:
    """Snap to a 1e-6° grid (keeps it valid), orient rings per RFC 7946, round the coordinates."""
    if geometry is None or geometry.is_empty:
        return None
    snapped = shapely.set_precision(geometry, 10.0**-COORD_DECIMALS)
    if snapped.is_empty:
        snapped = geometry
    oriented = shapely.orient_polygons(snapped, exterior_cw=False)
    document = mapping(oriented)
    return _round_coords(document)


def _round_coords(document: Any) -> Any:
    if isinstance(document, dict):
        return {k: _round_coords(v) for k, v in document.items()}
    if isinstance(document, list | tuple):
        if document and all(isinstance(v, int | float) for v in document):
            return [round(float(v), COORD_DECIMALS) for v in document]
        return [_round_coords(v) for v in document]
    return document


def to_geojson_dict(frame: gpd.GeoDataFrame, meta: dict[str, Any]) -> dict[str, Any]:
    """Build an RFC 7946 FeatureCollection of the rows (EPSG:4326 in, lon/lat out).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows from :func:`geodata.exports.rows.view_frame` (EPSG:4326).
    meta : dict
        From :func:`geodata.exports.metadata.export_metadata`; carried as foreign members.

    Returns
    -------
    dict
        The FeatureCollection (no ``crs`` member; ``bbox``; ``attribution``, ``licence`` and
        ``dxmap`` foreign members).
    """
    columns = [c for c in frame.columns if c != "geometry"]
    features = []
    bounds: list[float] | None = None
    for record, geometry in zip(
        frame[columns].itertuples(index=False), frame.geometry.values, strict=True
    ):
        properties = {}
        for column, value in zip(columns, record, strict=True):
            cell = plain(value)
            properties[column] = plain_number(cell) if column in NUMERIC_COLUMNS else cell
        geo = _orient_and_round(geometry)
        if geometry is not None and not geometry.is_empty:
            box = geometry.bounds
            bounds = (
                list(box)
                if bounds is None
                else [
                    min(bounds[0], box[0]),
                    min(bounds[1], box[1]),
                    max(bounds[2], box[2]),
                    max(bounds[3], box[3]),
                ]
            )
        features.append({"type": "Feature", "properties": properties, "geometry": geo})
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if bounds is not None:
        collection["bbox"] = [
            math.floor(bounds[0] * 10**COORD_DECIMALS) / 10**COORD_DECIMALS,
            math.floor(bounds[1] * 10**COORD_DECIMALS) / 10**COORD_DECIMALS,
            math.ceil(bounds[2] * 10**COORD_DECIMALS) / 10**COORD_DECIMALS,
            math.ceil(bounds[3] * 10**COORD_DECIMALS) / 10**COORD_DECIMALS,
        ]
    collection["attribution"] = meta["attribution"]
    collection["licence"] = meta["licence"]
    collection["dxmap"] = meta
    collection["features"] = features
    return collection


def to_geojson(frame: gpd.GeoDataFrame, meta: dict[str, Any]) -> bytes:
    """Serialise :func:`to_geojson_dict` as UTF-8 JSON.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows from :func:`geodata.exports.rows.view_frame`.
    meta : dict
        From :func:`geodata.exports.metadata.export_metadata`.

    Returns
    -------
    bytes
        The GeoJSON file.
    """
    document = to_geojson_dict(frame, meta)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )
