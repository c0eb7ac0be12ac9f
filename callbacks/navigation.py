"""One callback owns the view state: URL, controls, map clicks, breadcrumb and search feed it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.view_state import (
    QUERY_KEYS,
    Choices,
    clicked_code,
    parse_query,
    search_target,
    to_query,
    with_controls,
    with_unit,
)
from layers import ids

CONTROL_IDS = {
    ids.INDICATOR: "indicator",
    ids.PERIOD: "period",
    ids.VINTAGE: "vintage",
    ids.SCHEME: "scheme",
    ids.LANG: "lang",
}


class UnitLookup(Protocol):
    """What navigation needs to know about units (satisfied by ``MapService``)."""

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None: ...
    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None: ...


def navigate(
    trigger: str | Mapping[str, Any] | None,
    trigger_value: Any,
    inputs: Mapping[str, Any],
    current: Mapping[str, Any] | None,
    choices: Choices,
    units: UnitLookup,
) -> dict[str, Any] | None:
    """Return the next view state, or ``None`` when the event changes nothing.

    ``trigger`` is the id that fired (``None`` on page load), ``inputs`` holds ``search`` (URL
    query), the control values, ``click`` (clicked feature) and ``picked`` (search choice).
    """
    if current:  # only the URL's keys carry over; a search note lasts one step
        current = {key: current.get(key) for key in QUERY_KEYS}
    if trigger is None or trigger == ids.URL or not current:
        state = parse_query(inputs.get("search"), choices)
    elif isinstance(trigger, Mapping) and trigger.get("type") == ids.CRUMB:
        if not trigger_value:  # a crumb was (re)drawn, not clicked
            return None
        state = with_unit(current, str(trigger.get("index") or ""))
    elif trigger in (ids.UNITS, ids.INSET_UNITS):
        code = clicked_code(inputs.get("click"))
        if code is None or code == current.get("unit"):
            return None
        state = with_unit(current, code)
    elif trigger == ids.SEARCH:
        code = search_target(inputs.get("picked"))
        if code is None:
            return None
        state = with_unit(current, code)
        if "~" in str(inputs.get("picked")):  # found by a former name: say so
            state["found_as"] = str(inputs.get("picked"))
    else:
        state = with_controls(current, inputs, choices)
        if state["vintage"] != current.get("vintage") and state.get("unit"):
            old = state["unit"]
            state["unit"] = units.translate_unit(old, current["vintage"], state["vintage"])
            if state["unit"] != old:  # merged or gone: say what is shown instead
                state["moved_from"] = old
    if state.get("unit") and units.unit(state["vintage"], state["unit"]) is None:
        state["unit"] = None
    if current and dict(state) == dict(current) and trigger is not None:
        return None
    return state


def register(app: Dash, choices: Choices, units: UnitLookup) -> None:
    """Register the view-state callback."""

    @app.callback(
        Output(ids.URL, "search"),
        Output(ids.INDICATOR, "value"),
        Output(ids.PERIOD, "value"),
        Output(ids.VINTAGE, "value"),
        Output(ids.SCHEME, "value"),
        Output(ids.LANG, "value"),
        Output(ids.SEARCH, "value"),
        Output(ids.VIEW, "data"),
        Input(ids.URL, "search"),
        Input(ids.INDICATOR, "value"),
        Input(ids.PERIOD, "value"),
        Input(ids.VINTAGE, "value"),
        Input(ids.SCHEME, "value"),
        Input(ids.LANG, "value"),
        Input(ids.UNITS, "clickData"),
        Input(ids.INSET_UNITS, "clickData"),
        Input({"type": ids.CRUMB, "index": ALL}, "n_clicks"),
        Input(ids.SEARCH, "value"),
        State(ids.VIEW, "data"),
    )
    def sync_view(
        search: str | None,
        indicator: str | None,
        period: str | None,
        vintage: str | None,
        scheme: str | None,
        lang: str | None,
        click: dict[str, Any] | None,
        inset_click: dict[str, Any] | None,
        _crumbs: list[int | None],
        picked: str | None,
        current: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        """Fold the event that fired into the view state and mirror it to URL and controls."""
        trigger = ctx.triggered_id
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        inputs = {
            "search": search,
            "indicator": indicator,
            "period": period,
            "vintage": vintage,
            "scheme": scheme,
            "lang": lang,
            "click": inset_click if trigger == ids.INSET_UNITS else click,
            "picked": picked,
        }
        state = navigate(trigger, value, inputs, current, choices, units)
        if state is None:
            if trigger == ids.SEARCH and picked is None:
                raise PreventUpdate
            return (*(no_update,) * 6, None if trigger == ids.SEARCH else no_update, no_update)
        query = to_query(state)
        return (
            query if query != search else no_update,
            state["indicator"],
            state["period"],
            state["vintage"],
            state["scheme"],
            state["lang"],
            None,
            state,
        )
