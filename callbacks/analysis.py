"""Analysis tabs: tab switching (in the browser), and each tab's content for the view callback.

A tab's content is computed only while its tab is active (and again when it becomes active),
so a view change costs nothing for hidden tabs; the answers are cached on the service.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks.analysis_view import active_tab, detail_panel, trends_panel
from callbacks.compare_view import compare_panel, picker
from callbacks.gaps_view import download_request, gaps_panel
from geodata.exports.view import ExportError
from layers import ids
from layers.panels import TABS

log = logging.getLogger(__name__)
GAP_FORMATS = {ids.GAP_CSV: "csv", ids.GAP_XLSX: "xlsx", ids.GAP_GEOJSON: "geojson"}


TAB_OUTPUTS = {
    "detail": (
        Output(ids.SCORECARD, "children"),
        Output(ids.COMPARE_ADD, "children"),
        Output(ids.COMPARE_ADD, "disabled"),
    ),
    "compare": (
        Output(ids.COMPARE_MATRIX, "children"),
        Output(ids.RANKING, "figure"),
        Output(ids.RANKING_TITLE, "children"),
        Output(ids.COMPARE_PICK, "options"),
        Output(ids.COMPARE_PICK, "value"),
        Output(ids.COMPARE_PICK, "placeholder"),
        Output(ids.COMPARE_PICK, "labels"),
        Output(ids.COMPARE_OPTIONS, "data"),
    ),
    "gaps": (
        Output(ids.GAP_SUMMARY, "children"),
        Output(ids.GAP_GRID, "rowData"),
        Output(ids.GAP_GRID, "columnDefs"),
        Output(ids.GAP_GRID, "dashGridOptions"),
        Output(ids.GAP_GRID, "rowClassRules"),
        Output(ids.GAP_LEVEL, "options"),
        Output(ids.GAP_LEVEL, "value"),
        Output(ids.GAP_POINTS, "data"),
        Output(ids.GAP_GROUP, "options"),
    ),
    "trends": (
        Output(ids.TREND, "figure"),
        Output(ids.TREND_NOTE, "children"),
        Output(ids.TREND_TABLE, "children"),
    ),
}
GAP_STATES = (State(ids.GAP_GRID, "columnDefs"), State(ids.GAP_GRID, "dashGridOptions"))


def tab_values(
    tab: str,
    view: Any,
    service: Any,
    gap_level: str | None,
    gap_grid: tuple[Any, Any],
    gap_group: str | None = None,
    compare_list: tuple[Any, Any] = ((), None),
) -> list[Any]:
    """Return the values of ``TAB_OUTPUTS[tab]`` for ``view``.

    ``compare_list`` is the compare list's value as the browser sent it, and the key of the
    options it holds (``ids.COMPARE_OPTIONS``: "vintage|lang", written with the options). Like
    the gap register's columns, the list is sent only where it differs from what the browser
    has: re-sent options redraw an open list under the pointer, and a value echoed after a slow
    answer would undo a pick made meanwhile. The key is the browser's, not a guess from the
    event: an answer that carried the options may have been dropped by the browser (a newer
    call of the callback supersedes it), and a value sent without its options is cleared by
    the list (dcc.Dropdown drops values missing from its options, which empties the comparison).
    """
    if tab == "detail":
        out = detail_panel(view, service)
        return [out["scorecard"], out["button"], out["disabled"]]
    if tab == "compare":
        out = compare_panel(view, service)
        sent, held_key = compare_list
        value = list(view.get("compare") or ())
        key = f"{view['vintage']}|{view['lang']}"
        if key == held_key:
            options, placeholder, labels, key = [no_update] * 4
        else:
            options, placeholder, labels = picker(view, service)
        held = no_update if value == list(sent or ()) else value
        return [
            *(out["matrix"], out["figure"], out["title"]),
            *(options, held, placeholder, labels, key),
        ]
    if tab == "gaps":
        columns, options = gap_grid
        out = gaps_panel(view, gap_level, service, gap_group)
        return [
            out["summary"],
            out["rows"],
            no_update if out["columns"] == columns else out["columns"],  # keeps sort and filters
            no_update if out["grid_options"] == options else out["grid_options"],
            out["row_classes"],
            out["level_options"],
            no_update if out["level"] == gap_level else out["level"],
            out["points"],
            out["group_options"],
        ]
    out = trends_panel(view, service)
    return [out["figure"], out["note"], out["table"]]


def tabs_outputs(
    active: str | None,
    view: Any,
    service: Any,
    gap_level: str | None,
    gap_grid: tuple[Any, Any],
    gap_group: str | None = None,
    compare_list: tuple[Any, Any] = ((), None),
) -> list[Any]:
    """Return the values of every tab's outputs: the active tab's computed, the others unsent.

    A hidden tab computes nothing; it is computed when it is opened (the active tab is an
    input of the view callback).
    """
    tab = active_tab(active)
    values: list[Any] = []
    for key, outputs in TAB_OUTPUTS.items():
        if key == tab:
            values += tab_values(key, view, service, gap_level, gap_grid, gap_group, compare_list)
        else:
            values += [no_update] * len(outputs)
    return values


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
        Output(ids.GAP_DOWNLOAD, "data"),
        Input(ids.GAP_CSV, "n_clicks"),
        Input(ids.GAP_XLSX, "n_clicks"),
        Input(ids.GAP_GEOJSON, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.GAP_LEVEL, "value"),
        prevent_initial_call=True,
    )
    def download_gaps(*args: Any) -> Any:
        """Send the gap register on screen as a CSV, XLSX or GeoJSON file."""
        state, level = args[-2:]
        fmt = GAP_FORMATS.get(str(ctx.triggered_id))
        if not state or fmt is None or not ctx.triggered[0]["value"]:
            raise PreventUpdate
        try:
            content, name = service.analysis.export_gaps(
                **download_request(state, level, fmt, service)
            )
        except ExportError as error:
            log.warning("gap register export refused: %s", error)
            raise PreventUpdate from error
        return dcc.send_bytes(content, name)
