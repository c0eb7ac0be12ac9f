"""The rows of an export: the view's values, as the map shows them, with full-resolution geometry.

Rows come from :func:`geodata.rollups.queries.unit_values` (or
:func:`geodata.rollups.queries.village_values`), so
an export always equals what the map shows; geometry is the full-resolution boundary (not the
simplified display copy), a point for a village.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import root_codes
from geodata.catalogue.indicators import catalogue_indicators
from geodata.rollups.queries import unit_values, village_values
from geodata.store.geometry import CRS as WGS84
from geodata.store.geometry import units_frame
from geodata.values.cells import not_met
from geodata.values.columns import COUNT_COLUMNS, UNIT_COLUMNS
from geodata.view import View, ViewError

#: The exported table's columns, in order (PRODUCT.md "Interfaces" plus ``type``).
COLUMNS = (*UNIT_COLUMNS[:2], "type", *UNIT_COLUMNS[2:])
NUMERIC_COLUMNS = ("value", "numerator", "denominator", "target")


def view_indicators(session: Session, view: View) -> tuple[str, ...]:
    """Return the indicator keys a view exports: its one indicator, or the catalogue's.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        The exported view.

    Returns
    -------
    tuple of str
        In catalogue order.
    """
    if view.all_indicators:
        return tuple(entry.key for entry in catalogue_indicators(session))
    return (str(view.indicator),)


def _whole_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Make counts whole numbers (a column with a missing cell would otherwise be floats)."""
    for column in COUNT_COLUMNS:
        if column in frame.columns and frame[column].dtype != object:
            frame[column] = frame[column].round().astype("Int64")
    return frame


def _geometry_table(session: Session, view: View, values: pd.DataFrame) -> pd.DataFrame:
    """Code → full-resolution geometry of the exported units (points for villages)."""
    if view.level == "village":
        return pd.DataFrame(
            {
                "code": values["code"].astype(object).to_numpy(),
                "geometry": shapely.points(
                    values["lon"].to_numpy(dtype=float), values["lat"].to_numpy(dtype=float)
                )
                if len(values)
                else np.array([], dtype=object),
            }
        ).drop_duplicates("code")
    parts = []
    # A leaf parent (a district without communes) answers with the parent itself: other levels.
    for level in sorted({str(v) for v in values["level"].dropna().unique()} or {view.level}):
        units = units_frame(session, view.vintage, level, None, display=False)
        parts.append(
            pd.DataFrame(
                {
                    "code": units["code"].astype(object).to_numpy(),
                    "geometry": np.asarray(units.geometry.values, dtype=object),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).drop_duplicates("code")


def view_values(session: Session, view: View, indicator_key: str) -> pd.DataFrame:
    """Return the rows of one indicator in a view, as the map shows them.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        A parsed view with a ``level`` (:meth:`geodata.view.View.parse`).
    indicator_key : str
        One of :func:`view_indicators`.

    Returns
    -------
    pandas.DataFrame
        :func:`geodata.rollups.queries.unit_values` for unit levels; for villages,
        :func:`geodata.rollups.queries.village_values` of the parent (or of the whole area), with
        ``type`` set to ``village``. Counts (:data:`geodata.values.columns.COUNT_COLUMNS`) are
        whole numbers.

    Raises
    ------
    ViewError
        Naming ``level`` when the view has none, ``vintage`` when the values cannot be shown
        on it (e.g. no crosswalk from the period's vintage).
    """
    if view.level is None:
        raise ViewError("level", "parameter 'level' is required")
    try:
        if view.level != "village":
            frame = unit_values(
                session, indicator_key, view.period, view.vintage, view.level, view.parent
            )
            return _whole_counts(frame)
        scopes = [view.parent] if view.parent else root_codes(session, view.vintage)
        parts = [
            village_values(session, indicator_key, view.period, view.vintage, scope)
            for scope in scopes
        ]
    except ValueError as exc:
        raise ViewError("vintage", str(exc)) from None
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    frame = frame.drop_duplicates("code").reset_index(drop=True)
    frame["type"] = "village"
    return _whole_counts(frame)


def view_frame(session: Session, view: View) -> gpd.GeoDataFrame:
    """Return the rows of a view with their full-resolution geometry (EPSG:4326).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        A parsed view with a ``level``; with ``below_target``, only rows whose ``met`` is False
        are kept (no data or no target is not "below").

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`COLUMNS`, then any further columns of
        :func:`geodata.rollups.queries.unit_values`,
        then ``geometry``; one row per unit (and indicator), indicators in catalogue order.

    Raises
    ------
    ViewError
        As :func:`view_values`.
    """
    parts = [view_values(session, view, key) for key in view_indicators(session, view)]
    parts = [p for p in parts if len(p)]
    values = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    geo = _geometry_table(session, view, values)
    table = values.merge(geo, on="code", how="left")
    if view.below_target:
        table = table[not_met(table["met"])].reset_index(drop=True)
    for column in COLUMNS:
        if column not in table.columns:
            table[column] = None
    extras = [
        c
        for c in table.columns
        if c not in COLUMNS and c != "geometry" and _scalar_column(table[c])
    ]
    table = table[[*COLUMNS, *extras, "geometry"]]
    return gpd.GeoDataFrame(table, geometry="geometry", crs=WGS84)


def _scalar_column(series: pd.Series) -> bool:
    """Keep only columns whose cells are plain scalars (they must fit CSV and GPKG)."""
    if series.dtype != object:
        return True
    return all(
        v is None or isinstance(v, str | int | float | bool | np.generic) for v in series.head(50)
    )
