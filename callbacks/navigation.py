"""One callback owns the view: URL, controls, map clicks, breadcrumb and search feed it.

It is the only server callback a view change costs (dash's call-counting tests are the model:
``tests/browser/test_round_trips.py`` pins the counts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.analysis import GAP_STATES, TAB_OUTPUTS, tabs_outputs
from callbacks.analysis_view import active_tab
from callbacks.compare_view import ranking_code, same_level, toggled
from callbacks.gaps_view import focus_target
from callbacks.labels import LABEL_OUTPUTS, label_keys, label_outputs
from callbacks.map import MAP_OUTPUTS, map_outputs
from callbacks.view_state import (
    FIELDS,
    QUERY_KEYS,
    Choices,
    View,
    clicked_code,
    default_state,
    parse_camera,
    parse_query,
    search_target,
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
    def village_unit(self, vintage: str, code: str) -> str | None: ...


def navigate(
    trigger: str | Mapping[str, Any] | None,
    trigger_value: Any,
    inputs: Mapping[str, Any],
    current: Mapping[str, Any] | None,
    choices: Choices,
    units: UnitLookup,
) -> View | None:
    """Return the next view, or ``None`` when the event changes nothing.

    ``trigger`` is the id that fired (``None`` on page load), ``inputs`` holds ``search`` (URL
    query), the control values, ``nav`` (``{"code": …}`` of a map click, breadcrumb or
    table button, read in the browser), ``click`` (clicked feature), ``picked`` (search choice),
    ``compare`` (the compare list's value), ``ranking`` (a clicked ranking bar) and
    ``gap_rows`` (the gap register's selected row).
    """
    focus = (current or {}).get("focus")
    if current:  # only the URL's keys carry over; a search note lasts one step
        current = {key: current.get(key) for key in QUERY_KEYS}
        if focus:  # a gap-register row stays outlined until the selection changes
            current["focus"] = focus
    if trigger is None or trigger == ids.URL or not current:
        state = dict(parse_query(inputs.get("search"), choices))
    elif isinstance(trigger, Mapping) and trigger.get("type") in (ids.CRUMB, ids.PICK):
        if not trigger_value:  # a crumb or table button was (re)drawn, not clicked
            return None
        state = _unit_state(current, str(trigger.get("index") or ""))
    elif trigger == ids.NAV and "village" in (inputs.get("nav") or {}):  # a village's card
        state = _village_state(current, str(inputs["nav"]["village"] or ""), units)
        if state is None:
            return None
    elif trigger == ids.NAV:  # a map click, breadcrumb or table button, read in the browser
        code = (inputs.get("nav") or {}).get("code")
        if code is None or (code or None) == current.get("unit"):
            return None
        state = _unit_state(current, str(code))
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
        # A row is a focus: the map fits it, the register (scoped by the unit) stays whole.
        state = {**current, "focus": target[1]}
    else:
        state = with_controls(current, inputs, choices)
        if state["vintage"] != current.get("vintage"):
            state.pop("focus", None)
            before = list(state.get("compare") or ())
            old_vintage, new_vintage = current["vintage"], state["vintage"]
            walked = {c: units.translate_unit(c, old_vintage, new_vintage) for c in before}
            state["compare"] = list(dict.fromkeys(code for code in walked.values() if code))
            if any(walked[c] != c for c in before):  # say what the crosswalk changed
                state["compare_moved"] = {
                    "kept": [c for c in state["compare"] if c not in before],
                    "dropped": [c for c in before if not walked[c]],
                }
        if state["vintage"] != current.get("vintage") and state.get("unit"):
            old = state["unit"]
            state["unit"] = units.translate_unit(old, current["vintage"], state["vintage"])
            if state["unit"] != old:  # merged or gone: say what is shown instead
                state["moved_from"] = old
        if state["vintage"] != current.get("vintage") and state.get("village"):
            parent = units.village_unit(state["vintage"], state["village"])
            state["village"] = state["village"] if parent else None
            state["unit"] = parent or state.get("unit")
    if state.get("unit") and units.unit(state["vintage"], state["unit"]) is None:
        state["unit"] = None
    state["compare"] = same_level(state.get("compare"), state["vintage"], units)
    if current and dict(state) == dict(current) and trigger is not None:
        return None
    return View.of(state)


def _unit_state(current: Mapping[str, Any], code: str) -> dict[str, Any]:
    """Select ``code`` (a new selection drops the outlined register row)."""
    state = with_unit(current, code)
    state.pop("focus", None)
    return state


def _village_state(
    current: Mapping[str, Any], code: str, units: UnitLookup
) -> dict[str, Any] | None:
    """Open the card of village ``code`` ("" closes it), on the map of the unit it lies in."""
    if not code:
        return {**current, "village": None} if current.get("village") else None
    parent = units.village_unit(current["vintage"], code)
    if parent is None or code == current.get("village"):
        return None
    return {**current, "unit": parent, "village": code}


def _compared(trigger: str, inputs: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Return the compare list after the compare list, the add button or a ranking bar."""
    if trigger == ids.COMPARE_PICK:
        return [str(code) for code in inputs.get("compare") or ()]
    code = (
        current.get("unit") if trigger == ids.COMPARE_ADD else ranking_code(inputs.get("ranking"))
    )
    return toggled(current.get("compare"), code)


NAV_OUTPUTS = (
    Output(ids.URL, "search"),
    *(Output(control, "value") for control in CONTROL_IDS),
    Output(ids.SEARCH, "value"),
    Output(ids.VIEW, "data"),
)
TABLE_OUTPUT = Output(ids.TABLE, "children")
VIEW_INPUTS = (
    Input(ids.URL, "search"),
    *(Input(control, "value") for control in CONTROL_IDS),
    Input(ids.NAV, "data"),
    Input(ids.SEARCH, "value"),
    Input(ids.COMPARE_PICK, "value"),
    Input(ids.COMPARE_ADD, "n_clicks"),
    Input(ids.RANKING, "clickData"),
    Input(ids.GAP_GRID, "selectedRows"),
    Input(ids.PANEL, "data"),
    Input(ids.GAP_LEVEL, "value"),
    Input(ids.GAP_GROUP, "value"),
    Input(ids.MAP_DRAWN, "data"),
)
VIEW_STATES = (
    State(ids.VIEW, "data"),
    State(ids.MAP, "viewport"),
    State(ids.INSET_MAP, "viewport"),
    State(ids.PERIOD_TICK, "disabled"),  # the period slider is playing: classes held fixed
    State(ids.COMPARE_OPTIONS, "data"),  # which options the compare list holds
    *GAP_STATES,
)
# What changes only the shown tab. The first view's map draws before the shown tab is filled:
# the page load answers the map alone, and the browser asks for the tab once it has drawn
# (MAP_DRAWN), the page load's second and last round trip.
TAB_TRIGGERS = (ids.PANEL, ids.GAP_LEVEL, ids.GAP_GROUP, ids.MAP_DRAWN)


SAME_FRAME = {"scheme", "indicator", "period", "compare"}  # keys that leave the frame as it is
FRAME_ONLY = (3, 4, 5, 10)  # inset style and label, breadcrumb, attribution (in MAP_OUTPUTS)
SUMMARY = 8


def _changed_keys(before: View | None, after: View) -> set[str] | None:
    """Return the view keys an event changed (``None`` on page load: everything is new)."""
    if before is None:
        return None
    return {key for key in FIELDS if before.get(key) != after.get(key)}


def _unchanged_map_outputs(changed: set[str] | None) -> tuple[int, ...]:
    """Return the positions in ``MAP_OUTPUTS`` that the change leaves as they are."""
    if changed is None:
        return ()
    unchanged = FRAME_ONLY if changed <= SAME_FRAME else ()
    return (*unchanged, SUMMARY) if changed == {"scheme"} else unchanged


def _echo(new: Any, old: Any) -> Any:
    return no_update if new == old else new


def warm_first_view(choices: Callable[[], Choices], service: Any, prefix: str) -> None:
    """Put what a bare URL shows (the map's values, the detail tab) into the caches.

    ``dxmap serve`` calls it before its workers are forked: a cache is only an accelerator of
    what the store holds (the roll-ups), so this reads a few rows, it computes nothing.
    """
    view = default_state(choices())
    map_outputs(view, service, prefix)
    tabs_outputs("detail", view, service, None, (None, None))


def register(
    app: Dash, choices: Choices | Callable[[], Choices], service: Any, prefix: str
) -> None:
    """Register the one view callback: every interaction costs this one round trip.

    It folds the event into the :class:`View`, and returns what depends on it: the URL, the
    map payload (values, no geometry), legend and summary, labels when the language changed,
    and the shown tab's content. Controls are set only when the URL changed them (never echoed).
    """
    tab_count = sum(len(outputs) for outputs in TAB_OUTPUTS.values())
    outputs = (*NAV_OUTPUTS, *MAP_OUTPUTS, TABLE_OUTPUT, *LABEL_OUTPUTS)
    outputs += tuple(o for group in TAB_OUTPUTS.values() for o in group)
    page_labels: list[tuple[str, ...]] = []  # the text keys of the page's labels, read once

    def labelled() -> tuple[str, ...]:
        if not page_labels:
            layout = app.layout() if callable(app.layout) else app.layout
            page_labels.append(label_keys(layout))
        return page_labels[0]

    def allowed() -> Choices:
        return choices() if callable(choices) else choices  # per request: follows the store

    @app.callback(*outputs, *VIEW_INPUTS, *VIEW_STATES)
    def update_view(*args: Any) -> tuple[Any, ...]:
        """Fold the event that fired into the view and send back everything that follows."""
        search, indicator, period, vintage, scheme, lang = args[:6]
        nav, picked, compare, _add, ranking, gap_rows, panel, gap_level, gap_group = args[6:15]
        stored, old_fit, old_inset_fit, paused, compare_options, *gap_grid = args[16:]
        trigger = ctx.triggered_id
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        controls = {
            "indicator": indicator,
            "period": period,
            "vintage": vintage,
            "scheme": scheme,
            "lang": lang,
        }
        current = View.of(stored) if stored else None
        unsent: list[Any] = [no_update] * (len(outputs) - len(NAV_OUTPUTS))
        if trigger in TAB_TRIGGERS and current is not None:  # a tab opened: only its content
            view, nav_values = current, [no_update] * len(NAV_OUTPUTS)
            rest = list(unsent)
        else:
            inputs = {
                "search": search,
                **controls,
                "nav": nav,
                "picked": picked,
                "compare": compare,
                "ranking": ranking,
                "gap_rows": gap_rows,
            }
            new = navigate(trigger, value, inputs, current, allowed(), service)
            if new is None:
                if trigger == ids.SEARCH and picked is None:
                    raise PreventUpdate
                search_value = None if trigger == ids.SEARCH else no_update
                return (*[no_update] * (len(NAV_OUTPUTS) - 2), search_value, no_update, *unsent)
            view = new
            query = view.query
            from_url = current is None or trigger == ids.URL
            nav_values = [
                _echo(query, search),
                *(
                    _echo(view[key], controls[key]) if from_url else no_update
                    for key in CONTROL_IDS.values()
                ),
                None if trigger == ids.SEARCH else no_update,
                view.to_store(),
            ]
            map_values, _ = map_outputs(
                view, service, prefix, old_fit, old_inset_fit, playing=paused is False
            )
            changed = _changed_keys(current, view)
            for index in _unchanged_map_outputs(changed):
                map_values[index] = no_update
            camera = parse_camera(search) if from_url else None
            if camera is not None:  # a shared link opens where it was shared (z, lat, lon)
                map_values[1] = camera
            before = current or default_state(allowed())
            labels = label_outputs(view, before, labelled(), service)
            rest = [*map_values, no_update, *labels, *[no_update] * tab_count]
            if changed == {"scheme"} and active_tab(panel) != "table":
                return (*nav_values, *rest)  # the classes only: tabs and summary stay as shown
        tab = active_tab(panel)
        table_at = len(MAP_OUTPUTS)
        if current is None:  # the page load: the map first, the tab once it has drawn
            return (*nav_values, *rest)
        if tab == "table":
            _, rest[table_at] = map_outputs(view, service, prefix, table=True)
        else:
            held = (compare, compare_options)  # the compare list's value and options, as held
            rest[table_at + 1 + len(LABEL_OUTPUTS) :] = tabs_outputs(
                tab, view, service, gap_level, tuple(gap_grid), gap_group, held
            )
        return (*nav_values, *rest)
