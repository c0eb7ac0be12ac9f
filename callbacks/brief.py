"""The print brief: built only when the print button is pressed, printed by the browser.

It is never computed on a view change; the browser then draws the map into it and opens the
print dialog (``assets/dxmap-ui.js``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import date
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.analysis_view import scorecard_unit, trends_panel, vintage_name
from callbacks.gaps_view import gaps_panel
from callbacks.view_state import to_query
from layers import brief, choropleth, ids, scorecards, tables
from layers.i18n import t


def _sources(state: Mapping[str, Any], row: Mapping[str, Any] | None, service: Any) -> list[str]:
    lang = state["lang"]
    lines = choropleth.attribution_parts(service.attribution(state["vintage"]), lang)
    if row:
        values = f"{t('brief_values_source', lang)}: {row.get('source') or '–'}"
        if row.get("provenance"):
            values += f" ({t(row['provenance'], lang)})"
        if row.get("published_source"):
            values += f" · {t('published_value', lang)}: {row['published_source']}"
        lines.append(values)
    return lines


def brief_children(
    state: Mapping[str, Any], service: Any, url: str = "", day: date | None = None
) -> list[Any]:
    """Return the brief of the view's unit (or the whole area) for ``state``."""
    lang = state["lang"]
    code, root_code = scorecard_unit(state, service)
    period, vintage = state["period"], state["vintage"]
    card = service.analysis.scorecard(period, vintage, code) if code else None
    area = None
    if code and root_code and code != root_code:
        area = service.analysis.scorecard(period, vintage, root_code)
    indicator = service.indicator(state["indicator"]) or {"unit": "%"}
    ind_name = indicator.get("name_vi" if lang == "vi" else "name_en", state["indicator"])
    unit = service.unit(vintage, code) or {"name": code or ""}
    row = next((r for r in (card or {}).get("rows", ()) if r["key"] == state["indicator"]), None)
    gaps = gaps_panel(state, None, service)
    gap_text = str(gaps["summary"][1].children)  # the register's count line
    trend = trends_panel(state, service)["table"]
    if trend is not None:
        trend.open = True
    synthetic = any(r.get("provenance") == "synthetic" for r in (card or {}).get("rows", ()))
    return brief.brief(
        lang=lang,
        title=unit["name"],
        subtitle=f"{ind_name} · {period} · {vintage_name(service.vintages(), vintage, lang)}",
        day=day or date.today(),
        url=url,
        summary=tables.summary(unit["name"], ind_name, period, row, indicator["unit"], lang),
        scorecard=scorecards.scorecard(card, area, lang, state["indicator"]),
        gap_summary=gap_text,
        gaps=brief.gap_table(gaps["rows"], indicator["unit"], lang),
        trend=trend if trend is not None else t("trend_empty", lang),
        sources=_sources(state, row, service),
        synthetic=synthetic,
    )


def register(app: Dash, service: Any) -> None:
    """Register the print button's callback and the browser's print step."""

    @app.callback(
        Output(ids.BRIEF, "children"),
        Output(ids.BRIEF_READY, "data"),
        Input(ids.PRINT_BUTTON, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.URL, "href"),
        prevent_initial_call=True,
    )
    def make_brief(clicks: int | None, state: dict[str, Any] | None, href: str | None) -> Any:
        """Build the brief of the current view (only when the print button is pressed)."""
        if not clicks or not state:
            raise PreventUpdate
        base = (href or "").split("?", 1)[0]
        return brief_children(state, service, base + to_query(state)), int(time.time() * 1000)

    app.clientside_callback(
        ClientsideFunction("dxmapUi", "briefReady"),
        Output(ids.BRIEF, "title"),  # never changed: the step only prints
        Input(ids.BRIEF_READY, "data"),
        State(ids.PRINT_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
