"""Numbers, plurals and ranking as a reader sees them: one decimal mark per language, no dash
before a count, "1 village", values on the bars, a fitted axis and ties ranked as ties."""

from __future__ import annotations

import re

import pytest
from dash import html

from callbacks.gaps_view import summary_text
from geodata.areas.published import PublishedCountsError, published_counts, read_published_counts
from layers import comparison, scorecards
from layers.i18n import counted, plotly_separators
from layers.legend import class_labels
from layers.trend_chart import trend_figure


def _rows(*values: float) -> list[dict]:
    out = []
    for i, value in enumerate(values):
        rank = 1 + sum(1 for other in values if other > value)
        out.append({"code": f"u{i}", "name": f"Unit {i}", "value": value, "rank": rank})
    return out


def test_ranking_bars_carry_their_values_in_the_language_of_the_page() -> None:
    rows = _rows(99.5, 97.34, 96.0)
    vi = comparison.ranking_figure(rows, [], "%", "vi")
    en = comparison.ranking_figure(rows, [], "%", "en")
    assert list(vi.data[0].text) == ["99,5 %", "97,3 %", "96,0 %"]
    assert list(en.data[0].text) == ["99.5 %", "97.3 %", "96.0 %"]
    assert vi.layout.separators == ",." and en.layout.separators == ".,"


def test_ranking_axis_is_fitted_to_the_values_not_0_to_100() -> None:
    figure = comparison.ranking_figure(_rows(99.5, 97.0, 96.0), [], "%", "en")
    low, high = figure.layout.xaxis.range
    assert 90 < low < 96 and 99.5 < high < 102


def test_ranking_of_counts_starts_at_zero_when_zero_is_near() -> None:
    assert comparison.fitted_range([2.0, 9.0], "")[0] == 0.0


def test_tied_units_share_their_rank_and_the_next_rank_skips() -> None:
    figure = comparison.ranking_figure(_rows(9, 9, 8), [], "", "en")
    assert [name.split(" ")[0] for name in figure.data[0].y] == ["1.", "1.", "3."]
    assert comparison.ranking_note(_rows(9, 9, 8), "", "en").startswith("2 units share")
    everyone = comparison.ranking_note(_rows(100, 100, 100), "%", "vi")
    assert everyone == "Cả 3 đơn vị cùng đạt 100,0 %: cùng hạng 1."
    assert comparison.ranking_note(_rows(3, 2, 1), "", "en") == ""
    assert comparison.ranking_note(_rows(9, 9, 8, 8), "", "en").startswith("4 units share")


def test_trend_chart_ticks_use_the_decimal_comma_in_vietnamese() -> None:
    rows = [
        {
            "indicator": "fibre_households",
            "name_vi": "Cáp quang",
            "name_en": "Fibre",
            "pillar": "xa_hoi_so",
            "unit": "%",
            "period": period,
            "value": value,
            "target": None,
        }
        for period, value in (("2023", 97.5), ("2024", 99.5))
    ]
    assert trend_figure(rows, "vi").layout.separators == ",."
    assert trend_figure(rows, "en").layout.separators == ".,"


def test_counts_have_whole_number_classes_without_a_leading_dash() -> None:
    classes = {"scheme": "quantiles", "ranges": [(10.0, 44.8), (44.8, 90.8), (90.8, 94.0)]}
    assert class_labels(classes, "", "en") == ["10–44", "45–90", "91–94"]
    assert not any(label.startswith("–") for label in class_labels(classes, "", "vi"))


def test_no_target_mark_is_not_a_dash_before_a_count() -> None:
    cell = comparison._cell({"value": 94.0, "target": None, "met": None}, "", "", "en")
    assert cell.children[0].children != "–"
    assert cell.children[1].children == "94"


def test_english_counts_agree_with_their_number() -> None:
    assert counted(1, "villages", "en") == "1 village"
    assert counted(3, "villages", "en") == "3 villages"
    assert counted(1, "thôn, ấp", "vi") == "1 thôn, ấp"
    one = [{"shortfall": 2, "shortfall_unit_en": "households"}]
    assert summary_text(one, "village", None, "en").startswith("1 village below target")
    assert summary_text(one * 2, "village", None, "en").startswith("2 villages below target")


def test_plotly_separators_follow_the_language() -> None:
    assert plotly_separators("vi") == ",." and plotly_separators("en") == ".,"


def test_published_counts_are_read_from_the_area_data_not_code() -> None:
    counts = published_counts("2020", "77", "2024")
    assert {k: (v["met"], v["total"]) for k, v in counts.items()} == {
        "chinh_quyen_so": (12, 15),
        "xa_hoi_so": (13, 15),
        "kinh_te_so": (4, 7),
    }
    assert published_counts("2020", "77", "2023") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vintage,code,period,pillar,met,total\n", "f.csv: missing column(s) source_key"),
        (
            "vintage,code,period,pillar,met,total,source_key\n2020,77,2024,x,twelve,15,s\n",
            "f.csv, row 2, column met: 'twelve' is not a whole number",
        ),
        (
            "vintage,code,period,pillar,met,total,source_key\n2020,77,2024,x,16,15,s\n",
            "f.csv, row 2, column met: 16 exceeds total 15",
        ),
    ],
)
def test_a_bad_published_counts_file_is_refused_naming_row_and_column(
    text: str, message: str
) -> None:
    with pytest.raises(PublishedCountsError, match="^" + re.escape(message)):
        read_published_counts(text, "f.csv")


def _texts(component) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)

    walk(component)
    return out


def test_scorecard_shows_published_counts_beside_its_own_each_labelled() -> None:
    pillars = [
        {
            "pillar": "chinh_quyen_so",
            "pillar_vi": "Chính quyền số",
            "pillar_en": "Digital gov",
            "met": 1,
            "with_target": 1,
            "not_met": 0,
            "no_data": 0,
            "no_target": 0,
            "total": 1,
        },
    ]
    card = {
        "unit": {"unit": "77", "name": "Province", "level": "province"},
        "period": "2024",
        "rows": [],
        "pillars": pillars,
        "published": {"chinh_quyen_so": {"met": 12, "total": 15, "source_en": "DIC, 2024"}},
    }
    parts = scorecards.scorecard(card, None, "en")
    text = " ".join(_texts(html.Div(parts)))
    assert "Counted by dxmap from the data on the map" in text
    assert "Officially published (DIC, 2024)" in text
    assert "1/1" in text and "12/15" in text
    without = " ".join(_texts(html.Div(scorecards.scorecard(card | {"published": {}}, None, "en"))))
    assert "Officially published" not in without and "12/15" not in without


def test_the_brief_dates_and_gap_list_read_as_each_language_writes_them() -> None:
    from datetime import date

    from layers.brief import MAX_GAP_ROWS, format_date, gap_table

    assert format_date(date(2026, 12, 1), "vi") == "ngày 01/12/2026"
    assert format_date(date(2026, 12, 1), "en") == "1 December 2026"
    rows = [
        {
            "code": str(i),
            "name": f"Thôn {i}",
            "parent_name": "Xã A",
            "value": 80.26,
            "target": 90.0,
            "shortfall": 1000 + i,
            "shortfall_unit_vi": "hộ",
        }
        for i in range(MAX_GAP_ROWS + 3)
    ]
    table, more = gap_table(rows, "%", "vi")
    body = table.children[1].children
    assert len(body) == MAX_GAP_ROWS
    first = body[0].children
    assert first[0].children == f"Thôn {MAX_GAP_ROWS + 2}"  # the largest shortfall first
    assert [cell.children for cell in first[2:]] == ["80,3 %", "90,0 %", "1.027"]
    assert "3 dòng nữa" in more.children
    assert gap_table([], "%", "en")[0].children == "Nothing below target."
