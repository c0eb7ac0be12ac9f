"""Scorecard statuses and per-pillar counts, on small hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geodata.analysis.scorecard import card_status, pillar_summary, score, target_gap


@pytest.mark.parametrize(
    ("value", "target", "comparator", "expected"),
    [
        (92.0, 90.0, ">=", "met"),
        (90.0, 90.0, ">=", "met"),  # exactly at the target
        (89.99999999999999, 90.0, ">=", "met"),  # float noise of a computed percentage
        (89.9, 90.0, ">=", "not_met"),
        (105.0, 90.0, ">=", "met"),  # above 100 % is legal
        (90.0, 90.0, ">", "not_met"),
        (75.0, None, ">=", "no_target"),
        (75.0, math.nan, None, "no_target"),
        (None, 90.0, ">=", "no_data"),
        (math.nan, 90.0, ">=", "no_data"),
        (None, None, None, "no_data"),
        # lower is better: the value must stay at or under the threshold
        (3.0, 5.0, "<=", "met"),
        (5.0, 5.0, "<=", "met"),
        (7.0, 5.0, "<=", "not_met"),
        (5.0, 5.0, "<", "not_met"),
    ],
)
def test_card_status(value, target, comparator, expected):
    assert card_status(value, target, comparator) == expected


def test_gap_is_negative_when_short_in_either_direction():
    assert target_gap(85.0, 90.0, ">=") == pytest.approx(-5.0)
    assert target_gap(95.0, 90.0, ">=") == pytest.approx(5.0)
    assert target_gap(7.0, 5.0, "<=") == pytest.approx(-2.0)
    assert target_gap(3.0, 5.0, "<") == pytest.approx(2.0)
    assert math.isnan(target_gap(None, 90.0, ">="))
    assert math.isnan(target_gap(80.0, None, None))


def card(rows):
    return pd.DataFrame(rows, columns=["key", "pillar", "value", "target", "comparator"])


def test_score_adds_status_and_gap_per_row():
    frame = card(
        [
            ("a", "xa_hoi_so", 95.0, 90.0, ">="),
            ("b", "xa_hoi_so", 80.0, 90.0, ">="),
            ("c", "xa_hoi_so", 12.0, None, None),
            ("d", "xa_hoi_so", None, 90.0, ">="),
            ("e", "kinh_te_so", 2.0, 5.0, "<="),
        ]
    )
    scored = score(frame)
    assert list(scored["status"]) == ["met", "not_met", "no_target", "no_data", "met"]
    assert list(scored["gap"].round(6).fillna(-999)) == [5.0, -10.0, -999, -999, 3.0]
    assert "status" not in frame.columns  # the input is not modified


def test_pillar_summary_counts_met_over_targets():
    # 15 indicators with a target in one pillar, 13 of them met: "13/15".
    rows = [(f"s{i}", "xa_hoi_so", 95.0, 90.0, ">=") for i in range(13)]
    rows += [("s13", "xa_hoi_so", 50.0, 90.0, ">="), ("s14", "xa_hoi_so", 50.0, 90.0, ">=")]
    rows += [("s15", "xa_hoi_so", 400.0, None, None)]  # a count without a target
    rows += [("e1", "kinh_te_so", 1.0, 5.0, "<="), ("e2", "kinh_te_so", 9.0, 5.0, "<=")]
    summary = pillar_summary(score(card(rows))).set_index("pillar")
    society = summary.loc["xa_hoi_so"]
    assert society["label"] == "13/15"
    assert (society["met"], society["not_met"], society["with_target"]) == (13, 2, 15)
    assert (society["no_target"], society["no_data"], society["total"]) == (1, 0, 16)
    assert society["pillar_vi"] == "Xã hội số"
    economy = summary.loc["kinh_te_so"]
    assert economy["label"] == "1/2"  # lower-is-better: 1 <= 5 met, 9 <= 5 not met
    assert "chinh_quyen_so" not in summary.index  # no indicator in that pillar: no row


def test_a_target_without_data_counts_as_a_target_not_met():
    rows = [("a", "chinh_quyen_so", 100.0, 100.0, ">="), ("b", "chinh_quyen_so", None, 80.0, ">=")]
    row = pillar_summary(score(card(rows))).iloc[0]
    assert row["label"] == "1/2"
    assert (row["met"], row["not_met"], row["no_data"], row["with_target"]) == (1, 0, 1, 2)


def test_not_applicable_indicators_are_left_out_of_the_counts():
    frame = score(
        card([("a", "chinh_quyen_so", None, 100.0, ">="), ("b", "xa_hoi_so", 95.0, 90.0, ">=")])
    )
    frame["applicable"] = [False, True]
    summary = pillar_summary(frame).set_index("pillar")
    government = summary.loc["chinh_quyen_so"]
    assert government["label"] == "0/0"
    assert (government["total"], government["not_applicable"]) == (0, 1)
    assert summary.loc["xa_hoi_so", "label"] == "1/1"


def test_pillars_come_in_catalogue_order():
    rows = [
        ("x", "xa_hoi_so", 1.0, 1.0, ">="),
        ("g", "chinh_quyen_so", 1.0, 1.0, ">="),
        ("e", "kinh_te_so", 1.0, 1.0, ">="),
    ]
    assert list(pillar_summary(score(card(rows)))["pillar"]) == [
        "chinh_quyen_so",
        "kinh_te_so",
        "xa_hoi_so",
    ]
