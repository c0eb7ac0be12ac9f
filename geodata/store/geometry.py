"""Geometry in the store: WKB ↔ shapely, and units as GeoDataFrames (EPSG:4326).

Geometry is stored as WKB in plain binary columns so that SQLite needs no spatial extension.
Each unit has its full geometry and a display geometry simplified once per vintage and level at
load (see :mod:`geodata.boundaries.simplify`).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.models import Unit

CRS = "EPSG:4326"
FRAME_COLUMNS = ("code", "name", "type", "level", "parent_code", "vintage", "geometry")


def to_wkb(geometry: BaseGeometry | None) -> bytes | None:
    """Encode a geometry as WKB (2D, little-endian); ``None`` and empty give ``None``.

    Parameters
    ----------
    geometry : shapely geometry or None
        The geometry, in EPSG:4326.

    Returns
    -------
    bytes or None
        The WKB.
    """
    if geometry is None or geometry.is_empty:
        return None
    return shapely.to_wkb(geometry, output_dimension=2, byte_order=1)


def from_wkb(data: bytes | memoryview | None) -> BaseGeometry | None:
    """Decode WKB into a shapely geometry (``None`` stays ``None``).

    Parameters
    ----------
    data : bytes, memoryview or None
        WKB as stored in :class:`geodata.store.models.Unit`.

    Returns
    -------
    shapely geometry or None
        The geometry.
    """
    if data is None:
        return None
    return shapely.from_wkb(bytes(data))


def stored_box(values: Sequence[float | None]) -> tuple[float, float, float, float] | None:
    """Return a stored bounding box as floats, or ``None`` when any bound is missing.

    Parameters
    ----------
    values : sequence of float or None
        ``min_lon, min_lat, max_lon, max_lat`` as read from :class:`geodata.store.models.Unit`.

    Returns
    -------
    tuple of float or None
        The box in EPSG:4326 (``None`` for a unit without geometry).
    """
    if any(value is None for value in values):
        return None
    min_lon, min_lat, max_lon, max_lat = (float(value) for value in values)  # type: ignore[arg-type]
    return (min_lon, min_lat, max_lon, max_lat)


def units_frame(
    session: Session,
    vintage: str,
    level: str,
    parent_code: str | None = None,
    display: bool = True,
) -> gpd.GeoDataFrame:
    """Return the units of one vintage and level as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on the store.
    vintage : str
        Vintage key (``"2020"``, ``"2025-01"``, ``"2025-07"``).
    level : str
        ``"province"``, ``"district"`` or ``"commune"``.
    parent_code : str, optional
        Keep only the children of this unit.
    display : bool
        Use the simplified display geometry (for the map) instead of the full geometry
        (for spatial checks and exports at full precision).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code, name, type, level, parent_code, vintage, geometry``, sorted by code;
        empty (with those columns) when nothing matches.
    """
    geom_col = Unit.display_geometry if display else Unit.geometry
    query = select(
        Unit.code, Unit.name, Unit.type, Unit.level, Unit.parent_code, Unit.vintage_key, geom_col
    ).where(Unit.vintage_key == vintage, Unit.level == level)
    if parent_code is not None:
        query = query.where(Unit.parent_code == parent_code)
    rows = session.execute(query.order_by(Unit.code)).all()
    records = {name: [] for name in FRAME_COLUMNS}
    for code, name, type_, lvl, parent, vint, wkb in rows:
        records["code"].append(code)
        records["name"].append(name)
        records["type"].append(type_)
        records["level"].append(lvl)
        records["parent_code"].append(parent)
        records["vintage"].append(vint)
        records["geometry"].append(from_wkb(wkb))
    frame = gpd.GeoDataFrame(records, geometry="geometry", crs=CRS)
    for column in FRAME_COLUMNS[:-1]:
        frame[column] = frame[column].astype("string")
    return frame


def unit_bounds(
    session: Session, vintage: str, code: str
) -> tuple[float, float, float, float] | None:
    """Return the bounding box of one unit as ``(min_lon, min_lat, max_lon, max_lat)``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on the store.
    vintage : str
        Vintage key.
    code : str
        GSO code of the unit.

    Returns
    -------
    tuple of float or None
        The box in EPSG:4326, or ``None`` if the unit does not exist or has no geometry.
    """
    row = session.execute(
        select(Unit.min_lon, Unit.min_lat, Unit.max_lon, Unit.max_lat).where(
            Unit.vintage_key == vintage, Unit.code == str(code)
        )
    ).first()
    return None if row is None else stored_box(row)
