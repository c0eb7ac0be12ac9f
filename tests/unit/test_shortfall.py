"""Shortfall arithmetic: what is still missing to reach a target, per indicator kind."""

from __future__ import annotations

import math

import pytest

from geodata.analysis.gaps import shortfall, shortfall_unit


@pytest.mark.parametrize(
    ("numerator", "denominator", "target", "comparator", "expected"),
    [
        (850, 1000, 90, ">=", 50),  # 900 households needed, 850 have it
        (900, 1000, 90, ">=", 0),  # exactly at the target
        (1050, 1000, 90, ">=", 0),  # above 100 % (subscriptions exceed households)
        (6, 7, 95, ">=", 1),  # 6.65 needed: a partial household still needs a whole one
        (55, 100, 55, ">=", 0),  # 55 / 100 * 100 is 55.00000000000001 in floating point
        (7, 50, 14, ">=", 0),  # 14 / 100 * 50 is 7.000000000000001
        (54, 100, 55, ">=", 1),
        (900, 1000, 90, ">", 1),  # strictly above: one more than the threshold
        (899.5, 1000, 90, ">", 1),
        (0, 585, 90, ">=", 527),
    ],
)
def test_ratio_shortfall_counts_numerator_units(
    numerator, denominator, target, comparator, expected
):
    assert shortfall("ratio", numerator, denominator, None, target, comparator) == expected


def test_ratio_without_numerator_and_denominator_cannot_be_counted():
    # A published figure stored on its own (value only) has no households to count.
    assert math.isnan(shortfall("ratio", None, None, 72.99, 80, ">="))
    assert math.isnan(shortfall("ratio", 10, 0, None, 80, ">="))
    assert math.isnan(shortfall("ratio", 10, 20, None, None, ">="))


@pytest.mark.parametrize(
    ("covered", "villages", "target", "expected"),
    [
        (3, 5, 100, 2),  # two villages still uncovered
        (5, 5, 100, 0),
        (0, 1, 100, 1),  # one uncovered village on its own
        (7, 10, 80, 1),
        (8, 10, 80, 0),
    ],
)
def test_share_of_villages_shortfall_counts_villages(covered, villages, target, expected):
    assert shortfall("share_of_villages", covered, villages, None, target, ">=") == expected


@pytest.mark.parametrize(
    ("value", "target", "comparator", "expected"),
    [
        (4, 6, ">=", 2),  # two teams still missing
        (6, 6, ">=", 0),
        (8, 6, ">=", 0),
        (4, 5.5, ">=", 2),
        (6, 6, ">", 1),
        (13, 10, "<=", 3),  # lower is better: the excess to remove
        (10, 10, "<=", 0),
        (10, 10, "<", 1),
        (8, 10, "<", 0),
    ],
)
def test_count_shortfall_is_target_minus_value(value, target, comparator, expected):
    assert shortfall("count", None, None, value, target, comparator) == expected


def test_count_stored_as_numerator_only():
    assert shortfall("count", 3, None, None, 6, ">=") == 3
    assert math.isnan(shortfall("count", None, None, None, 6, ">="))


def test_lower_is_better_ratio_counts_the_excess():
    # e.g. a share of households still without any internet, target at most 10 %
    assert shortfall("ratio", 150, 1000, None, 10, "<=") == 50
    assert shortfall("ratio", 100, 1000, None, 10, "<=") == 0


def test_default_comparator_is_at_least():
    assert shortfall("ratio", 850, 1000, None, 90) == 50
    assert shortfall("ratio", 850, 1000, None, 90, None) == 50


def test_unknown_kind_or_comparator_is_an_error():
    with pytest.raises(ValueError, match="kind"):
        shortfall("average", 1, 2, None, 90, ">=")
    with pytest.raises(ValueError, match="comparator"):
        shortfall("ratio", 1, 2, None, 90, "==")


def test_shortfall_units_come_from_the_catalogue():
    fibre = {
        "kind": "ratio",
        "name_vi": "Hộ gia đình có internet cáp quang băng rộng",
        "name_en": "Households with fibre broadband",
        "numerator_vi": "Thuê bao cáp quang hộ gia đình",
        "numerator_en": "Household fibre subscriptions",
    }
    assert shortfall_unit(fibre) == (
        "Thuê bao cáp quang hộ gia đình",
        "Household fibre subscriptions",
    )
    villages = dict(fibre, kind="share_of_villages")
    assert shortfall_unit(villages) == ("thôn, ấp, khu phố", "villages")
    teams = {
        "kind": "count",
        "name_vi": "Tổ công nghệ số cộng đồng",
        "name_en": "Community digital-technology teams",
        "numerator_vi": "",
        "numerator_en": "",
    }
    assert shortfall_unit(teams) == (
        "Tổ công nghệ số cộng đồng",
        "Community digital-technology teams",
    )
