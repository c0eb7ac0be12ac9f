"""Export a map view as GeoJSON (RFC 7946), CSV, XLSX or GeoPackage: one implementation.

The CLI (``dxmap export``), the map's download button and the HTTP API all call
:func:`export_view` with a :class:`geodata.view.View`: what the map shows, a level of one
boundary vintage (optionally the units inside one ``parent`` unit), one period, one indicator or
all of them, optionally only the units that miss their target. Rows come from
:func:`geodata.rollups.queries.unit_values`, so an export always equals what the map shows;
geometry is the full-resolution boundary (not the simplified display copy).

Formats
-------
geojson
    RFC 7946: WGS 84 longitude/latitude, no ``crs`` member, exterior rings counter-clockwise and
    holes clockwise, coordinates rounded to 6 decimals (about 0.1 m) on a snapped, valid geometry,
    a ``bbox``. The collection carries the boundary layers' ``attribution`` and ``licence`` and a
    ``dxmap`` member with the view, indicator definitions, sources and a synthetic-data warning.
csv
    UTF-8 with a byte-order mark (so that Excel shows Vietnamese correctly), no geometry. Text
    cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return) are prefixed with ``'`` (OWASP, "CSV injection"); numbers stay numbers.
xlsx
    Sheet ``data`` (same columns and neutralisation as CSV, numbers as numeric cells) and sheet
    ``metadata`` (view, generated-at, warning, indicator definitions, sources, boundary licences).
gpkg
    A GeoPackage layer named after the view plus a ``metadata`` attribute table; WGS 84 (EPSG:4326)
    by default, or VN-2000 / TM-3 107°45′ (EPSG:5899) with ``crs="vn2000-tm3-10745"``. ``met`` is
    stored as an integer 1/0 (GDAL's boolean fields cannot hold "no data").

This module is the one entry point; the view is a :class:`geodata.view.View` (parsed once by
the edge that received the request), its rows are :mod:`geodata.exports.rows`, the metadata
:mod:`geodata.exports.metadata`, the writers :mod:`geodata.exports.geojson`,
:mod:`geodata.exports.tabular` (CSV, XLSX) and :mod:`geodata.exports.gpkg`, the coordinate
systems :mod:`geodata.exports.crs`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from geodata.exports.crs import CRS_ALIASES, resolve_crs
from geodata.exports.geojson import to_geojson
from geodata.exports.gpkg import to_gpkg
from geodata.exports.metadata import export_metadata
from geodata.exports.rows import view_frame
from geodata.exports.tabular import to_csv, to_xlsx
from geodata.store.geometry import CRS as WGS84
from geodata.view import View, ViewError

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "export_filename",
    "export_view",
    "write_export",
    "write_frame",
]

FORMATS = ("geojson", "csv", "xlsx", "gpkg")
EXTENSIONS = {"geojson": "geojson", "csv": "csv", "xlsx": "xlsx", "gpkg": "gpkg"}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def _check_format(fmt: str, crs: str | None = None) -> None:
    if fmt not in FORMATS:
        raise ViewError("format", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if crs and fmt != "gpkg" and resolve_crs(crs) != WGS84:
        raise ViewError("crs", "a coordinate system can be chosen for GeoPackage exports only")
    resolve_crs(crs)


def export_view(
    session: Session,
    view: View,
    *,
    fmt: str,
    crs: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """Export a view in one format (the one implementation behind CLI, UI and API).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        What to export, parsed by the edge that received the request
        (:meth:`geodata.view.View.parse`), with a ``level``. A period may be viewed on any
        vintage the crosswalk reaches: values are re-aggregated by
        :func:`geodata.rollups.queries.unit_values`.
    fmt : str
        ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
    crs : str, optional
        GeoPackage only: ``wgs84`` (default), ``vn2000-tm3-10745`` or ``EPSG:<code>``.
    now : datetime, optional
        The generation time written into the metadata (default: now).

    Returns
    -------
    bytes
        The file's content (see :func:`export_filename` for its name and :data:`MEDIA_TYPES`).

    Raises
    ------
    ViewError
        Naming ``format`` or ``crs``, or the part of the view the values cannot be computed for.
    """
    _check_format(fmt, crs)
    frame = view_frame(session, view)
    return write_frame(frame, fmt, export_metadata(session, view, frame, now), crs)


def write_frame(
    frame: pd.DataFrame,
    fmt: str,
    meta: dict[str, Any],
    crs: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """Write any table of rows in one format with the export writers (one implementation).

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        The rows; GeoJSON and GeoPackage need a GeoDataFrame in EPSG:4326.
    fmt : str
        ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
    meta : dict
        From :func:`geodata.exports.metadata.export_metadata` (unused by CSV).
    crs : str, optional
        GeoPackage only: the coordinate system (see :func:`export_view`).
    labels : mapping, optional
        XLSX only: header labels per column key (:func:`geodata.exports.tabular.column_labels`);
        CSV and GeoJSON always carry the contract's keys.

    Returns
    -------
    bytes
        The file's content: RFC 7946 GeoJSON, formula-safe CSV/XLSX, or a GeoPackage.

    Raises
    ------
    ViewError
        On an unknown format (naming ``format``).
    """
    if fmt == "geojson":
        return to_geojson(frame, meta)
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        return to_xlsx(frame, meta, labels)
    if fmt == "gpkg":
        return to_gpkg(frame, meta, crs)
    raise ViewError("format", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_export(path: str | Path, data: bytes) -> Path:
    """Write an export atomically (a partial file never carries the final name).

    Parameters
    ----------
    path : str or pathlib.Path
        Destination file.
    data : bytes
        From :func:`export_view`.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def export_filename(view: View, *, fmt: str, crs: str | None = None) -> str:
    """Return a file name that says what an export holds.

    Parameters
    ----------
    view : View
        The exported view (its indicator or all indicators, level, parent, period, vintage,
        below-target filter).
    fmt : str
        ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
    crs : str, optional
        A GeoPackage's coordinate system other than WGS 84.

    Returns
    -------
    str
        For example ``dxmap_fibre_households_commune_in-752_2024_v2020.geojson``.
    """
    if fmt not in FORMATS:
        raise ViewError("format", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    indicator = "all-indicators" if view.all_indicators else (view.indicator or "indicator")
    parts = ["dxmap", indicator, str(view.level)]
    if view.parent:
        parts.append(f"in-{view.parent}")
    parts += [str(view.period), f"v{view.vintage}"]
    if view.below_target:
        parts.append("below-target")
    if fmt == "gpkg" and crs and resolve_crs(crs) != WGS84:
        alias = next((k for k, v in CRS_ALIASES.items() if v == resolve_crs(crs)), None)
        parts.append(alias or resolve_crs(crs).replace(":", "").lower())
    stem = "_".join(_SAFE.sub("-", part) for part in parts)
    return f"{stem}.{EXTENSIONS[fmt]}"
