"""GeoPackage exports: a data layer named after the view plus a ``metadata`` attribute table.

WGS 84 (EPSG:4326) by default, or VN-2000 / TM-3 107°45′ (EPSG:5899) with
``crs="vn2000-tm3-10745"``. ``met`` is stored as an integer 1/0 (GDAL's boolean fields cannot hold
"no data").
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.exports.cells import plain
from geodata.exports.crs import reproject, resolve_crs
from geodata.exports.rows import NUMERIC_COLUMNS
from geodata.store.geometry import CRS as WGS84


def _gpkg_layer_name(meta: dict[str, Any]) -> str:
    view = meta["view"]
    name = "_".join(
        [
            view["indicator"] or "all_indicators",
            view["level"],
            view["period"],
            f"v{view['vintage']}",
        ]
    )
    return re.sub(r"[^A-Za-z0-9_]+", "_", name)


def to_gpkg(frame: gpd.GeoDataFrame, meta: dict[str, Any], crs: str | None = None) -> bytes:
    """Write the rows as a GeoPackage (a data layer and a ``metadata`` table).

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows from :func:`geodata.exports.rows.view_frame` (EPSG:4326).
    meta : dict
        From :func:`geodata.exports.metadata.export_metadata`.
    crs : str, optional
        See :func:`geodata.exports.crs.resolve_crs` (default WGS 84).

    Returns
    -------
    bytes
        The GeoPackage file.
    """
    import pyogrio

    target = resolve_crs(crs)
    out = frame.copy()
    for column in out.columns:
        if column == "geometry":
            continue
        if column == "met":
            out[column] = pd.array(
                [None if (v := plain(m)) is None else int(bool(v)) for m in out[column]],
                dtype="Int16",
            )
        elif column in NUMERIC_COLUMNS:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
        elif out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(lambda v: None if plain(v) is None else str(v))
    if target != WGS84:
        out = reproject(out, target)
    info = pd.DataFrame(
        [
            {"key": key, "value": value if isinstance(value, str) else json.dumps(value)}
            for key, value in meta.items()
            if value is not None
        ]
    )
    with tempfile.TemporaryDirectory(prefix="dxmap-export-") as folder:
        path = Path(folder) / "export.gpkg"
        layer = _gpkg_layer_name(meta)
        pyogrio.write_dataframe(out, path, layer=layer, driver="GPKG", promote_to_multi=False)
        pyogrio.write_dataframe(info, path, layer="metadata", driver="GPKG", append=True)
        return path.read_bytes()
