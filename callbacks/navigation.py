"""One callback owns the view state: URL, controls, map clicks, breadcrumb and search feed it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from dash import ALL, Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.compare_view import ranking_code, same_level, toggled
from callbacks.gaps_view import focus_target
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
    query), the control values, ``click`` (clicked feature), ``picked`` (search choice),
    ``compare`` (the compare list's value), ``ranking`` (a clicked ranking bar) and
    ``gap_rows`` (the gap register's selected row).
    """
    focus = (current or {}).get("focus")
    if current:  # only the URL's keys carry over; a search note lasts one step
        current = {key: current.get(key) for key in QUERY_KEYS}
        if focus:  # a gap-register row stays outlined until the selection changes
            current["focus"] = focus
    if trigger is None or trigger == ids.URL or not current:
        state = parse_query(inputs.get("search"), choices)
    elif isinstance(trigger, Mapping) and trigger.get("type") in (ids.CRUMB, ids.PICK):
        if not trigger_value:  # a crumb or table button was (re)drawn, not clicked
            return None
        state = _unit_state(current, str(trigger.get("index") or ""))
    elif trigger in (ids.UNITS, ids.INSET_UNITS):
        code = clicked_code(inputs.get("click"))
        if code is None or code == current.get("unit"):
            return None
        state = _unit_state(current, code)
    elif trigger == ids.SEARCH:
        code = search_target(inputs.get("picked"))
        if code is None:
            return None
        state = _unit_state(current, code)
        if "~" in str(inputs.get("picked")):  # found by a former name: say so
            state["found_as"] = str(inputs.get("picked"))
    elif trigger in (ids.COMPARE_PICK, ids.COMPARE_ADD, ids.RANKING):
        if trigger == ids.COMPARE_ADD and not trigger_value:
            return None
        state = {**current, "compare": _compared(trigger, inputs, current)}
    elif trigger == ids.GAP_GRID:
        row = (inputs.get("gap_rows") or [None])[0]
        parent = units.unit(current["vintage"], (row or {}).get("parent_code"))
        target = focus_target(row, parent)
        if target is None:
            return None
        state = {**with_unit(current, target[0]), "focus": target[1]}
    else:
        state = with_controls(current, inputs, choices)
        if state["vintage"] != current.get("vintage"):
            state.pop("focus", None)
            state["compare"] = [
                code
                for old in state.get("compare") or ()
                if (code := units.translate_unit(old, current["vintage"], state["vintage"]))
            ]
        if state["vintage"] != current.get("vintage") and state.get("unit"):
            old = state["unit"]
            state["unit"] = units.translate_unit(old, current["vintage"], state["vintage"])
            if state["unit"] != old:  # merged or gone: say what is shown instead
                state["moved_from"] = old
    if state.get("unit") and units.unit(state["vintage"], state["unit"]) is None:
        state["unit"] = None
    state["compare"] = same_level(state.get("compare"), state["vintage"], units)
    if current and dict(state) == dict(current) and trigger is not None:
        return None
    return state


def _unit_state(current: Mapping[str, Any], code: str) -> dict[str, Any]:
    """Select ``code`` (a new selection drops the outlined register row)."""
    state = with_unit(current, code)
    state.pop("focus", None)
    return state


def _compared(trigger: str, inputs: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Return the compare list after the compare list, the add button or a ranking bar."""
    if trigger == ids.COMPARE_PICK:
        return [str(code) for code in inputs.get("compare") or ()]
    code = (
        current.get("unit") if trigger == ids.COMPARE_ADD else ranking_code(inputs.get("ranking"))
    )
    return toggled(current.get("compare"), code)


def register(app: Dash, choices: Choices | Callable[[], Choices], units: UnitLookup) -> None:
    """Register the view-state callback (``choices`` may be read per request: a callable)."""

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
        Input({"type": ids.PICK, "index": ALL}, "n_clicks"),
        Input(ids.SEARCH, "value"),
        Input(ids.COMPARE_PICK, "value"),
        Input(ids.COMPARE_ADD, "n_clicks"),
        Input(ids.RANKING, "clickData"),
        Input(ids.GAP_GRID, "selectedRows"),
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
        _picks: list[int | None],
        picked: str | None,
        compare: list[str] | None,
        _add: int | None,
        ranking: dict[str, Any] | None,
        gap_rows: list[dict[str, Any]] | None,
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
            "compare": compare,
            "ranking": ranking,
            "gap_rows": gap_rows,
        }
        allowed = choices() if callable(choices) else choices
        state = navigate(trigger, value, inputs, current, allowed, units)
        if state is None:
            if trigger == ids.SEARCH and picked is None:
                raise PreventUpdate
            search_value = None if trigger == ids.SEARCH else no_update
            return (*(no_update,) * 6, search_value, no_update)
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
