"""Export the gap register (units or villages below target) as CSV, XLSX or GeoJSON.

The rows are :func:`geodata.analysis.gaps.gap_register`'s, with the exported table's interface
columns (``code, name, level, parent_code, vintage, period, indicator, value, numerator,
denominator, target, met, provenance, source``) and the register's own (``parent_name``,
``gap``, ``shortfall`` and what it counts). The files are written by the one set of export
writers (:func:`geodata.exports.write.write_frame`): formula-safe CSV/XLSX (the XLSX headed with
Vietnamese labels, the CSV with the contract's keys), RFC 7946 GeoJSON with the boundary
licences and the synthetic-data warning. Geometry is the full-resolution boundary of a unit and
the point of a village.
"""

from __future__ import annotations

from datetime import datetime

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from geodata.analysis.gaps import GAP_COLUMNS, gap_register
from geodata.analysis.lookup import BBOX_COLUMNS
from geodata.exports.metadata import export_metadata
from geodata.exports.tabular import column_labels
from geodata.exports.write import FORMATS, export_filename, write_frame
from geodata.store.geometry import CRS as WGS84
from geodata.store.geometry import units_frame
from geodata.view import View, ViewError

GAP_EXPORT_FORMATS = ("csv", "xlsx", "geojson")
# The register's columns less the bounding box, with the verdict beside the gap.
GAP_EXPORT_COLUMNS = tuple(
    column
    for name in GAP_COLUMNS
    if name not in BBOX_COLUMNS
    for column in (("met", name) if name == "gap" else (name,))
)


def _geometry(session: Session, vintage: str, frame: pd.DataFrame) -> gpd.GeoSeries:
    """Full-resolution boundaries of the unit rows, points of the village rows (row order)."""
    shapes: dict[str, object] = {}
    for level in sorted(set(frame["level"]) - {"village"}):
        units = units_frame(session, vintage, level, None, display=False)
        shapes.update(zip(units["code"], units.geometry.values, strict=True))
    villages = frame[frame["level"] == "village"]
    if len(villages):
        points = shapely.points(villages["lon"].to_numpy(float), villages["lat"].to_numpy(float))
        shapes.update(zip(villages["code"], points, strict=True))
    return gpd.GeoSeries([shapes.get(code) for code in frame["code"]], crs=WGS84)


def gap_export_frame(session: Session, view: View, code: str | None = None) -> gpd.GeoDataFrame:
    """Return the gap register's rows for export, with geometry (EPSG:4326).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        The register's indicator, period, vintage and level, and the ``parent`` unit whose
        rows it keeps (as :func:`geodata.analysis.gaps.gap_register`).
    code : str, optional
        Only the row of this unit (the map's selection at the register's level).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`GAP_EXPORT_COLUMNS` (``met`` is False on every row: the register lists what
        misses its target) and ``geometry``, largest shortfall first.

    Raises
    ------
    ValueError
        As :func:`geodata.analysis.gaps.gap_register`.
    """
    frame = gap_register(
        session, view.indicator, view.period, view.vintage, view.level, view.parent
    )
    if code is not None:
        frame = frame[frame["code"] == str(code)]
    frame = frame.assign(met=False)
    table = frame[list(GAP_EXPORT_COLUMNS)].reset_index(drop=True)
    return gpd.GeoDataFrame(table, geometry=_geometry(session, view.vintage, table), crs=WGS84)


def export_gaps(
    session: Session,
    view: View,
    *,
    fmt: str,
    code: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """Export the gap register in one format.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        The register's view: one indicator, a period, a vintage, a level and optionally the
        ``parent`` unit whose rows are kept (parsed by the edge; ``below_target`` is implied).
    fmt : str
        ``csv``, ``xlsx`` or ``geojson`` (:data:`GAP_EXPORT_FORMATS`).
    code : str, optional
        Only the row of this unit.
    now : datetime, optional
        The generation time written into the metadata.

    Returns
    -------
    bytes
        The file (see :func:`gaps_filename` for its name).

    Raises
    ------
    ViewError
        Naming ``format``, or ``vintage`` when the register cannot be computed for the view.
    """
    if fmt not in GAP_EXPORT_FORMATS:
        raise ViewError("format", f"unknown format {fmt!r}; expected one of {GAP_EXPORT_FORMATS}")
    view = view.replace(below_target=True, all_indicators=False)
    try:
        frame = gap_export_frame(session, view, code)
    except ValueError as error:
        raise ViewError("vintage", str(error)) from None
    meta = export_metadata(session, view, frame, now)
    return write_frame(frame, fmt, meta, labels=column_labels("vi"))


def gaps_filename(view: View, *, fmt: str) -> str:
    """Return the file name of a gap-register export.

    Parameters
    ----------
    view : View
        As :func:`export_gaps`.
    fmt : str
        ``csv``, ``xlsx`` or ``geojson``.

    Returns
    -------
    str
        For example ``dxmap-gaps_mobile_broadband_villages_village_2023_v2020_below-target.csv``.
    """
    if fmt not in FORMATS:
        raise ViewError("format", f"unknown format {fmt!r}")
    name = export_filename(view.replace(below_target=True, all_indicators=False), fmt=fmt)
    return name.replace("dxmap_", "dxmap-gaps_", 1)
