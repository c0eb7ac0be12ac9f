"""What each event does to the View: the URL, a control, a map click, the search, a comparison.

:func:`navigate` folds the event that fired into the next :class:`View`; pure, over a unit
look-up (``MapService`` satisfies it). One small step per kind of event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from callbacks.compare_view import ranking_code, same_level, toggled
from callbacks.gaps_view import focus_target
from callbacks.view_state import (
    QUERY_KEYS,
    Choices,
    View,
    clicked_code,
    parse_query,
    search_target,
    with_controls,
    with_unit,
)
from layers import ids


class UnitLookup(Protocol):
    """What navigation needs to know about units (satisfied by ``MapService``)."""

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None: ...
    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None: ...
    def village_unit(self, vintage: str, code: str) -> str | None: ...


@dataclass(frozen=True)
class Event:
    """One event on a shown view: what fired, its value, the inputs and the view before it."""

    trigger: str | Mapping[str, Any]
    value: Any
    inputs: Mapping[str, Any]
    current: Mapping[str, Any]  # the URL's keys of the view before, and its outlined row
    choices: Choices
    units: UnitLookup


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
        state: dict[str, Any] | None = dict(parse_query(inputs.get("search"), choices))
    else:
        event = Event(trigger, trigger_value, inputs, current, choices, units)
        state = _step(trigger)(event)
    if state is None:
        return None
    if state.get("unit") and units.unit(state["vintage"], state["unit"]) is None:
        state["unit"] = None
    state["compare"] = same_level(state.get("compare"), state["vintage"], units)
    if current and dict(state) == dict(current) and trigger is not None:
        return None
    return View.of(state)


Step = Callable[[Event], dict[str, Any] | None]


def _step(trigger: str | Mapping[str, Any]) -> Step:
    """Return the step of an event (a control's, for the controls and anything else)."""
    if isinstance(trigger, Mapping):
        return _picked if trigger.get("type") in (ids.CRUMB, ids.PICK) else _controls
    return STEPS.get(trigger, _controls)


def _unit_state(current: Mapping[str, Any], code: str) -> dict[str, Any]:
    """Select ``code`` (a new selection drops the outlined register row)."""
    state = with_unit(current, code)
    state.pop("focus", None)
    return state


def _picked(event: Event) -> dict[str, Any] | None:
    """Select the unit of a clicked breadcrumb or table button (pattern ids)."""
    if not event.value:  # a crumb or table button was (re)drawn, not clicked
        return None
    index = event.trigger.get("index") if isinstance(event.trigger, Mapping) else None
    return _unit_state(event.current, str(index or ""))


def _nav(event: Event) -> dict[str, Any] | None:
    """Follow a map click, breadcrumb, table button or village card, read in the browser."""
    nav = event.inputs.get("nav") or {}
    if "village" in nav:
        return _village_state(event.current, str(nav["village"] or ""), event.units)
    code = nav.get("code")
    if code is None or (code or None) == event.current.get("unit"):
        return None
    return _unit_state(event.current, str(code))


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


def _clicked(event: Event) -> dict[str, Any] | None:
    """Select the clicked feature of a units layer."""
    code = clicked_code(event.inputs.get("click"))
    if code is None or code == event.current.get("unit"):
        return None
    return _unit_state(event.current, code)


def _searched(event: Event) -> dict[str, Any] | None:
    """Select the unit picked in the search box (``PARENT~CODE``: by a former name)."""
    picked = event.inputs.get("picked")
    code = search_target(picked)
    if code is None:
        return None
    state = _unit_state(event.current, code)
    if "~" in str(picked):  # found by a former name: say so
        state["found_as"] = str(picked)
    return state


def _compare(event: Event) -> dict[str, Any] | None:
    """Change the comparison: the compare list, the add button or a ranking bar."""
    if event.trigger == ids.COMPARE_ADD and not event.value:
        return None
    return {**event.current, "compare": _compared(event)}


def _compared(event: Event) -> list[str]:
    """Return the compare list after the compare list, the add button or a ranking bar."""
    current = event.current
    if event.trigger == ids.COMPARE_PICK:
        return [str(code) for code in event.inputs.get("compare") or ()]
    code = (
        current.get("unit")
        if event.trigger == ids.COMPARE_ADD
        else ranking_code(event.inputs.get("ranking"))
    )
    return toggled(current.get("compare"), code)


def _gap_row(event: Event) -> dict[str, Any] | None:
    """Outline a gap register row: the map fits it, the register (scoped by the unit) stays."""
    row = (event.inputs.get("gap_rows") or [None])[0]
    parent = event.units.unit(event.current["vintage"], (row or {}).get("parent_code"))
    target = focus_target(row, parent)
    if target is None:
        return None
    return {**event.current, "focus": target[1]}


def _controls(event: Event) -> dict[str, Any]:
    """Apply the controls (indicator, period, vintage…); a new vintage walks the codes."""
    current = event.current
    state = with_controls(current, event.inputs, event.choices)
    if state["vintage"] != current.get("vintage"):
        state.pop("focus", None)
        _walk_compare(state, current["vintage"], event.units)
        _walk_unit(state, current["vintage"], event.units)
    return state


def _walk_compare(state: dict[str, Any], old_vintage: str, units: UnitLookup) -> None:
    """Carry the compared units to ``state``'s vintage, noting what the crosswalk changed."""
    before = list(state.get("compare") or ())
    walked = {c: units.translate_unit(c, old_vintage, state["vintage"]) for c in before}
    state["compare"] = list(dict.fromkeys(code for code in walked.values() if code))
    if any(walked[c] != c for c in before):  # say what the crosswalk changed
        state["compare_moved"] = {
            "kept": [c for c in state["compare"] if c not in before],
            "dropped": [c for c in before if not walked[c]],
        }


def _walk_unit(state: dict[str, Any], old_vintage: str, units: UnitLookup) -> None:
    """Carry the selected unit and village to ``state``'s vintage."""
    if state.get("unit"):
        old = state["unit"]
        state["unit"] = units.translate_unit(old, old_vintage, state["vintage"])
        if state["unit"] != old:  # merged or gone: say what is shown instead
            state["moved_from"] = old
    if state.get("village"):
        parent = units.village_unit(state["vintage"], state["village"])
        state["village"] = state["village"] if parent else None
        state["unit"] = parent or state.get("unit")


STEPS: dict[str, Step] = {
    ids.NAV: _nav,
    ids.UNITS: _clicked,
    ids.INSET_UNITS: _clicked,
    ids.SEARCH: _searched,
    ids.COMPARE_PICK: _compare,
    ids.COMPARE_ADD: _compare,
    ids.RANKING: _compare,
    ids.GAP_GRID: _gap_row,
}
