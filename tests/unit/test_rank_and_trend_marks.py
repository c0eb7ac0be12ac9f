"""Ranking order, its value labels and the trend's vintage-change marks (pure helpers)."""

from __future__ import annotations

import math

import pandas as pd

from geodata.analysis.compare import cell_column, rank_values
from geodata.analysis.trends import mark_vintage_changes, period_order
from layers.comparison import text_position


def test_higher_is_better_ranks_the_largest_first_and_ties_share_a_rank():
    ranks = rank_values(pd.Series([80.0, 95.0, 95.0, math.nan, 60.0]), "higher")
    assert list(ranks.fillna(-1)) == [3.0, 1.0, 1.0, -1, 4.0]


def test_lower_is_better_ranks_the_smallest_first():
    ranks = rank_values(pd.Series([3.0, 1.0, 2.0]), "lower")
    assert list(ranks) == [3.0, 1.0, 2.0]


def test_matrix_columns_have_no_dots():
    assert cell_column("value", "750") == "value_750"


def test_periods_sort_in_time_order():
    periods = ["2025", "2023", "2025-H1", "2024", "draft"]
    assert sorted(periods, key=period_order) == ["2023", "2024", "2025-H1", "2025", "draft"]


def test_mark_on_the_first_period_of_each_new_vintage_per_indicator():
    frame = pd.DataFrame(
        {
            "indicator": ["a", "a", "a", "a", "b", "b"],
            "period": ["2023", "2024", "2025", "2026", "2024", "2025"],
            "period_vintage": ["2020", "2020", "2025-07", "2025-07", "2020", "2025-07"],
        }
    )
    assert list(mark_vintage_changes(frame)) == [False, False, True, False, False, True]


def test_a_value_label_moves_inside_its_bar_only_when_the_target_mark_is_just_past_it():
    axis = [50.0, 150.0]  # a label is about 16 units wide on this axis
    assert text_position(85.0, 90.0, axis) == "inside"  # the mark is where the label would be
    assert text_position(85.0, 120.0, axis) == "outside"  # far past the end: no clash
    assert text_position(95.0, 90.0, axis) == "outside"  # the mark is inside the bar
    assert text_position(60.0, 65.0, axis) == "outside"  # too short a bar to hold the label
    assert text_position(85.0, None, axis) == "outside"
