"""Analysis tabs: tab switching (in the browser), and one thin callback per tab's content.

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


def _when_active(state: dict[str, Any] | None, panel: str | None, tab: str) -> None:
    if not state or active_tab(panel) != tab:
        raise PreventUpdate


def register(app: Dash, service: Any) -> None:
    """Register the tab switch and the detail, compare, gaps and trends callbacks."""
    app.clientside_callback(
        ClientsideFunction("dxmap", "selectTab"),
        Output(ids.PANEL, "data"),
        *(Output(tab_id, "aria-selected") for _, tab_id, _ in TABS),
        *(Output(tab_id, "tabIndex") for _, tab_id, _ in TABS),
        *(Output(panel_id, "hidden") for _, _, panel_id in TABS),
        *(Input(tab_id, "n_clicks") for _, tab_id, _ in TABS),
        Input(ids.SKIP_TO_TABLE, "n_clicks"),
        Input(ids.URL, "search"),
        State(ids.PANEL, "data"),
    )

    app.clientside_callback(
        ClientsideFunction("dxmap", "releaseRow"),
        Output(ids.GAP_GRID, "deselectAll"),
        Input(ids.VIEW, "data"),
        State(ids.GAP_GRID, "selectedRows"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.SCORECARD, "children"),
        Output(ids.COMPARE_ADD, "children"),
        Output(ids.COMPARE_ADD, "disabled"),
        Input(ids.VIEW, "data"),
        Input(ids.PANEL, "data"),
    )
    def show_detail(state: dict[str, Any] | None, panel: str | None) -> tuple[Any, ...]:
        """Show the scorecard of the selected unit (or the whole area)."""
        _when_active(state, panel, "detail")
        out = detail_panel(state, service)  # type: ignore[arg-type]
        return out["scorecard"], out["button"], out["disabled"]

    @app.callback(
        Output(ids.COMPARE_MATRIX, "children"),
        Output(ids.RANKING, "figure"),
        Output(ids.RANKING_TITLE, "children"),
        Input(ids.VIEW, "data"),
        Input(ids.PANEL, "data"),
    )
    def show_compare(state: dict[str, Any] | None, panel: str | None) -> tuple[Any, ...]:
        """Show the comparison matrix and the ranking with the compared units highlighted."""
        _when_active(state, panel, "compare")
        out = compare_panel(state, service)  # type: ignore[arg-type]
        return out["matrix"], out["figure"], out["title"]

    @app.callback(
        Output(ids.COMPARE_PICK, "options"),
        Output(ids.COMPARE_PICK, "value"),
        Output(ids.COMPARE_PICK, "placeholder"),
        Output(ids.COMPARE_PICK, "labels"),
        Input(ids.VIEW, "data"),
    )
    def sync_compare_picker(state: dict[str, Any] | None) -> tuple[Any, ...]:
        """Give the compare list its units and value together (a value needs its options)."""
        if not state:
            raise PreventUpdate
        return picker(state, service)

    @app.callback(
        Output(ids.GAP_SUMMARY, "children"),
        Output(ids.GAP_GRID, "rowData"),
        Output(ids.GAP_GRID, "columnDefs"),
        Output(ids.GAP_GRID, "dashGridOptions"),
        Output(ids.GAP_GRID, "rowClassRules"),
        Output(ids.GAP_LEVEL, "options"),
        Output(ids.GAP_LEVEL, "value"),
        Input(ids.VIEW, "data"),
        Input(ids.PANEL, "data"),
        Input(ids.GAP_LEVEL, "value"),
        State(ids.GAP_GRID, "columnDefs"),
        State(ids.GAP_GRID, "dashGridOptions"),
    )
    def show_gaps(
        state: dict[str, Any] | None,
        panel: str | None,
        level: str | None,
        columns: list[dict] | None,
        options: dict | None,
    ) -> tuple[Any, ...]:
        """Show the units or villages below target, scoped to the map's selection."""
        _when_active(state, panel, "gaps")
        out = gaps_panel(state, level, service)  # type: ignore[arg-type]
        return (
            out["summary"],
            out["rows"],
            no_update if out["columns"] == columns else out["columns"],  # keeps sort and filters
            no_update if out["grid_options"] == options else out["grid_options"],
            out["row_classes"],
            out["level_options"],
            no_update if out["level"] == level else out["level"],
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

    @app.callback(
        Output(ids.TREND, "figure"),
        Output(ids.TREND_NOTE, "children"),
        Output(ids.TREND_TABLE, "children"),
        Input(ids.VIEW, "data"),
        Input(ids.PANEL, "data"),
    )
    def show_trends(state: dict[str, Any] | None, panel: str | None) -> tuple[Any, ...]:
        """Show each indicator of the selected unit across periods, marking vintage changes."""
        _when_active(state, panel, "trends")
        out = trends_panel(state, service)  # type: ignore[arg-type]
        return out["figure"], out["note"], out["table"]
