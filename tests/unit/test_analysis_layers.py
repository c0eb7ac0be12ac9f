"""Builders of the analysis tabs: scorecard, compare matrix and ranking, trends, grid, table."""

from __future__ import annotations

import json

from dash._utils import to_json

from layers import comparison, gap_register, scorecards, trend_chart
from layers.tables import unit_table

PILLARS = [
    {"pillar": "kinh_te_so", "pillar_vi": "Kinh tế số", "pillar_en": "Digital economy",
     "met": 2, "not_met": 1, "no_data": 0, "with_target": 3, "no_target": 0, "total": 3},
    {"pillar": "chinh_quyen_so", "pillar_vi": "Chính quyền số", "pillar_en": "Digital government",
     "met": 0, "not_met": 0, "no_data": 1, "with_target": 0, "no_target": 0, "total": 0},
]  # fmt: skip
ROW = {"key": "fibre_households", "name_vi": "Hộ có cáp quang", "name_en": "Fibre households",
       "pillar": "kinh_te_so", "unit": "%", "value": 79.3, "target": 70.0, "comparator": ">=",
       "target_scope": "755", "gap": 9.3, "status": "met", "applicable": True}  # fmt: skip


def texts(component: object) -> str:
    return json.dumps(json.loads(to_json(component)), ensure_ascii=False)


def test_pillar_chips_show_met_over_targets_and_a_dash_when_nothing_is_measured() -> None:
    assert scorecards.pillar_count(PILLARS[0]) == "2/3"
    assert scorecards.pillar_count(PILLARS[1]) == "–"
    chips = texts(scorecards.pillar_chips(PILLARS, "vi"))
    assert "Kinh tế số" in chips and "2/3" in chips
    assert "2 đạt, 1 chưa đạt, 0 chưa có số liệu, 0 không có mục tiêu" in chips


def test_an_area_specific_threshold_is_marked_on_its_row() -> None:
    table = texts(scorecards.card_table([ROW], PILLARS[:1], "en", current="fibre_households"))
    assert "70.0 %" in table and "local" in table and "Threshold set for unit 755" in table
    assert "dxmap-card-row--current" in table and "+9.3 %" in table


def test_statuses_name_every_case_including_not_measured_here() -> None:
    assert scorecards.status_key(ROW) == "met"
    province_only = {**ROW, "status": "no_data", "applicable": False}
    assert scorecards.status_key(province_only) == "not_applicable"
    assert scorecards.status_key({**ROW, "status": "no_target"}) == "no_target"


def test_the_scorecard_names_the_unit_period_and_example_targets() -> None:
    card = {
        "unit": {"unit": "755", "name": "Huyện Côn Đảo", "level": "district"},
        "period": "2024",
        "rows": [ROW],
        "pillars": PILLARS[:1],
        "example_targets": True,
    }
    out = texts(scorecards.scorecard(card, {"pillars": PILLARS[:1]}, "vi"))
    assert "Chỉ tiêu đạt · Huyện Côn Đảo · 2024" in out and "Toàn tỉnh: " in out
    assert "ví dụ" in out
    assert "Không có dữ liệu" in texts(scorecards.scorecard(None, None, "vi"))


MATRIX = {
    "units": [{"code": "750", "name": "Huyện Châu Đức"}, {"code": "751", "name": "<b>X</b>"}],
    "rows": [
        {**ROW, "direction": "higher", "cells": {
            "750": {"value": 85.3, "target": 90.0, "met": False},
            "751": {"value": 91.0, "target": 90.0, "met": True}}},
        {**ROW, "key": "full_online_procedures", "direction": "higher", "cells": {
            "750": {"value": None, "target": 100.0, "met": None},
            "751": {"value": None, "target": 100.0, "met": None}}},
    ],
}  # fmt: skip


def test_the_matrix_colours_each_cell_against_its_target() -> None:
    out = texts(comparison.matrix(MATRIX, {"kinh_te_so": ("Kinh tế số", "x")}, "2024", "vi"))
    assert "dxmap-cell--not_met" in out and "dxmap-cell--met" in out
    assert "≥ 90,0 %" in out and '"data-units": 2' in out
    assert "<b>X</b>" in out  # a name is text, never markup
    muted = comparison.matrix(
        MATRIX, {"kinh_te_so": ("K", "K")}, "2024", "en", not_measured={"full_online_procedures"}
    )
    assert "Not measured at this level" in texts(muted)
    assert comparison.cell_status({"value": 1.0, "met": None}) == "no_target"
    assert comparison.cell_status({"value": None}) == "no_data"


def test_the_ranking_highlights_the_compared_units_and_escapes_names() -> None:
    rows = [
        {"rank": 1.0, "code": "747", "name": "<img src=x>", "value": 122.9, "target": 90.0},
        {"rank": 2.0, "code": "750", "name": "Huyện Châu Đức", "value": 85.3, "target": 90.0},
        {"rank": None, "code": "755", "name": "Côn Đảo", "value": None, "target": 70.0},
    ]
    figure = comparison.ranking_figure(rows, ["750"], "%", "vi")
    bars = figure.data[0]
    assert list(bars.customdata) == ["747", "750"]  # no data: not drawn
    assert list(bars.marker.color) == [comparison.BAR_COLOR, comparison.BAR_SELECTED]
    assert bars.y[0] == "1. &lt;img src=x&gt;"
    assert list(figure.data[1].x) == [90.0, 90.0]  # the targets


def test_trends_mark_the_vintage_change_between_periods() -> None:
    def point(key, period, value, change=False):
        return {
            **{"indicator": key, "name_vi": key, "name_en": key, "unit": "%", "period": period},
            **{"value": value, "target": 80.0, "vintage_change_before": change},
            **{"reaggregated": change, "method": "villages" if change else "own_vintage"},
        }

    rows = [point("a", "2023", 1.0), point("a", "2024", 2.0), point("a", "2025", 3.0, True)]
    rows += [point("b", "2023", None), point("b", "2024", None)]  # no value: left out
    rows += [point("c", "2023", 5.0), point("c", "2024", 6.0)]
    groups = trend_chart.series(rows, first="c")
    assert [g[0]["indicator"] for g in groups] == ["c", "a"]
    assert trend_chart.mark_positions(groups[1]) == [1.5]
    figure = trend_chart.trend_figure(rows, "en", first="a")
    dotted = [s for s in figure.layout.shapes if s.line.dash == "dot"]
    assert [s.x0 for s in dotted] == [1.5]
    assert any(a.text == "New boundaries" for a in figure.layout.annotations)
    table = texts(trend_chart.trend_table(rows, "en"))
    assert "3.0 % †" in table and "Re-aggregated" in table


def test_grid_columns_keep_numbers_sortable_and_formatted_for_the_language() -> None:
    columns = {c["field"]: c for c in gap_register.column_defs("vi", "%", "Hộ", False)}
    assert columns["shortfall"]["sort"] == "desc" and columns["shortfall"]["headerTooltip"] == "Hộ"
    assert columns["value"]["filter"] == "agNumberColumnFilter"
    assert (
        "dxmapNumber(params.value, 'vi', 1, ' %'" in columns["value"]["valueFormatter"]["function"]
    )
    assert columns["level_label"]["hide"] is True
    assert gap_register.grid_options("vi")["localeText"]["contains"] == "Chứa"
    levels = gap_register.level_options(("province", "commune"), "en")
    assert [o["value"] for o in levels] == ["commune", "village"]


def test_the_table_view_has_a_caption_row_headers_classes_and_drill_buttons() -> None:
    rows = [{"code": "750", "name": "Huyện Châu Đức", "value": 85.3, "met": False}]
    out = json.loads(
        to_json(unit_table(rows, "Các đơn vị", "%", "vi", {"750": ("#abc", "80–90")}, True))
    )
    table = out[1]
    assert table["props"]["children"][0]["type"] == "Caption"
    header = table["props"]["children"][2]["props"]["children"][0]["props"]["children"][0]
    assert header["type"] == "Th" and header["props"]["scope"] == "row"
    assert header["props"]["children"]["props"]["id"] == {"type": "table-pick", "index": "750"}
    text = json.dumps(out, ensure_ascii=False)
    assert "#abc" in text and "80–90" in text and "Lớp màu" in text
