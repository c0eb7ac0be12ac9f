from __future__ import annotations

from typing import Any

import pytest

from callbacks.view_events import navigate
from callbacks.view_state import (
    Choices,
    clicked_code,
    default_state,
    parse_query,
    search_target,
    to_query,
)
from layers import ids

UNITS = {
    "2020": {"77", "752", "26677", "755"},
    "2025-01": {"77", "755"},
    "2025-07": {"77", "26662"},
}
VILLAGES = {"2020": {"26677-01": "26677"}, "2025-07": {"26677-01": "26662"}}
CHOICES = Choices(
    indicators=("fibre_households", "smartphone_households"),
    periods=("2023", "2024", "2025"),
    vintages=("2020", "2025-01", "2025-07"),
    defaults={
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "scheme": "quantiles",
        "lang": "vi",
    },
    unit_exists=lambda vintage, code: code in UNITS.get(vintage, set()),
    village_unit=lambda vintage, code: VILLAGES.get(vintage, {}).get(code),
)


class FakeUnits:
    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        return {"code": code} if code in UNITS.get(vintage, set()) else None

    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None:
        if code in UNITS[to_vintage]:
            return code
        return {("26677", "2025-07"): "26662"}.get((code, to_vintage))

    def village_unit(self, vintage: str, code: str) -> str | None:
        return VILLAGES.get(vintage, {}).get(code)


def test_a_bare_url_gives_the_default_view() -> None:
    assert parse_query("", CHOICES) == default_state(CHOICES)
    assert default_state(CHOICES)["unit"] is None


def test_a_full_url_round_trips() -> None:
    query = (
        "?indicator=smartphone_households&period=2023&vintage=2020&unit=752&scheme=target&lang=en"
    )
    state = parse_query(query, CHOICES)
    assert state == {
        "indicator": "smartphone_households",
        "period": "2023",
        "vintage": "2020",
        "unit": "752",
        "scheme": "target",
        "lang": "en",
        "compare": None,
        "village": None,
    }
    assert to_query(state) == query


@pytest.mark.parametrize(
    ("query", "key", "expected"),
    [
        ("?indicator=nope", "indicator", "fibre_households"),
        ("?period=1999", "period", "2024"),
        ("?scheme=<script>", "scheme", "quantiles"),
        ("?lang=fr", "lang", "vi"),
        ("?unit=99999", "unit", None),
        ("?vintage=2025-07&unit=752", "unit", None),  # 752 does not exist after 2025-07
        ("?vintage=2025-07&unit=26662", "unit", "26662"),
    ],
)
def test_invalid_values_fall_back_instead_of_breaking_the_page(
    query: str, key: str, expected: str | None
) -> None:
    assert parse_query(query, CHOICES)[key] == expected


def test_the_query_omits_the_unit_for_the_whole_area_and_escapes_values() -> None:
    state = {**default_state(CHOICES), "indicator": "a b&c"}
    query = to_query(state)
    assert "unit=" not in query and "indicator=a+b%26c" in query


def test_clicks_and_search_choices_give_unit_codes() -> None:
    assert clicked_code({"properties": {"code": "752", "level": "district"}}) == "752"
    assert clicked_code({"properties": {"code": "26677-01", "level": "village"}}) is None
    assert clicked_code(None) is None
    assert search_target("26662~26677") == "26662" and search_target("752") == "752"
    assert search_target(None) is None


def _navigate(trigger: Any, value: Any = None, current: dict | None = None, **inputs: Any):
    base = {**default_state(CHOICES), **(current or {})}
    return navigate(trigger, value, inputs, base, CHOICES, FakeUnits())


def test_page_load_reads_the_url() -> None:
    state = navigate(None, None, {"search": "?unit=752&lang=en"}, None, CHOICES, FakeUnits())
    assert state is not None and state["unit"] == "752" and state["lang"] == "en"


def test_clicking_a_unit_selects_it_and_clicking_it_again_changes_nothing() -> None:
    click = {"properties": {"code": "752", "level": "district"}}
    assert _navigate(ids.UNITS, click=click)["unit"] == "752"
    assert _navigate(ids.UNITS, click=click, current={"unit": "752"}) is None


def test_breadcrumb_clicks_select_the_ancestor_but_redraws_do_nothing() -> None:
    crumb = {"type": ids.CRUMB, "index": ""}
    assert _navigate(crumb, 1, current={"unit": "26677"})["unit"] is None
    assert _navigate(crumb, 0, current={"unit": "26677"}) is None


def test_changing_vintage_carries_the_unit_through_the_crosswalk_or_drops_it() -> None:
    moved = _navigate("vintage", current={"unit": "26677"}, vintage="2025-07")
    assert moved["vintage"] == "2025-07" and moved["unit"] == "26662"
    assert moved["moved_from"] == "26677"
    dropped = _navigate("vintage", current={"unit": "752"}, vintage="2025-07")
    assert dropped["unit"] is None and dropped["moved_from"] == "752"
    kept = _navigate("vintage", current={"unit": "755"}, vintage="2025-01")
    assert "moved_from" not in kept


def test_a_control_change_keeps_the_rest_of_the_view() -> None:
    state = _navigate(ids.SCHEME, current={"unit": "752"}, scheme="jenks")
    assert state["scheme"] == "jenks" and state["unit"] == "752"
    assert _navigate(ids.SCHEME, scheme="quantiles") is None  # unchanged


def test_search_choice_jumps_to_the_current_unit_of_a_former_name() -> None:
    state = _navigate(ids.SEARCH, current={"vintage": "2025-07"}, picked="26662~26677")
    assert state["unit"] == "26662"
    assert _navigate(ids.SEARCH, picked=None) is None


def test_a_former_name_choice_is_noted_for_one_step_only() -> None:
    state = _navigate(ids.SEARCH, current={"vintage": "2025-07"}, picked="26662~26677")
    assert state["found_as"] == "26662~26677"
    after = navigate(ids.SCHEME, None, {"scheme": "jenks"}, state, CHOICES, FakeUnits())
    assert after is not None and "found_as" not in after and after["unit"] == "26662"
    assert "found_as" not in to_query(state)


def test_a_village_in_the_url_opens_its_card_on_its_commune() -> None:
    state = parse_query("?village=26677-01&unit=752", CHOICES)
    assert state["village"] == "26677-01" and state["unit"] == "26677"
    assert "village=26677-01" in to_query(state)
    assert parse_query("?village=nope", CHOICES)["village"] is None


def test_clicking_a_village_opens_its_card_and_another_unit_closes_it() -> None:
    opened = _navigate(ids.NAV, nav={"village": "26677-01"}, current={"unit": "26677"})
    assert opened["village"] == "26677-01" and opened["unit"] == "26677"
    assert _navigate(ids.NAV, nav={"village": "x"}, current={"unit": "26677"}) is None
    closed = _navigate(ids.NAV, nav={"village": ""}, current=dict(opened))
    assert closed["village"] is None and closed["unit"] == "26677"
    up = _navigate({"type": ids.CRUMB, "index": ""}, 1, current=dict(opened))
    assert up["unit"] is None and up["village"] is None
    moved = _navigate("vintage", current=dict(opened), vintage="2025-07")
    assert moved["village"] == "26677-01" and moved["unit"] == "26662"


def test_the_camera_of_a_link_is_read_and_bad_values_are_ignored() -> None:
    from callbacks.view_state import parse_camera

    camera = parse_camera("?unit=752&z=12.5&lat=10.45&lon=107.25")
    assert camera == {"center": [10.45, 107.25], "zoom": 12.5, "transition": "setView"}
    assert parse_camera("?z=12&lat=10.4") is None  # incomplete
    assert parse_camera("?z=99&lat=10.4&lon=107") is None  # out of range
    assert parse_camera("?z=x&lat=10.4&lon=107") is None
    assert "z=" not in to_query(parse_query("?z=12&lat=10.4&lon=107", CHOICES))  # not in the View


def test_a_vintage_switch_walks_the_comparison_and_notes_what_changed() -> None:
    state = _navigate("vintage", current={"compare": ["26677", "752"]}, vintage="2025-07")
    assert state["compare"] == ["26662"]
    assert state["compare_moved"] == {"kept": ["26662"], "dropped": ["752"]}
    assert "compare_moved" not in to_query(state)
    same = _navigate("vintage", current={"compare": ["755"]}, vintage="2025-01")
    assert same["compare"] == ["755"] and "compare_moved" not in same
