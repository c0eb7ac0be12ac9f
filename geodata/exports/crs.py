"""Coordinate systems of GeoPackage exports: names, EPSG codes, one fixed reprojection."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import shapely

from geodata.store.geometry import CRS as WGS84
from geodata.view import ViewError

#: Named coordinate systems for GeoPackage exports (any ``EPSG:<code>`` is accepted too).
CRS_ALIASES = {
    "wgs84": "EPSG:4326",
    "epsg:4326": "EPSG:4326",
    # VN-2000 / TM-3 zone with central meridian 107°45′ (BR-VT's provincial zone).  EPSG's own
    # definition; pyproj's best VN-2000 → WGS 84 operation for it is EPSG's "VN-2000 to WGS 84 (2)"
    # (the 7 parameters of Circular 973/2001/TT-TCĐC, coordinate-frame rotation).
    "vn2000-tm3-10745": "EPSG:5899",
}


def resolve_crs(crs: str | None) -> str:
    """Return the EPSG identifier of a GeoPackage export's coordinate system.

    Parameters
    ----------
    crs : str or None
        ``None``/``"wgs84"`` (EPSG:4326), ``"vn2000-tm3-10745"`` (EPSG:5899, VN-2000 / TM-3
        107°45′) or any ``EPSG:<code>`` pyproj knows.

    Returns
    -------
    str
        For example ``"EPSG:5899"``.

    Raises
    ------
    ViewError
        For an unknown name or code (``parameter == "crs"``).
    """
    if crs is None or not str(crs).strip():
        return WGS84
    key = str(crs).strip().lower()
    if key in CRS_ALIASES:
        return CRS_ALIASES[key]
    match = re.fullmatch(r"epsg:(\d{4,6})", key)
    if match:
        from pyproj import CRS
        from pyproj.exceptions import CRSError

        try:
            CRS.from_epsg(int(match.group(1)))
        except CRSError:
            raise ViewError("crs", f"unknown coordinate system {crs!r}") from None
        return f"EPSG:{match.group(1)}"
    names = ", ".join(k for k in CRS_ALIASES if not k.startswith("epsg"))
    raise ViewError("crs", f"unknown coordinate system {crs!r}; use {names} or EPSG:<code>")


def reproject(frame: gpd.GeoDataFrame, crs: str) -> gpd.GeoDataFrame:
    """Reproject from EPSG:4326 with one fixed operation for every vertex.

    PROJ otherwise picks an operation per point by area of use: for VN-2000 it would switch to
    "VN-2000 to WGS 84 (1)" (Mekong delta petroleum blocks, west of 107.11°E) for some vertices
    of BR-VT and keep "(2)" (Vietnam onshore, Circular 973/2001/TT-TCĐC) for others, shearing
    polygons by about a metre. The best-ranked operation is used for the whole file.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        In EPSG:4326.
    crs : str
        Target, e.g. ``"EPSG:5899"``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in ``crs``.
    """
    from pyproj.transformer import TransformerGroup

    group = TransformerGroup(WGS84, crs, always_xy=True)
    if not group.transformers:
        raise ViewError("crs", f"no coordinate operation from WGS 84 to {crs}")
    transformer = group.transformers[0]

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = frame.copy()
    out["geometry"] = shapely.transform(np.asarray(frame.geometry.values, dtype=object), project)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs)
