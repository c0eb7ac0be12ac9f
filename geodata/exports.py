"""Export a map view as GeoJSON (RFC 7946), CSV, XLSX or GeoPackage: one implementation.

The CLI (``dxmap export``), the map's download button and the HTTP API all call
:func:`export_view`. A view is what the map shows: a level of one boundary vintage (optionally the
children of one unit), one period, one indicator or all of them, optionally only the units that
miss their target. Rows come from :func:`geodata.values.unit_values`, so an export always equals
what the map shows; geometry is the full-resolution boundary (not the simplified display copy).

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
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.geometry import CRS as WGS84
from geodata.geometry import units_frame
from geodata.models import Indicator, Layer, Source, Target, Unit, Village
from geodata.values import unit_values, village_values
from geodata.vintages import VINTAGE_KEYS, period_bounds, vintage_spec

FORMATS = ("geojson", "csv", "xlsx", "gpkg")
LEVELS = ("province", "district", "commune", "village")
EXTENSIONS = {"geojson": "geojson", "csv": "csv", "xlsx": "xlsx", "gpkg": "gpkg"}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "gpkg": "application/geopackage+sqlite3",
}
#: The exported table's columns, in order (PRODUCT.md "Interfaces" plus ``type``).
COLUMNS = (
    "code",
    "name",
    "type",
    "level",
    "parent_code",
    "vintage",
    "period",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "target",
    "met",
    "provenance",
    "source",
)
NUMERIC_COLUMNS = ("value", "numerator", "denominator", "target")
#: Named coordinate systems for GeoPackage exports (any ``EPSG:<code>`` is accepted too).
CRS_ALIASES = {
    "wgs84": "EPSG:4326",
    "epsg:4326": "EPSG:4326",
    # VN-2000 / TM-3 zone with central meridian 107°45′ (BR-VT's provincial zone).  EPSG's own
    # definition; pyproj's best VN-2000 → WGS 84 operation for it is EPSG's "VN-2000 to WGS 84 (2)"
    # (the 7 parameters of Circular 973/2001/TT-TCĐC, coordinate-frame rotation).
    "vn2000-tm3-10745": "EPSG:5899",
}
COORD_DECIMALS = 6
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SYNTHETIC_WARNING = (
    "Some values are SYNTHETIC (dxmap demo data, provenance 'synthetic'), not published figures. "
    "/ Một số giá trị là dữ liệu MÔ PHỎNG (provenance 'synthetic'), không phải số liệu công bố."
)
EXAMPLE_TARGETS_NOTE = "Targets marked as examples are not official thresholds."
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class ExportError(ValueError):
    """A view parameter is not valid; ``parameter`` names it (for an API's 400 answer).

    Parameters
    ----------
    parameter : str
        The offending parameter (``fmt``, ``level``, ``vintage``, ``period``, ``indicator``,
        ``parent_code``, ``crs``), or ``view`` when the combination cannot be computed (unit
        data cannot be carried back to an earlier vintage).
    message : str
        What is wrong.
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


@dataclass(frozen=True)
class ExportView:
    """A validated view: what to export.

    Attributes
    ----------
    level, vintage, period : str
        Level, vintage and period keys.
    indicators : tuple of str
        Indicator keys, in catalogue order.
    all_indicators : bool
        True when every indicator was asked for.
    parent_code : str or None
        Only the children of this unit.
    below_target : bool
        Only rows whose target is not met.
    """

    level: str
    vintage: str
    period: str
    indicators: tuple[str, ...]
    all_indicators: bool
    parent_code: str | None
    below_target: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the view as plain JSON-ready data."""
        return {
            "level": self.level,
            "vintage": self.vintage,
            "period": self.period,
            "indicator": None if self.all_indicators else self.indicators[0],
            "all_indicators": self.all_indicators,
            "parent_code": self.parent_code,
            "below_target": self.below_target,
        }


# --------------------------------------------------------------------------- parameters


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
    ExportError
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
            raise ExportError("crs", f"unknown coordinate system {crs!r}") from None
        return f"EPSG:{match.group(1)}"
    names = ", ".join(k for k in CRS_ALIASES if not k.startswith("epsg"))
    raise ExportError("crs", f"unknown coordinate system {crs!r}; use {names} or EPSG:<code>")


def resolve_view(
    session: Session,
    *,
    level: str,
    vintage: str,
    period: str,
    indicator: str | None = None,
    all_indicators: bool = False,
    parent_code: str | None = None,
    below_target: bool = False,
) -> ExportView:
    """Check a view's parameters against the store and return it.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    level, vintage, period : str
        Level (``province``, ``district``, ``commune``, ``village``), vintage and period keys.
    indicator : str, optional
        One indicator key (give this or ``all_indicators``).
    all_indicators : bool
        Every indicator of the catalogue.
    parent_code : str, optional
        Only the children of this unit of ``vintage``.
    below_target : bool
        Only rows that miss their target.

    Returns
    -------
    ExportView
        The validated view.

    Raises
    ------
    ExportError
        Naming the first bad parameter.
    """
    if vintage not in VINTAGE_KEYS:
        raise ExportError(
            "vintage", f"unknown vintage {vintage!r}; expected one of {', '.join(VINTAGE_KEYS)}"
        )
    if level not in LEVELS:
        raise ExportError("level", f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    available = (*vintage_spec(vintage).levels, "village")
    if level not in available:
        raise ExportError(
            "level",
            f"vintage {vintage} has no {level} level; it has {', '.join(available)}",
        )
    try:
        period_bounds(period)
    except ValueError as exc:
        raise ExportError("period", str(exc)) from None
    if bool(indicator) == bool(all_indicators):
        raise ExportError("indicator", "give either one indicator or all indicators")
    keys = list(
        session.scalars(select(Indicator.key).order_by(Indicator.sort_order, Indicator.key))
    )
    if indicator and indicator not in keys:
        raise ExportError(
            "indicator", f"unknown indicator {indicator!r}; expected one of {', '.join(keys)}"
        )
    if parent_code:
        found = session.scalar(
            select(Unit.code).where(Unit.vintage_key == vintage, Unit.code == str(parent_code))
        )
        if found is None:
            raise ExportError(
                "parent_code", f"no unit with code {parent_code!r} in vintage {vintage}"
            )
    return ExportView(
        level=level,
        vintage=vintage,
        period=str(period),
        indicators=tuple(keys) if all_indicators else (str(indicator),),
        all_indicators=bool(all_indicators),
        parent_code=str(parent_code) if parent_code else None,
        below_target=bool(below_target),
    )


def export_filename(
    *,
    fmt: str,
    level: str,
    vintage: str,
    period: str,
    indicator: str | None = None,
    all_indicators: bool = False,
    parent_code: str | None = None,
    below_target: bool = False,
    crs: str | None = None,
) -> str:
    """Return a file name that says what an export holds.

    Parameters
    ----------
    fmt : str
        ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
    level, vintage, period : str
        The view's level, vintage and period.
    indicator : str, optional
        The indicator (``all-indicators`` when ``all_indicators``).
    all_indicators : bool
        Every indicator.
    parent_code : str, optional
        The unit whose children are exported.
    below_target : bool
        Only units below target.
    crs : str, optional
        A GeoPackage's coordinate system other than WGS 84.

    Returns
    -------
    str
        For example ``dxmap_fibre_households_commune_in-752_2024_v2020.geojson``.
    """
    if fmt not in FORMATS:
        raise ExportError("fmt", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    parts = ["dxmap", "all-indicators" if all_indicators else (indicator or "indicator"), level]
    if parent_code:
        parts.append(f"in-{parent_code}")
    parts += [str(period), f"v{vintage}"]
    if below_target:
        parts.append("below-target")
    if fmt == "gpkg" and crs and resolve_crs(crs) != WGS84:
        alias = next((k for k, v in CRS_ALIASES.items() if v == resolve_crs(crs)), None)
        parts.append(alias or resolve_crs(crs).replace(":", "").lower())
    stem = "_".join(_SAFE.sub("-", part) for part in parts)
    return f"{stem}.{EXTENSIONS[fmt]}"


# --------------------------------------------------------------------------- the table


def _geometry_table(session: Session, view: ExportView, values: pd.DataFrame) -> pd.DataFrame:
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
    # A leaf parent (Côn Đảo has no communes) answers with the parent itself: other levels.
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


def _roots(session: Session, vintage: str) -> list[str]:
    return list(
        session.scalars(
            select(Unit.code)
            .where(Unit.vintage_key == vintage, Unit.level == "province")
            .order_by(Unit.code)
        )
    )


def view_values(session: Session, view: ExportView, indicator_key: str) -> pd.DataFrame:
    """Return the rows of one indicator in a view, as the map shows them.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : ExportView
        From :func:`resolve_view`.
    indicator_key : str
        One of ``view.indicators``.

    Returns
    -------
    pandas.DataFrame
        :func:`geodata.values.unit_values` for unit levels; for villages,
        :func:`geodata.values.village_values` of the parent (or of the whole area), with
        ``type`` set to ``village``.

    Raises
    ------
    ExportError
        When the values cannot be computed for the view (e.g. no crosswalk to that vintage).
    """
    try:
        if view.level != "village":
            return unit_values(
                session, indicator_key, view.period, view.vintage, view.level, view.parent_code
            )
        scopes = [view.parent_code] if view.parent_code else _roots(session, view.vintage)
        parts = [
            village_values(session, indicator_key, view.period, view.vintage, scope)
            for scope in scopes
        ]
    except ValueError as exc:
        raise ExportError("view", str(exc)) from None
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    frame = frame.drop_duplicates("code").reset_index(drop=True)
    frame["type"] = "village"
    return frame


def _is_false(value: Any) -> bool:
    """Tell whether ``value`` is a definite "not met" (None/NA: no data or no target)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return False
    return not bool(value)


def export_frame(
    session: Session,
    *,
    level: str,
    vintage: str,
    period: str,
    indicator: str | None = None,
    all_indicators: bool = False,
    parent_code: str | None = None,
    below_target: bool = False,
) -> gpd.GeoDataFrame:
    """Return the rows of a view with their full-resolution geometry (EPSG:4326).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    level, vintage, period : str
        Level, vintage and period keys.
    indicator : str, optional
        One indicator key (or ``all_indicators``).
    all_indicators : bool
        One row per unit and indicator, indicators in catalogue order.
    parent_code : str, optional
        Only the children of this unit.
    below_target : bool
        Keep only rows whose ``met`` is False (no data or no target is not "below").

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`COLUMNS`, then any further columns of :func:`geodata.values.unit_values`,
        then ``geometry``; one row per unit (and indicator).

    Raises
    ------
    ExportError
        Naming the first bad parameter.
    """
    view = resolve_view(
        session,
        level=level,
        vintage=vintage,
        period=period,
        indicator=indicator,
        all_indicators=all_indicators,
        parent_code=parent_code,
        below_target=below_target,
    )
    return _frame(session, view)


def _frame(session: Session, view: ExportView) -> gpd.GeoDataFrame:
    parts = [view_values(session, view, key) for key in view.indicators]
    parts = [p for p in parts if len(p)]
    values = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    geo = _geometry_table(session, view, values)
    table = values.merge(geo, on="code", how="left")
    if view.below_target:
        table = table[table["met"].map(_is_false)].reset_index(drop=True)
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


# --------------------------------------------------------------------------- metadata


def _plain(value: Any) -> Any:
    """Return a JSON/XLSX-ready Python value: NaN/NA → None, numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return None
        return number
    return value


def _number(value: Any) -> int | float | None:
    number = _plain(value)
    if number is None or isinstance(number, bool) or not isinstance(number, int | float):
        return None
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else number


def export_metadata(
    session: Session, view: ExportView, frame: pd.DataFrame, now: datetime | None = None
) -> dict[str, Any]:
    """Describe an export: view, time, indicator definitions, sources, licences, warnings.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : ExportView
        The exported view.
    frame : pandas.DataFrame
        The exported rows (their ``provenance`` and ``source`` columns are read).
    now : datetime, optional
        The generation time (default: now, UTC).

    Returns
    -------
    dict
        JSON-ready: ``generated_at``, ``view``, ``rows``, ``synthetic``, ``warning``,
        ``indicators``, ``sources``, ``layers``, ``attribution``, ``licence``, ``targets_note``.
    """
    now = now or datetime.now(UTC)
    indicators = [
        {
            "key": i.key,
            "name_vi": i.name_vi,
            "name_en": i.name_en,
            "pillar": i.pillar,
            "kind": i.kind,
            "unit": i.unit,
            "direction": i.direction,
            "definition_vi": i.definition_vi,
            "definition_en": i.definition_en,
            "numerator_vi": i.numerator_vi,
            "numerator_en": i.numerator_en,
            "denominator_vi": i.denominator_vi,
            "denominator_en": i.denominator_en,
            "finest_level": i.finest_level,
            "source": i.source_key,
        }
        for i in session.scalars(
            select(Indicator)
            .where(Indicator.key.in_(view.indicators))
            .order_by(Indicator.sort_order, Indicator.key)
        )
    ]
    source_keys: set[str] = set()
    for cell in frame["source"] if "source" in frame.columns else []:
        if isinstance(cell, str) and cell:
            source_keys.update(s.strip() for s in cell.split(";") if s.strip())
    sources = [
        {
            "key": s.key,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url,
            "published_on": s.published_on.isoformat() if s.published_on else None,
            "licence": s.licence,
            "provenance": s.provenance,
        }
        for s in session.scalars(select(Source).where(Source.key.in_(sorted(source_keys))))
    ]
    layer_level = "commune" if view.level == "village" else view.level
    layer_ids = select(Unit.layer_id).where(
        Unit.vintage_key == view.vintage, Unit.level == layer_level
    )
    layer_rows = list(
        session.scalars(
            select(Layer)
            .where(
                (Layer.id.in_(layer_ids))
                | ((Layer.vintage_key == view.vintage) & (Layer.level == layer_level))
            )
            .order_by(Layer.id)
        )
    )
    layers = [
        {
            "file": layer.file_name,
            "vintage": layer.vintage_key,
            "level": layer.level,
            "licence": layer.licence,
            "attribution": layer.attribution,
            "upstream": layer.upstream,
            "redistributable": bool(layer.redistributable),
        }
        for layer in layer_rows
    ]
    provenances = {p for p in frame.get("provenance", []) if isinstance(p, str) and p}
    synthetic = bool(provenances - {"published"})
    notes: list[str] = []
    if view.level == "village":
        kinds = set(session.scalars(select(Village.provenance).distinct()))
        if kinds - {"published"}:
            notes.append(
                "Village points are dxmap demo locations (synthetic), not surveyed positions."
            )
    if any(not layer["redistributable"] for layer in layers):
        notes.append(
            "A boundary layer in this file may not be redistributed (see its licence); "
            "keep the export for internal use."
        )
    examples = session.scalar(
        select(Target.id)
        .where(
            Target.indicator_key.in_(view.indicators),
            Target.period == view.period,
            Target.is_example.is_(True),
        )
        .limit(1)
    )
    return {
        "generated_at": now.astimezone(UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        "generator": "dxmap",
        "view": view.as_dict(),
        "rows": len(frame),
        "synthetic": synthetic,
        "warning": SYNTHETIC_WARNING if synthetic else None,
        "notes": notes,
        "targets_note": EXAMPLE_TARGETS_NOTE if examples is not None else None,
        "indicators": indicators,
        "sources": sources,
        "layers": layers,
        "attribution": "; ".join(dict.fromkeys(layer["attribution"] for layer in layers)),
        "licence": "; ".join(dict.fromkeys(layer["licence"] for layer in layers)),
    }


# --------------------------------------------------------------------------- writers


def neutralise_cell(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet (OWASP CSV injection); leave numbers alone.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` when ``value`` is text starting with ``=``, ``+``, ``-``, ``@``, tab or
        carriage return; otherwise ``value`` unchanged (numbers, including negative ones, stay
        numbers).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    """Return a CSV/XLSX cell: numbers as numbers, text neutralised, no data as None."""
    plain = _plain(value)
    if plain is None or isinstance(plain, bool):
        return plain
    if isinstance(plain, int | float):
        return _number(plain)
    return neutralise_cell(str(plain))


def _rows(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    columns = [c for c in frame.columns if c != "geometry"]
    rows = [[_cell(v) for v in record] for record in frame[columns].itertuples(index=False)]
    return columns, rows


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(frame: pd.DataFrame) -> bytes:
    """Write the rows (no geometry) as CSV, UTF-8 with BOM, formula-safe.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows from :func:`export_frame`.

    Returns
    -------
    bytes
        The file.
    """
    columns, rows = _rows(frame)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _metadata_rows(meta: dict[str, Any]) -> list[list[Any]]:
    view = meta["view"]
    rows: list[list[Any]] = [
        ["dxmap export"],
        ["generated_at (UTC)", meta["generated_at"]],
        ["level", view["level"]],
        ["vintage", view["vintage"]],
        ["period", view["period"]],
        ["indicator", view["indicator"] or "all indicators"],
        ["parent_code", view["parent_code"] or ""],
        ["below_target", "yes" if view["below_target"] else "no"],
        ["rows", meta["rows"]],
        ["synthetic values", "YES" if meta["synthetic"] else "no"],
    ]
    if meta["warning"]:
        rows.append(["WARNING", meta["warning"]])
    for note in meta["notes"]:
        rows.append(["note", note])
    if meta["targets_note"]:
        rows.append(["targets", meta["targets_note"]])
    rows.append([])
    rows.append(["Indicators"])
    indicator_fields = list(meta["indicators"][0]) if meta["indicators"] else ["key"]
    rows.append(indicator_fields)
    rows += [[i[f] for f in indicator_fields] for i in meta["indicators"]]
    rows.append([])
    rows.append(["Sources"])
    source_fields = ["key", "title", "publisher", "url", "published_on", "licence", "provenance"]
    rows.append(source_fields)
    rows += [[s[f] for f in source_fields] for s in meta["sources"]]
    rows.append([])
    rows.append(["Boundary layers"])
    layer_fields = [
        "file",
        "vintage",
        "level",
        "licence",
        "attribution",
        "upstream",
        "redistributable",
    ]
    rows.append(layer_fields)
    rows += [[layer[f] for f in layer_fields] for layer in meta["layers"]]
    return rows


def to_xlsx(frame: pd.DataFrame, meta: dict[str, Any]) -> bytes:
    """Write the rows as an XLSX workbook: sheet ``data`` and sheet ``metadata``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows from :func:`export_frame`.
    meta : dict
        From :func:`export_metadata`.

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    columns, rows = _rows(frame)
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    for index, column in enumerate(columns, start=1):
        width = max([len(column), *(len(str(r[index - 1])) for r in rows[:200] if r[index - 1])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)

    info = workbook.create_sheet("metadata")
    for row in _metadata_rows(meta):
        info.append([_cell(v) for v in row])
    for row in info.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
        Rows from :func:`export_frame` (EPSG:4326).
    meta : dict
        From :func:`export_metadata`; carried as foreign members.

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
            plain = _plain(value)
            properties[column] = _number(plain) if column in NUMERIC_COLUMNS else plain
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
        Rows from :func:`export_frame`.
    meta : dict
        From :func:`export_metadata`.

    Returns
    -------
    bytes
        The GeoJSON file.
    """
    document = to_geojson_dict(frame, meta)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


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
        raise ExportError("crs", f"no coordinate operation from WGS 84 to {crs}")
    transformer = group.transformers[0]

    def project(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    out = frame.copy()
    out["geometry"] = shapely.transform(np.asarray(frame.geometry.values, dtype=object), project)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs)


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
        Rows from :func:`export_frame` (EPSG:4326).
    meta : dict
        From :func:`export_metadata`.
    crs : str, optional
        See :func:`resolve_crs` (default WGS 84).

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
                [None if (v := _plain(m)) is None else int(bool(v)) for m in out[column]],
                dtype="Int16",
            )
        elif column in NUMERIC_COLUMNS:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
        elif out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(lambda v: None if _plain(v) is None else str(v))
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


# --------------------------------------------------------------------------- entry point


def export_view(
    session: Session,
    *,
    fmt: str,
    level: str,
    vintage: str,
    period: str,
    indicator: str | None = None,
    all_indicators: bool = False,
    parent_code: str | None = None,
    below_target: bool = False,
    crs: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """Export a view in one format (the one implementation behind CLI, UI and API).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    fmt : str
        ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
    level, vintage, period : str
        Level, vintage and period keys (a period may be viewed on any vintage the crosswalk
        reaches: values are re-aggregated by :func:`geodata.values.unit_values`).
    indicator : str, optional
        One indicator key (or ``all_indicators``).
    all_indicators : bool
        One row per unit and indicator.
    parent_code : str, optional
        Only the children of this unit.
    below_target : bool
        Only rows whose target is not met.
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
    ExportError
        Naming the first bad parameter.
    """
    if fmt not in FORMATS:
        raise ExportError("fmt", f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if crs and fmt != "gpkg" and resolve_crs(crs) != WGS84:
        raise ExportError("crs", "a coordinate system can be chosen for GeoPackage exports only")
    resolve_crs(crs)
    view = resolve_view(
        session,
        level=level,
        vintage=vintage,
        period=period,
        indicator=indicator,
        all_indicators=all_indicators,
        parent_code=parent_code,
        below_target=below_target,
    )
    frame = _frame(session, view)
    meta = export_metadata(session, view, frame, now)
    if fmt == "geojson":
        return to_geojson(frame, meta)
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        return to_xlsx(frame, meta)
    return to_gpkg(frame, meta, crs)


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


__all__: Sequence[str] = (
    "COLUMNS",
    "CRS_ALIASES",
    "FORMATS",
    "MEDIA_TYPES",
    "ExportError",
    "ExportView",
    "export_filename",
    "export_frame",
    "export_metadata",
    "export_view",
    "neutralise_cell",
    "resolve_crs",
    "reproject",
    "resolve_view",
    "to_csv",
    "to_geojson",
    "to_geojson_dict",
    "to_gpkg",
    "to_xlsx",
    "view_values",
    "write_export",
)
