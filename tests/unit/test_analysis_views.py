"""The analysis tabs' pure functions: compare rules, gap scope and row focus, trend notes."""

from __future__ import annotations

from typing import Any

import pytest

from callbacks.analysis_view import active_tab, change_note
from callbacks.compare_view import (
    compare_button,
    compare_options,
    not_measured,
    ranking_code,
    same_level,
    toggled,
)
from callbacks.gaps_view import (
    POINT_MARGIN,
    focus_target,
    gap_scope,
    grid_rows,
    register_level,
    summary_text,
)
from callbacks.view_events import navigate
from callbacks.view_state import Choices, default_state, parse_query, to_query
from layers import ids

LEVELS = {"77": "province", "750": "district", "751": "district", "752": "district"}
LEVELS |= {"26677": "commune", "26662": "commune", "755": "district"}
UNITS_2020 = {code: {"code": code, "level": level} for code, level in LEVELS.items()}
UNITS_2020["26677"]["parent_code"] = "752"
CHOICES = Choices(
    indicators=("fibre_households",),
    periods=("2023", "2024"),
    vintages=("2020", "2025-07"),
    defaults={
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "scheme": "quantiles",
        "lang": "vi",
    },
    unit_exists=lambda vintage, code: code in LEVELS,
)


class FakeUnits:
    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        if vintage == "2025-07":
            return {"code": code, "level": "commune"} if code in ("26662", "77") else None
        return UNITS_2020.get(code or "")

    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None:
        return {"26677": "26662", "750": None}.get(code, code if to_vintage == "2020" else None)


def _navigate(trigger: Any, value: Any = None, current: dict | None = None, **inputs: Any):
    base = {**default_state(CHOICES), **(current or {})}
    return navigate(trigger, value, inputs, base, CHOICES, FakeUnits())


# -- compare ------------------------------------------------------------------------------------


def test_only_units_of_the_newest_level_are_compared() -> None:
    units = FakeUnits()
    assert same_level(["750", "751"], "2020", units) == ["750", "751"]
    assert same_level(["750", "751", "26677"], "2020", units) == ["26677"]
    assert same_level(["750", "750", "99999", "752"], "2020", units) == ["750", "752"]
    assert same_level(["77"], "2020", units) is None  # the province is not compared
    assert same_level([], "2020", units) is None


def test_add_and_ranking_clicks_toggle_a_unit() -> None:
    assert toggled(["750"], "751") == ["750", "751"]
    assert toggled(["750", "751"], "750") == ["751"]
    assert toggled(None, None) == []
    click = {"points": [{"customdata": "752", "x": 98.9}]}
    assert ranking_code(click) == "752"
    assert ranking_code({"points": []}) is None and ranking_code(None) is None


def test_picking_three_districts_puts_them_in_the_url_in_order() -> None:
    state = _navigate(ids.COMPARE_PICK, compare=["750", "751", "752"])
    assert state["compare"] == ["750", "751", "752"]
    assert "compare=750,751,752" in to_query(state)
    again = parse_query(to_query(state), CHOICES)
    assert again["compare"] == ["750", "751", "752"]


def test_the_add_button_adds_the_selected_unit_and_removes_it_again() -> None:
    state = _navigate(ids.COMPARE_ADD, 1, current={"unit": "751", "compare": ["750"]})
    assert state["compare"] == ["750", "751"]
    state = _navigate(ids.COMPARE_ADD, 2, current={"unit": "751", "compare": ["750", "751"]})
    assert state["compare"] == ["750"]
    assert _navigate(ids.COMPARE_ADD, 0, current={"unit": "751"}) is None  # drawn, not clicked


def test_a_ranking_bar_click_toggles_that_unit() -> None:
    click = {"points": [{"customdata": "752"}]}
    state = _navigate(ids.RANKING, current={"compare": ["750"]}, ranking=click)
    assert state["compare"] == ["750", "752"]


def test_a_vintage_change_carries_the_compared_units_through_the_crosswalk() -> None:
    state = _navigate(ids.VINTAGE, current={"compare": ["26677", "750"]}, vintage="2025-07")
    assert state["compare"] == ["26662"]  # 750 has no successor on 2025-07


def test_the_compare_url_ignores_unknown_codes() -> None:
    state = parse_query("?compare=750,nope,,751,750", CHOICES)
    assert state["compare"] == ["750", "751"]
    assert parse_query("?compare=", CHOICES)["compare"] is None


def test_compare_options_group_units_by_level_without_former_names() -> None:
    entries = [
        {"value": "750", "code": "750", "name": "Huyện Châu Đức", "level": "district",
         "search": "huyen chau duc 750", "former": None},
        {"value": "26677", "code": "26677", "name": "Xã Phước Hưng", "level": "commune",
         "search": "xa phuoc hung 26677", "former": None},
        {"value": "26662~26677", "code": "26662", "name": "Xã Long Hải", "level": "commune",
         "search": "xa phuoc hung 26677", "former": "Xã Phước Hưng"},
    ]  # fmt: skip
    options = compare_options(entries, "vi")
    assert [o["value"] for o in options] == ["level:district", "750", "level:commune", "26677"]
    assert options[0]["disabled"] and options[1]["label"] == "Huyện Châu Đức · 750"


def test_the_add_button_is_off_for_the_whole_area_and_says_remove_when_compared() -> None:
    assert compare_button({"unit": None}, "vi")[1] is True
    assert compare_button({"unit": "750", "compare": ["750"]}, "en") == (
        "✓ In comparison · remove",
        False,
    )


def test_province_only_indicators_are_not_measured_for_districts() -> None:
    catalogue = [
        {"key": "fibre_households", "finest_level": "village"},
        {"key": "full_online_procedures", "finest_level": "province"},
    ]
    assert not_measured(catalogue, "district") == {"full_online_procedures"}
    assert not_measured(catalogue, "province") == set()


# -- gap register -------------------------------------------------------------------------------


def test_the_register_level_falls_back_when_the_vintage_lacks_it() -> None:
    assert register_level("district", ("province", "district", "commune")) == "district"
    assert register_level("district", ("province", "commune")) == "commune"
    assert register_level(None, ("province", "commune")) == "village"
    assert register_level("province", ("province", "district")) == "village"


@pytest.mark.parametrize(
    ("level", "unit", "lineage", "expected"),
    [
        ("village", None, [], (None, None)),
        ("village", {"code": "752", "level": "district"}, [], ("752", None)),
        ("commune", {"code": "752", "level": "district"}, [], ("752", None)),
        ("district", {"code": "752", "level": "district"}, [], (None, "752")),
        (
            "district",
            {"code": "26677", "level": "commune"},
            [{"code": "77", "level": "province"}, {"code": "752", "level": "district"}],
            (None, "752"),
        ),
        ("commune", {"code": "26677", "level": "commune"}, [], (None, "26677")),
        ("village", {"code": "77", "level": "province"}, [], (None, None)),
    ],
)
def test_the_map_selection_scopes_the_register(level, unit, lineage, expected) -> None:
    assert gap_scope(level, unit, lineage) == expected


def test_a_village_row_drills_to_its_commune_and_fits_the_point() -> None:
    row = {
        "code": "26677-04",
        "level": "village",
        "parent_code": "26677",
        "lon": 107.2,
        "lat": 10.4,
    }
    select, focus = focus_target(row, {"code": "26677", "level": "commune"})
    assert select == "26677" and focus["code"] == "26677-04"
    (south, west), (north, east) = focus["bounds"]
    assert south < 10.4 < north and west < 107.2 < east
    assert north - south == pytest.approx(2 * POINT_MARGIN)


def test_a_unit_row_selects_its_parent_and_fits_its_box() -> None:
    row = {"code": "26677", "level": "commune", "lon": 107.2, "lat": 10.4,
           "min_lon": 107.1, "min_lat": 10.3, "max_lon": 107.3, "max_lat": 10.5}  # fmt: skip
    select, focus = focus_target(row, {"code": "752", "level": "district"})
    assert select == "752" and focus["bounds"] == [[10.3, 107.1], [10.5, 107.3]]
    top = focus_target(
        {**row, "code": "752", "level": "district"}, {"code": "77", "level": "province"}
    )
    assert top is not None and top[0] is None  # a district: the whole area stays selected
    assert focus_target({"code": "x", "level": "village"}, None) is None  # no location


def test_a_row_click_focuses_the_map_without_selecting_and_a_new_selection_drops_it() -> None:
    row = {
        "code": "26677-04",
        "level": "village",
        "parent_code": "26677",
        "lon": 107.2,
        "lat": 10.4,
    }
    state = _navigate(ids.GAP_GRID, gap_rows=[row])
    # a focus, not a selection: the unit (the register's scope) stays, the map fits the row
    assert state["unit"] is None and state["focus"]["code"] == "26677-04"
    assert state["focus"]["bounds"][0][0] < 10.4 < state["focus"]["bounds"][1][0]
    kept = navigate(ids.SCHEME, None, {"scheme": "jenks"}, state, CHOICES, FakeUnits())
    assert kept["focus"] == state["focus"]  # restyling keeps the row outlined
    crumb = {"type": ids.CRUMB, "index": "752"}
    moved = navigate(crumb, 1, {}, state, CHOICES, FakeUnits())
    assert moved["unit"] == "752" and "focus" not in moved
    assert "focus" not in to_query(state)
    assert _navigate(ids.GAP_GRID, gap_rows=[]) is None  # selection cleared by new rows


def test_the_table_view_buttons_drill_down_like_a_map_click() -> None:
    assert _navigate({"type": ids.PICK, "index": "752"}, 1)["unit"] == "752"
    assert _navigate({"type": ids.PICK, "index": "752"}, 0) is None  # redrawn, not clicked


def test_grid_rows_and_summary_speak_the_language() -> None:
    rows = [
        {"code": "26677-04", "level": "village", "provenance": "synthetic", "shortfall": 1.0,
         "shortfall_unit_vi": "thôn, ấp, khu phố", "shortfall_unit_en": "villages"},
        {"code": "26677-05", "level": "village", "provenance": None, "shortfall": 2.0,
         "shortfall_unit_vi": "thôn, ấp, khu phố", "shortfall_unit_en": "villages"},
    ]  # fmt: skip
    out = grid_rows(rows, "en")
    assert out[0]["level_label"] == "Village" and out[0]["provenance_label"] == "Synthetic"
    assert out[1]["provenance_label"] == "–"
    assert summary_text(rows, "village", "Xã Phước Hưng", "vi") == (
        "2 thôn, ấp chưa đạt mục tiêu trong Xã Phước Hưng · còn thiếu 3 (thôn, ấp, khu phố)"
    )
    assert summary_text([], "commune", None, "en") == "No units below target."
    assert "No list" in summary_text(None, "commune", None, "en")


# -- trends and tabs ----------------------------------------------------------------------------


def test_the_trend_note_says_when_and_how_the_series_was_reaggregated() -> None:
    vintages = [{"key": "2025-07", "name_vi": "Địa giới từ 07/2025", "name_en": "From Jul 2025"}]
    rows = [
        {"period": "2024", "value": 90.0, "vintage_change_before": False},
        {"period": "2025", "value": 94.7, "vintage_change_before": True, "method": "villages",
         "period_vintage": "2025-07"},
    ]  # fmt: skip
    note = change_note(rows, "Xã Phước Hưng", vintages, "en")
    assert note is not None and "from 2025" in note and "From Jul 2025" in note
    assert "its villages" in note and "Xã Phước Hưng" in note
    assert change_note(rows[:1], "x", vintages, "en") is None


def test_an_unknown_tab_falls_back_to_the_detail_tab() -> None:
    assert active_tab(None) == "detail" and active_tab("gaps") == "gaps"
    assert active_tab("<script>") == "detail"


def test_gap_villages_are_points_darker_for_a_larger_shortfall_and_rows_group_by_district() -> None:
    from callbacks.gaps_view import SHORTFALL_COLORS, gap_points, group_rows

    rows = [
        {"code": f"v{i}", "name": f"V{i}", "lat": 10.0 + i, "lon": 107.0, "shortfall": float(i)}
        for i in range(1, 9)
    ] + [{"code": "nowhere", "name": "N", "lat": None, "lon": None, "shortfall": 9.0}]
    points = gap_points(rows, "v3", "vi")
    props = {f["properties"]["code"]: f["properties"] for f in points["features"]}
    assert set(props) == {f"v{i}" for i in range(1, 9)}  # no location: not on the map
    assert props["v1"]["fill"] == SHORTFALL_COLORS[0]
    assert props["v8"]["fill"] == SHORTFALL_COLORS[-1]
    assert props["v3"]["focus"] and not props["v4"]["focus"]

    class Tree:
        def lineage(self, vintage, code):
            return [
                {"level": "district", "name": "D" + code[0]},
                {"level": "commune", "name": code},
            ]

    grouped = group_rows(
        [{"code": "x", "level": "village", "parent_code": "1a"}], "district", "2020", Tree()
    )
    assert grouped[0]["group"] == "D1"
    assert "group" not in group_rows([{"code": "x"}], None, "2020", Tree())[0]
