"""The view callback's inputs, states and outputs by name, and its answer to one event (pure).

A name means one component property wherever it appears: the input ``gap_level`` and the output
``gap_level`` are both ``GAP_LEVEL.value``. :func:`view_answer` returns ``{output name: value}``
for what an event sends; a name it leaves out is not sent (``callbacks.outputs``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.analysis import TAB_OUTPUTS, TAB_STATES, tab_outputs
from callbacks.analysis_view import active_tab
from callbacks.labels import LABEL_OUTPUTS, label_outputs
from callbacks.map import MAP_OUTPUTS, TABLE_OUTPUTS, map_outputs, table_outputs
from callbacks.outputs import named_outputs
from callbacks.view_events import navigate
from callbacks.view_state import FIELDS, Choices, View, default_state, parse_camera
from layers import ids

CONTROL_IDS = {  # view key: its control (the control's value has the key's name)
    "indicator": ids.INDICATOR,
    "period": ids.PERIOD,
    "vintage": ids.VINTAGE,
    "scheme": ids.SCHEME,
    "lang": ids.LANG,
}
NAV_OUTPUTS = {
    "search": Output(ids.URL, "search"),
    **{key: Output(control, "value") for key, control in CONTROL_IDS.items()},
    "picked": Output(ids.SEARCH, "value"),
    "view": Output(ids.VIEW, "data"),
}
VIEW_OUTPUTS = named_outputs(
    NAV_OUTPUTS, MAP_OUTPUTS, TABLE_OUTPUTS, LABEL_OUTPUTS, *TAB_OUTPUTS.values()
)
VIEW_INPUTS = {
    "search": Input(ids.URL, "search"),
    **{key: Input(control, "value") for key, control in CONTROL_IDS.items()},
    "nav": Input(ids.NAV, "data"),
    "picked": Input(ids.SEARCH, "value"),
    "compare": Input(ids.COMPARE_PICK, "value"),
    "add": Input(ids.COMPARE_ADD, "n_clicks"),
    "ranking": Input(ids.RANKING, "clickData"),
    "gap_rows": Input(ids.GAP_GRID, "selectedRows"),
    "panel": Input(ids.PANEL, "data"),
    "gap_level": Input(ids.GAP_LEVEL, "value"),
    "gap_group": Input(ids.GAP_GROUP, "value"),
    "drawn": Input(ids.MAP_DRAWN, "data"),
}
VIEW_STATES = {
    "view": State(ids.VIEW, "data"),
    "viewport": State(ids.MAP, "viewport"),
    "inset_viewport": State(ids.INSET_MAP, "viewport"),
    "paused": State(ids.PERIOD_TICK, "disabled"),  # False: the slider plays, classes held fixed
    **TAB_STATES,  # which options the compare list holds, the gap register's columns
}
# What changes only the shown tab. The first view's map draws before the shown tab is filled:
# the page load answers the map alone, and the browser asks for the tab once it has drawn
# (MAP_DRAWN), the page load's second and last round trip.
TAB_TRIGGERS = (ids.PANEL, ids.GAP_LEVEL, ids.GAP_GROUP, ids.MAP_DRAWN)
SAME_FRAME = frozenset({"scheme", "indicator", "period", "compare"})  # leave the frame as it is
FRAME_ONLY = frozenset({"inset_style", "inset_label", "breadcrumb", "attribution"})  # of the map


@dataclass(frozen=True)
class Page:
    """What the view callback answers from besides the event: the store and the page."""

    service: Any
    prefix: str
    choices: Callable[[], Choices]  # read per request: they follow the store
    label_keys: Callable[[], Sequence[str]]  # the text keys of the page's labels


def view_answer(
    trigger: str | Mapping[str, Any] | None,
    value: Any,
    args: Mapping[str, Any],
    page: Page,
) -> dict[str, Any]:
    """Return what an event sends back, by output name (of :data:`VIEW_OUTPUTS`).

    ``trigger`` is the id that fired (``None`` on page load) and ``value`` its value; ``args``
    are the callback's inputs and states by name (:data:`VIEW_INPUTS`, :data:`VIEW_STATES`).
    Raises ``PreventUpdate`` when the search box was cleared (nothing at all is sent).
    """
    current = View.of(args["view"]) if args.get("view") else None
    if trigger in TAB_TRIGGERS and current is not None:  # a tab opened: only its content
        return shown_tab(current, args, page)
    view = navigate(trigger, value, args, current, page.choices(), page.service)
    if view is None:
        return _unchanged(trigger, args)
    from_url = current is None or trigger == ids.URL
    changed = changed_keys(current, view)
    sent = {
        **_nav_outputs(view, trigger, args, from_url),
        **_map_outputs(view, args, changed, from_url, page),
    }
    before = current or default_state(page.choices())
    sent.update(label_outputs(view, before, page.label_keys(), page.service))
    if current is None:  # the page load: the map first, the tab once it has drawn
        return sent
    if changed == {"scheme"} and active_tab(args.get("panel")) != "table":
        return sent  # the classes only: tabs and summary stay as shown
    return {**sent, **shown_tab(view, args, page)}


def changed_keys(before: View | None, after: View) -> set[str] | None:
    """Return the view keys an event changed (``None`` on page load: everything is new)."""
    if before is None:
        return None
    return {key for key in FIELDS if before.get(key) != after.get(key)}


def unsent_map_outputs(changed: set[str] | None) -> frozenset[str]:
    """Return the names of :data:`~callbacks.map.MAP_OUTPUTS` that a change leaves as shown."""
    if changed is None:
        return frozenset()
    unchanged = FRAME_ONLY if changed <= SAME_FRAME else frozenset()
    return unchanged | {"summary"} if changed == {"scheme"} else unchanged


def shown_tab(view: View, args: Mapping[str, Any], page: Page) -> dict[str, Any]:
    """Return the shown tab's outputs (the table tab's is the map's unit table)."""
    tab = active_tab(args.get("panel"))
    if tab == "table":
        return table_outputs(view, page.service)
    return tab_outputs(tab, view, page.service, args)


def _unchanged(trigger: Any, args: Mapping[str, Any]) -> dict[str, Any]:
    """Answer an event that leaves the view as it is: only a used search box is emptied."""
    if trigger != ids.SEARCH:
        return {}
    if args.get("picked") is None:  # the box was cleared (by the last answer): nothing to do
        raise PreventUpdate
    return {"picked": None}


def _nav_outputs(
    view: View, trigger: Any, args: Mapping[str, Any], from_url: bool
) -> dict[str, Any]:
    """Return the URL, the view store and the controls (set only when the URL changed them)."""
    sent: dict[str, Any] = {"view": view.to_store()}
    if view.query != args.get("search"):
        sent["search"] = view.query
    if from_url:  # a control that changed the view already shows its value: never echoed
        sent.update({key: view[key] for key in CONTROL_IDS if view[key] != args.get(key)})
    if trigger == ids.SEARCH:
        sent["picked"] = None  # the search box is emptied once its unit is shown
    return sent


def _map_outputs(
    view: View, args: Mapping[str, Any], changed: set[str] | None, from_url: bool, page: Page
) -> dict[str, Any]:
    """Return the map's outputs the change touches; a shared link opens where it was shared."""
    sent = map_outputs(
        view,
        page.service,
        page.prefix,
        args.get("viewport"),
        args.get("inset_viewport"),
        playing=args.get("paused") is False,
    )
    for name in unsent_map_outputs(changed):
        sent.pop(name, None)
    camera = parse_camera(args.get("search")) if from_url else None
    if camera is not None:  # z, lat, lon of the link
        sent["viewport"] = camera
    return sent
