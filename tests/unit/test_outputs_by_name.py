"""The view callback's outputs by name: what each event sends, and the one place it is sent.

The map, label and tab builders are replaced by stand-ins that answer with their declared
names, so these tests are about which outputs an event sends, not about their content (the
integration tests draw real maps).
"""

from __future__ import annotations

from typing import Any

import pytest
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate

from callbacks import analysis, labels, view_answer
from callbacks.analysis import TAB_OUTPUTS, tab_outputs
from callbacks.labels import LABEL_OUTPUTS, label_outputs
from callbacks.map import MAP_OUTPUTS, TABLE_OUTPUTS
from callbacks.outputs import UnknownOutputError, named_outputs, outputs_by_name
from callbacks.view_answer import (
    FRAME_ONLY,
    NAV_OUTPUTS,
    VIEW_INPUTS,
    VIEW_OUTPUTS,
    VIEW_STATES,
    Page,
    unsent_map_outputs,
)
from callbacks.view_state import Choices, default_state
from layers import ids

CHOICES = Choices(
    indicators=("fibre_households", "smartphone_households"),
    periods=("2023", "2024"),
    vintages=("2020", "2025-07"),
    defaults={
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "scheme": "quantiles",
        "lang": "vi",
    },
    unit_exists=lambda vintage, code: code in {"750", "752"},
)
TAB_NAMES = {name for outputs in TAB_OUTPUTS.values() for name in outputs}


# -- the adapter ---------------------------------------------------------------------------------


def test_an_output_not_returned_is_no_update() -> None:
    declared = {"a": Output("x", "children"), "b": Output("y", "children")}
    assert outputs_by_name(declared, {"b": 2}) == {"a": no_update, "b": 2}
    assert outputs_by_name(declared, {}) == {"a": no_update, "b": no_update}
    assert list(outputs_by_name(declared, {"b": 2, "a": 1})) == ["a", "b"]  # Dash's order


def test_an_unknown_output_name_is_an_error_not_a_silent_drop() -> None:
    declared = {"legend": Output("legend", "children")}
    with pytest.raises(UnknownOutputError, match="legnd"):
        outputs_by_name(declared, {"legnd": "typo"})
    # Not one of the errors the callback guard answers 400 for (a bad input): it is a bug.
    from app.web.callback_guard import INPUT_ERRORS

    assert not issubclass(UnknownOutputError, INPUT_ERRORS)


def test_output_groups_merge_in_order_and_a_name_may_be_declared_once() -> None:
    one, two = {"a": Output("x", "children")}, {"b": Output("y", "children")}
    assert list(named_outputs(one, two)) == ["a", "b"]
    with pytest.raises(ValueError, match="a"):
        named_outputs(one, {"a": Output("z", "children")})


# -- the declarations ----------------------------------------------------------------------------


def _prop(dependency: Input | State | Output) -> tuple[str, str]:
    return dependency.component_id_str(), dependency.component_property


def test_a_name_means_one_component_property_in_inputs_states_and_outputs() -> None:
    # Dash merges inputs and states into one set of keyword arguments: a shared name would
    # silently hide one of them.
    assert not set(VIEW_INPUTS) & set(VIEW_STATES)
    seen: dict[str, tuple[str, str]] = {}
    for group in (VIEW_INPUTS, VIEW_STATES, VIEW_OUTPUTS):
        for name, dependency in group.items():
            assert seen.setdefault(name, _prop(dependency)) == _prop(dependency), name
    props = [_prop(output) for output in VIEW_OUTPUTS.values()]
    assert len(props) == len(set(props))  # each output once


def test_the_view_callback_declares_every_part_and_keeps_the_url_first() -> None:
    parts = (NAV_OUTPUTS, MAP_OUTPUTS, TABLE_OUTPUTS, LABEL_OUTPUTS, *TAB_OUTPUTS.values())
    assert list(VIEW_OUTPUTS) == [name for part in parts for name in part]
    # The first input is the URL (tests and the callback guard's checks post it first).
    assert _prop(next(iter(VIEW_INPUTS.values()))) == (ids.URL, "search")


def test_the_frame_only_outputs_are_map_outputs() -> None:
    assert set(FRAME_ONLY) <= set(MAP_OUTPUTS)
    assert unsent_map_outputs(None) == set()  # the page load: everything is new
    assert unsent_map_outputs({"vintage"}) == set()
    assert unsent_map_outputs({"indicator", "period"}) == FRAME_ONLY
    assert unsent_map_outputs({"scheme"}) == FRAME_ONLY | {"summary"}


# -- what each event sends -----------------------------------------------------------------------


class FakeService:
    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        if code not in {"750", "752"}:
            return None
        return {"code": code, "level": "district", "parent_code": "77"}

    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None:
        return code

    def village_unit(self, vintage: str, code: str) -> str | None:
        return None


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Page:
    """A page whose map, labels and tabs answer with every name they declare."""

    def map_outputs(view: Any, service: Any, prefix: str, *fits: Any, **_: Any) -> dict:
        return {name: f"map {name}" for name in MAP_OUTPUTS}

    def tab(tab: str, view: Any, service: Any, held: Any = None) -> dict:
        return {name: f"tab {name}" for name in TAB_OUTPUTS.get(tab, {})}

    def label(view: Any, before: Any, keys: Any, service: Any) -> dict:
        return {"label_texts": {}} if view["lang"] != before["lang"] else {}

    monkeypatch.setattr(view_answer, "map_outputs", map_outputs)
    monkeypatch.setattr(view_answer, "table_outputs", lambda view, service: {"table": "rows"})
    monkeypatch.setattr(view_answer, "tab_outputs", tab)
    monkeypatch.setattr(view_answer, "label_outputs", label)
    return Page(FakeService(), "/", lambda: CHOICES, lambda: ("app_title",))


def _args(**values: Any) -> dict[str, Any]:
    """The callback's keyword arguments: every input and state, ``None`` unless given."""
    return {name: values.get(name) for name in (*VIEW_INPUTS, *VIEW_STATES)}


def _stored(**changes: Any) -> dict[str, Any]:
    return {**default_state(CHOICES).to_store(), **changes}


def _send(page: Page, trigger: Any, value: Any = None, **values: Any) -> dict[str, Any]:
    """What Dash is handed: every declared output, ``no_update`` where nothing is sent."""
    sent = view_answer.view_answer(trigger, value, _args(**values), page)
    return outputs_by_name(VIEW_OUTPUTS, sent)


def _sent(answer: dict[str, Any]) -> set[str]:
    return {name for name, value in answer.items() if value is not no_update}


def test_the_page_load_sends_the_map_first_and_no_tab(page: Page) -> None:
    answer = _send(page, None, search="?unit=752&lang=en")
    sent = _sent(answer)
    assert set(MAP_OUTPUTS) <= sent and "label_texts" in sent
    assert not sent & (TAB_NAMES | {"table"})
    assert answer["view"]["unit"] == "752"
    # The controls show what the URL asked for; the URL is rewritten to the view's own query.
    assert answer["lang"] == "en" and answer["indicator"] == "fibre_households"
    assert answer["search"].startswith("?indicator=fibre_households")


def test_a_tab_event_sends_only_the_shown_tabs_content(page: Page) -> None:
    gaps = _send(page, ids.PANEL, panel="gaps", view=_stored())
    assert _sent(gaps) == set(TAB_OUTPUTS["gaps"])
    drawn = _send(page, ids.MAP_DRAWN, drawn={"at": 1}, view=_stored())
    assert _sent(drawn) == set(TAB_OUTPUTS["detail"])
    table = _send(page, ids.PANEL, panel="table", view=_stored())
    assert _sent(table) == {"table"}


def test_a_new_scheme_sends_the_classes_only(page: Page) -> None:
    answer = _send(page, ids.SCHEME, scheme="jenks", view=_stored())
    sent = _sent(answer)
    assert {"map_data", "legend", "view", "search"} <= sent
    assert not sent & (FRAME_ONLY | {"summary"} | TAB_NAMES)
    assert "scheme" not in sent  # the radio that changed it is never echoed
    # With the table shown, the table follows the classes.
    on_table = _send(page, ids.SCHEME, scheme="jenks", panel="table", view=_stored())
    assert "table" in _sent(on_table)


def test_a_drill_down_sends_the_frame_and_the_shown_tab(page: Page) -> None:
    answer = _send(page, ids.NAV, nav={"code": "752"}, panel="compare", view=_stored())
    sent = _sent(answer)
    assert set(MAP_OUTPUTS) <= sent and set(TAB_OUTPUTS["compare"]) <= sent
    assert not sent & set(TAB_OUTPUTS["detail"])
    assert not sent & set(CHOICES.defaults)  # no control is set by a click


def test_an_event_that_changes_nothing_sends_nothing(page: Page) -> None:
    same = _send(page, ids.NAV, nav={"code": "752"}, view=_stored(unit="752"))
    assert _sent(same) == set()


def test_the_search_box_is_emptied_once_and_then_left_alone(page: Page) -> None:
    found = _send(page, ids.SEARCH, picked="752", view=_stored())
    assert found["picked"] is None and found["view"]["unit"] == "752"
    again = _send(page, ids.SEARCH, picked="752", view=_stored(unit="752"))
    assert _sent(again) == {"picked"} and again["picked"] is None
    with pytest.raises(PreventUpdate):  # the box was just emptied: nothing to answer
        _send(page, ids.SEARCH, picked=None, view=_stored(unit="752"))


def test_a_shared_link_opens_where_it_was_shared(page: Page) -> None:
    link = "?unit=752&z=11&lat=10.5&lon=107.2"
    answer = _send(page, ids.URL, search=link, view=_stored())
    assert answer["viewport"] == {"center": [10.5, 107.2], "zoom": 11.0, "transition": "setView"}
    plain = _send(page, ids.URL, search="?unit=750", view=_stored())
    assert plain["viewport"] == "map viewport"  # the map's own fit


# -- the parts' own answers ----------------------------------------------------------------------


def test_the_compare_list_is_sent_only_where_the_browser_differs(monkeypatch) -> None:
    panel = {"matrix": "m", "figure": "f", "title": "t"}
    monkeypatch.setattr(analysis, "compare_panel", lambda view, service: panel)
    monkeypatch.setattr(analysis, "picker", lambda view, service: ("options", "ph", "labels"))
    view = default_state(CHOICES).replace(compare=("750", "752"))
    fresh = tab_outputs("compare", view, None, {})
    assert set(fresh) == set(TAB_OUTPUTS["compare"])
    assert fresh["compare"] == ["750", "752"] and fresh["compare_options_key"] == "2020|vi"
    held = {"compare": ["750", "752"], "compare_options_key": "2020|vi"}
    assert set(tab_outputs("compare", view, None, held)) == {
        "compare_matrix",
        "ranking_figure",
        "ranking_title",
    }


def test_the_gap_registers_columns_and_level_are_sent_only_when_they_change(monkeypatch) -> None:
    out = {
        "summary": "s",
        "rows": [],
        "columns": ["c"],
        "grid_options": {"o": 1},
        "row_classes": {},
        "level_options": [],
        "level": "commune",
        "points": {},
        "group_options": [],
    }
    monkeypatch.setattr(analysis, "gaps_panel", lambda view, level, service, group: out)
    view = default_state(CHOICES)
    assert set(tab_outputs("gaps", view, None)) == set(TAB_OUTPUTS["gaps"])
    held = {"gap_columns": ["c"], "gap_grid_options": {"o": 1}, "gap_level": "commune"}
    kept = tab_outputs("gaps", view, None, held)
    assert not {"gap_columns", "gap_grid_options", "gap_level"} & set(kept)


def test_the_table_tab_has_no_tab_outputs_of_its_own() -> None:
    assert tab_outputs("table", default_state(CHOICES), None) == {}


def test_labels_are_sent_only_for_what_changed(monkeypatch) -> None:
    opts = {"indicator": "i", "indicator_help": "h", "vintage": "v", "scheme": "s", "search": "q"}
    monkeypatch.setattr(labels, "options", lambda *args: opts)
    view = default_state(CHOICES)

    def sent(**changes: Any) -> set[str]:
        return set(label_outputs(view.replace(**changes), view, ("app_title",), object()))

    assert sent() == set()
    assert sent(vintage="2025-07") == {"search_options"}
    assert sent(indicator="smartphone_households") == {"indicator_help"}
    english = label_outputs(view.replace(lang="en"), view, ("app_title",), object())
    assert set(english) == set(LABEL_OUTPUTS)
    assert english["label_texts"]["app_title"] and english["indicator_options"] == "i"


def test_registering_the_callback_leaves_its_declarations_as_they_are() -> None:
    """Dash merges a callback's inputs into the ``state`` dict it is given: it gets copies."""
    from dash import Dash

    from callbacks import navigation

    states, inputs = dict(VIEW_STATES), dict(VIEW_INPUTS)
    app = Dash(__name__)
    navigation.register(app, CHOICES, FakeService(), "/")
    assert list(states) == list(VIEW_STATES) and list(inputs) == list(VIEW_INPUTS)
    (callback,) = app.callback_map.values()
    declared = [
        {"id": i.component_id_str(), "property": i.component_property} for i in inputs.values()
    ]
    assert [{k: d[k] for k in ("id", "property")} for d in callback["inputs"]] == declared
    assert len(callback["state"]) == len(states)
