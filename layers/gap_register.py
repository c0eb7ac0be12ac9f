"""The gap register: a sortable, filterable data grid of what misses its target, and downloads.

Numbers stay numbers in the grid (so that sorting and number filters work); they are formatted
for the language by ``dxmapNumber`` in ``assets/dxmap.js`` (dash-ag-grid's function namespace).
"""

from __future__ import annotations

import json
from typing import Any

from dash import dcc, html

from layers import ids
from layers.i18n import GRID_TEXTS, t
from layers.lazy_grid import LazyAgGrid

GAP_LEVELS = ("district", "commune", "village")
DOWNLOAD_BUTTONS = ((ids.GAP_CSV, "CSV"), (ids.GAP_XLSX, "XLSX"), (ids.GAP_GEOJSON, "GeoJSON"))


def _number_column(field: str, header: str, lang: str, decimals: int, suffix: str) -> dict:
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "filter": "agNumberColumnFilter",
        "valueFormatter": {
            "function": f"dxmapNumber(params.value, '{lang}', {decimals}, '{suffix}', "
            f"{'true' if field == 'gap' else 'false'})"
        },
        "width": 92,
    }


def column_defs(
    lang: str, unit: str, shortfall_unit: str, show_level: bool, group: str | None = None
) -> list[dict]:
    """Return the grid's columns in ``lang`` (values with ``unit``, shortfall in its unit).

    ``group`` ("district" or "commune") adds the group's column first: rows sort by it, then by
    shortfall, so each district's or commune's rows stand together.
    """
    decimals = 1 if unit == "%" else 0
    suffix = " %" if unit == "%" else ""
    shortfall = _number_column("shortfall", t("gap_shortfall", lang), lang, 0, "")
    shortfall.update(headerTooltip=shortfall_unit, sort="desc", width=124)
    grouped: list[dict] = []
    if group:
        shortfall["sortIndex"] = 1
        grouped.append(
            {
                "field": "group",
                "headerName": t(f"gap_group_{group}", lang),
                "filter": "agTextColumnFilter",
                "sort": "asc",
                "sortIndex": 0,
                "pinned": "left",
                "width": 120,
                "tooltipField": "group",
                "cellClass": "dxmap-grid-group",
            }
        )
    return [
        *grouped,
        {
            "field": "name",
            "headerName": t("name", lang),
            "filter": "agTextColumnFilter",
            "width": 116,
            "pinned": "left",
            "tooltipField": "name",
        },
        {
            "field": "parent_name",
            "headerName": t("gap_parent", lang),
            "filter": "agTextColumnFilter",
            "width": 132,
            "tooltipField": "parent_name",
        },
        {
            "field": "level_label",
            "headerName": t("gap_level", lang),
            "filter": "agTextColumnFilter",
            "hide": not show_level,
            "width": 86,
        },
        shortfall,
        _number_column("value", t("value", lang), lang, decimals, suffix),
        _number_column("target", t("goal", lang), lang, decimals, suffix),
        _number_column("gap", t("gap", lang), lang, decimals, suffix),
        {
            "field": "provenance_label",
            "headerName": t("provenance", lang),
            "filter": "agTextColumnFilter",
            "width": 104,
        },
        {"field": "code", "headerName": t("code", lang), "width": 96},
    ]


def grid_options(lang: str) -> dict[str, Any]:
    """Return the grid options: single-row selection by click (or Space), texts in ``lang``."""
    return {
        "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
        "localeText": dict(GRID_TEXTS.get(lang, {})),
        "animateRows": False,
        "rowHeight": 32,
        "headerHeight": 36,
        "tooltipShowDelay": 400,
        "suppressDragLeaveHidesColumns": True,
    }


def row_classes(focus: str | None) -> dict[str, str]:
    """Return the grid's row class rules: the row the map was moved to is marked."""
    return {"dxmap-grid-focus": f"params.data.code === {json.dumps(focus)}"} if focus else {}


def grid(lang: str) -> LazyAgGrid:
    """Return the empty grid of the gap register (rows and columns come from a callback).

    The grid's script is loaded when the register's tab is first opened (layers/lazy_grid.py).
    """
    return LazyAgGrid(
        id=ids.GAP_GRID,
        rowData=[],
        columnDefs=column_defs(lang, "%", "", False),
        defaultColDef={"sortable": True, "resizable": True, "filter": True},
        getRowId="params.data.code",
        dashGridOptions=grid_options(lang),
        className="dxmap-grid",
        style={"height": "100%", "width": "100%"},
    )


def level_options(levels: tuple[str, ...] | list[str], lang: str) -> list[dict[str, str]]:
    """Return the register's level choices among ``levels`` (district, commune, village)."""
    return [
        {"label": t(f"unit_level_{level}", lang), "value": level}
        for level in GAP_LEVELS
        if level in levels or level == "village"
    ]


def group_options(lang: str) -> list[dict[str, str]]:
    """Return the register's grouping choices: none, by district, by commune."""
    return [
        {"label": t(f"gap_group_{key}", lang), "value": key}
        for key in ("none", "district", "commune")
    ]


def downloads(lang: str) -> html.Div:
    """Return the download buttons (CSV, XLSX, GeoJSON) and the download component."""
    return html.Div(
        [
            html.Span(
                t("gap_download", lang),
                id=ids.label("gap_download"),
                className="dxmap-download-label",
            ),
            *(
                html.Button(name, id=ident, n_clicks=0, className="dxmap-small-button")
                for ident, name in DOWNLOAD_BUTTONS
            ),
            dcc.Download(id=ids.GAP_DOWNLOAD),
        ],
        className="dxmap-gap-downloads",
    )


def summary(title: str, text: str, hint: str) -> list[Any]:
    """Return the heading and the line above the grid: how many rows miss the target."""
    return [
        html.H2(title, className="dxmap-panel-title"),
        html.P(text, className="dxmap-gap-count", role="status"),
        html.P(hint, className="dxmap-hint"),
    ]
