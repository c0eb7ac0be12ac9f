from __future__ import annotations

import json

from dash._utils import to_json

from layers.choropleth import NO_DATA_COLOR, attribution_parts, compact_values, hideout
from layers.legend import SEQUENTIAL, TARGET_COLORS, class_colors, legend, legend_rows
from layers.tables import sort_rows, unit_table

CLASSES = {
    "scheme": "quantiles",
    "ranges": [(79.3, 84.8), (84.8, 92.0), (92.0, 101.8)],
    "counts": [2, 1, 2],
    "no_data": 1,
}


def test_legend_lists_class_ranges_best_first_with_counts_and_a_no_data_row() -> None:
    colors = class_colors(3, "quantiles")
    rows = legend_rows(CLASSES, colors, "%", "vi")
    assert [r["label"] for r in rows] == [
        "92,0 % – 101,8 %",
        "84,8 % – 92,0 %",
        "79,3 % – 84,8 %",
        "Không có dữ liệu",
    ]
    assert [r["count"] for r in rows] == [2, 1, 2, 1]
    assert rows[0]["color"] == colors[-1]  # darkest = highest
    assert rows[-1]["color"] == NO_DATA_COLOR and rows[-1]["no_data"]


def test_target_legend_shows_met_not_met_and_no_data() -> None:
    classes = {"scheme": "target", "ranges": [], "counts": [3, 5], "no_data": 0}
    rows = legend_rows(classes, class_colors(2, "target"), "%", "en")
    assert [(r["label"], r["count"]) for r in rows] == [
        ("Target met", 5),
        ("Not met", 3),
        ("No data", 0),
    ]
    assert rows[0]["color"] == TARGET_COLORS[1]


def test_a_class_holding_one_value_is_labelled_with_that_value() -> None:
    classes = {"scheme": "equal", "ranges": [(100.0, 100.0)], "counts": [6], "no_data": 0}
    assert legend_rows(classes, class_colors(1, "equal"), "%", "en")[0]["label"] == "100.0 %"


def test_palette_reverses_when_lower_is_better() -> None:
    assert class_colors(5, "jenks") == list(SEQUENTIAL[5])
    assert class_colors(5, "jenks", "lower") == list(SEQUENTIAL[5])[::-1]
    assert class_colors(0, "quantiles") == []


def test_legend_component_has_one_item_per_row() -> None:
    rows = legend_rows(CLASSES, class_colors(3, "quantiles"), "%", "vi")
    layout = json.loads(to_json(legend("Hộ gia đình", "2024", rows, "đơn vị", "vi")))
    items = layout[2]["props"]["children"]
    assert len(items) == 4
    assert items[-1]["props"]["children"][1]["props"]["children"] == "Không có dữ liệu"


def test_hideout_carries_values_and_classes_but_no_geometry() -> None:
    records = {"752": {"value": 99.0, "numerator": 1.0, "denominator": 2.0, "provenance": "x"}}
    out = hideout(records, {"752": 2}, ["#a", "#b", "#c"], unit="%", lang="en", selected="752")
    assert out["values"]["752"] == {
        "v": 99.0,
        "n": 1.0,
        "d": 2.0,
        "t": None,
        "m": None,
        "p": "x",
        "c": 2,
    }
    assert out["selected"] == "752" and out["labels"]["gap"] == "Gap"
    assert "geometry" not in json.dumps(out)
    assert compact_values({}, {}) == {}


def test_attribution_names_each_source_with_its_licence_once_in_the_page_language() -> None:
    layers = [
        {"attribution": "dvhcvn", "licence": "GPL-3.0", "redistributable": True},
        {"attribution": "dvhcvn", "licence": "GPL-3.0", "redistributable": True},
        {"attribution": "GADM 4.1", "licence": "non-commercial", "redistributable": False},
    ]
    assert attribution_parts(layers, "en") == [
        "Boundaries: dvhcvn · licence: GPL-3.0",
        "Boundaries: GADM 4.1 (not for redistribution) · licence: non-commercial",
    ]
    assert attribution_parts(layers, "vi")[1] == (
        "Ranh giới: GADM 4.1 (không được phân phối lại) · giấy phép: non-commercial"
    )


def test_tables_rank_best_first_with_no_data_last() -> None:
    rows = [
        {"code": "a", "name": "A", "value": None},
        {"code": "b", "name": "B", "value": 50.0},
        {"code": "c", "name": "C", "value": 90.0},
    ]
    assert [r["code"] for r in sort_rows(rows)] == ["c", "b", "a"]
    assert [r["code"] for r in sort_rows(rows, "lower")] == ["b", "c", "a"]


def test_unit_names_are_rendered_as_text_not_markup() -> None:
    evil = "<img src=x onerror=alert(1)>"
    table = unit_table([{"code": "1", "name": evil, "value": 1.0}], "t", "%", "en")
    body = json.loads(to_json(table))[1]["props"]["children"][2]["props"]["children"]
    name_cell = body[0]["props"]["children"][0]["props"]["children"][0]
    assert name_cell["type"] == "Span" and name_cell["props"]["children"] == evil


def test_close_class_bounds_get_enough_decimals_to_stay_distinct() -> None:
    classes = {
        "scheme": "quantiles",
        "ranges": [(84.4, 95.08), (95.08, 95.12), (95.12, 98.0)],
        "counts": [2, 1, 1],
        "no_data": 0,
    }
    labels = [r["label"] for r in legend_rows(classes, class_colors(3, "quantiles"), "%", "vi")]
    assert labels[:3] == ["95,12 % – 98,00 %", "95,08 % – 95,12 %", "84,40 % – 95,08 %"]
