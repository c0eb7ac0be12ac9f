"""Analysis tabs: tab switching (in the browser), and each tab's content for the view callback.

A tab's content is computed only while its tab is active (and again when it becomes active),
so a view change costs nothing for hidden tabs; the answers are cached on the service.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc
from dash.exceptions import PreventUpdate

from callbacks.analysis_view import active_tab, detail_panel, trends_panel
from callbacks.compare_view import compare_panel, picker
from callbacks.gaps_view import download_request, gaps_panel
from geodata.exports.view import ExportError
from layers import ids
from layers.panels import TABS

log = logging.getLogger(__name__)
GAP_FORMATS = {ids.GAP_CSV: "csv", ids.GAP_XLSX: "xlsx", ids.GAP_GEOJSON: "geojson"}


#: Each tab's outputs, by name; a name that is also an input or state of the view callback
#: (``gap_level``, ``compare``…) is the same component property there.
TAB_OUTPUTS = {
    "detail": {
        "scorecard": Output(ids.SCORECARD, "children"),
        "compare_add_text": Output(ids.COMPARE_ADD, "children"),
        "compare_add_disabled": Output(ids.COMPARE_ADD, "disabled"),
    },
    "compare": {
        "compare_matrix": Output(ids.COMPARE_MATRIX, "children"),
        "ranking_figure": Output(ids.RANKING, "figure"),
        "ranking_title": Output(ids.RANKING_TITLE, "children"),
        "compare_options": Output(ids.COMPARE_PICK, "options"),
        "compare": Output(ids.COMPARE_PICK, "value"),
        "compare_placeholder": Output(ids.COMPARE_PICK, "placeholder"),
        "compare_labels": Output(ids.COMPARE_PICK, "labels"),
        "compare_options_key": Output(ids.COMPARE_OPTIONS, "data"),
    },
    "gaps": {
        "gap_summary": Output(ids.GAP_SUMMARY, "children"),
        "gap_grid_rows": Output(ids.GAP_GRID, "rowData"),
        "gap_columns": Output(ids.GAP_GRID, "columnDefs"),
        "gap_grid_options": Output(ids.GAP_GRID, "dashGridOptions"),
        "gap_row_classes": Output(ids.GAP_GRID, "rowClassRules"),
        "gap_level_options": Output(ids.GAP_LEVEL, "options"),
        "gap_level": Output(ids.GAP_LEVEL, "value"),
        "gap_points": Output(ids.GAP_POINTS, "data"),
        "gap_group_options": Output(ids.GAP_GROUP, "options"),
    },
    "trends": {
        "trend_figure": Output(ids.TREND, "figure"),
        "trend_note": Output(ids.TREND_NOTE, "children"),
        "trend_table": Output(ids.TREND_TABLE, "children"),
    },
}
#: What the browser holds of the tabs, besides their inputs (``gap_level``, ``gap_group``,
#: ``compare``): the register's columns and grid options, and the compare list's options key.
TAB_STATES = {
    "compare_options_key": State(ids.COMPARE_OPTIONS, "data"),
    "gap_columns": State(ids.GAP_GRID, "columnDefs"),
    "gap_grid_options": State(ids.GAP_GRID, "dashGridOptions"),
}


def tab_outputs(
    tab: str | None, view: Any, service: Any, held: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return the shown tab's outputs (of :data:`TAB_OUTPUTS`) for ``view``, by name.

    A hidden tab computes nothing: its outputs are not sent (the active tab is an input of the
    view callback, so a tab is computed when it is opened); the table tab's output is the
    map's. ``held`` is what the browser holds, by the view callback's input and state names.
    """
    held = held or {}
    tab = active_tab(tab)
    if tab == "detail":
        out = detail_panel(view, service)
        return {
            "scorecard": out["scorecard"],
            "compare_add_text": out["button"],
            "compare_add_disabled": out["disabled"],
        }
    if tab == "compare":
        return _compare_outputs(view, service, held)
    if tab == "gaps":
        return _gap_outputs(view, service, held)
    if tab == "trends":
        out = trends_panel(view, service)
        return {
            "trend_figure": out["figure"],
            "trend_note": out["note"],
            "trend_table": out["table"],
        }
    return {}


def _compare_outputs(view: Any, service: Any, held: Mapping[str, Any]) -> dict[str, Any]:
    """Return the compare tab's outputs; the list's value and options only where they differ.

    ``held["compare"]`` is the compare list's value as the browser sent it, and
    ``held["compare_options_key"]`` the key of the options it holds (``ids.COMPARE_OPTIONS``:
    "vintage|lang", written with the options). Like the gap register's columns, the list is sent
    only where it differs from what the browser has: re-sent options redraw an open list under
    the pointer, and a value echoed after a slow answer would undo a pick made meanwhile. The key
    is the browser's, not a guess from the event: an answer that carried the options may have
    been dropped by the browser (a newer call of the callback supersedes it), and a value sent
    without its options is cleared by the list (dcc.Dropdown drops values missing from its
    options, which empties the comparison).
    """
    out = compare_panel(view, service)
    sent = {
        "compare_matrix": out["matrix"],
        "ranking_figure": out["figure"],
        "ranking_title": out["title"],
    }
    key = f"{view['vintage']}|{view['lang']}"
    if key != held.get("compare_options_key"):
        options, placeholder, labels = picker(view, service)
        sent.update(
            compare_options=options,
            compare_placeholder=placeholder,
            compare_labels=labels,
            compare_options_key=key,
        )
    value = list(view.get("compare") or ())
    if value != list(held.get("compare") or ()):
        sent["compare"] = value
    return sent


def _gap_outputs(view: Any, service: Any, held: Mapping[str, Any]) -> dict[str, Any]:
    """Return the gap register's outputs; columns, grid options and level only when changed.

    Columns re-sent would reset the grid's sort and filters.
    """
    level = held.get("gap_level")
    out = gaps_panel(view, level, service, held.get("gap_group"))
    sent = {
        "gap_summary": out["summary"],
        "gap_grid_rows": out["rows"],
        "gap_row_classes": out["row_classes"],
        "gap_level_options": out["level_options"],
        "gap_points": out["points"],
        "gap_group_options": out["group_options"],
    }
    changed = {
        "gap_columns": (out["columns"], held.get("gap_columns")),
        "gap_grid_options": (out["grid_options"], held.get("gap_grid_options")),
        "gap_level": (out["level"], level),
    }
    sent.update({name: new for name, (new, old) in changed.items() if new != old})
    return sent


def register(app: Dash, service: Any) -> None:
    """Register the tab switch (in the browser) and the gap register's download."""
    app.clientside_callback(
        ClientsideFunction("dxmap", "selectTab"),
        Output(ids.PANEL, "data"),
        *(Output(tab_id, "aria-selected") for _, tab_id, _ in TABS),
        *(Output(tab_id, "tabIndex") for _, tab_id, _ in TABS),
        *(Output(panel_id, "hidden") for _, _, panel_id in TABS),
        *(Input(tab_id, "n_clicks") for _, tab_id, _ in TABS),
        Input(ids.SKIP_TO_TABLE, "n_clicks"),
        State(ids.PANEL, "data"),
    )

    app.clientside_callback(  # the gap villages are drawn while the gap tab is open
        ClientsideFunction("dxmap", "gapLayer"),
        Output(ids.GAP_VILLAGES, "data"),
        Input(ids.GAP_POINTS, "data"),
        Input(ids.PANEL, "data"),
    )

    app.clientside_callback(  # a new view: panels back to the top, a picked row released
        ClientsideFunction("dxmap", "viewChanged"),
        Output(ids.GAP_GRID, "deselectAll"),
        Input(ids.VIEW, "data"),
        State(ids.GAP_GRID, "selectedRows"),
    )

    @app.callback(
        output=Output(ids.GAP_DOWNLOAD, "data"),
        inputs={fmt: Input(button, "n_clicks") for button, fmt in GAP_FORMATS.items()},
        state={"view": State(ids.VIEW, "data"), "level": State(ids.GAP_LEVEL, "value")},
        prevent_initial_call=True,
    )
    def download_gaps(view: dict[str, Any] | None, level: str | None, **_clicks: Any) -> Any:
        """Send the gap register on screen as a CSV, XLSX or GeoJSON file."""
        fmt = GAP_FORMATS.get(str(ctx.triggered_id))
        if not view or fmt is None or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        try:
            content, name = service.analysis.export_gaps(
                **download_request(view, level, fmt, service)
            )
        except ExportError as error:
            log.warning("gap register export refused: %s", error)
            raise PreventUpdate from error
        return dcc.send_bytes(content, name)
