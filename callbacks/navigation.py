"""One callback owns the view: URL, controls, map clicks, breadcrumb and search feed it.

It is the only server callback a view change costs (dash's call-counting tests are the model:
``tests/browser/test_round_trips.py`` pins the counts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks.analysis import GAP_STATES, TAB_OUTPUTS, tabs_outputs
from callbacks.analysis_view import active_tab
from callbacks.labels import LABEL_OUTPUTS, label_keys, label_outputs
from callbacks.map import MAP_OUTPUTS, map_outputs
from callbacks.view_events import navigate
from callbacks.view_state import FIELDS, Choices, View, default_state, parse_camera
from layers import ids

CONTROL_IDS = {
    ids.INDICATOR: "indicator",
    ids.PERIOD: "period",
    ids.VINTAGE: "vintage",
    ids.SCHEME: "scheme",
    ids.LANG: "lang",
}


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
