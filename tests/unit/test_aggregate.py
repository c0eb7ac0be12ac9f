from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geodata.areas.links import chain_links
from geodata.values.aggregate import (
    aggregate,
    combine_provenance,
    percent,
    row_values,
)


def obs(rows: list[tuple], columns=("code", "numerator", "denominator", "value", "provenance")):
    frame = pd.DataFrame(rows, columns=list(columns))
    if "source" not in frame.columns:
        frame["source"] = np.where(frame["provenance"] == "synthetic", "dxmap_demo", "article")
    return frame


def links(pairs: list[tuple]) -> pd.DataFrame:
    columns = ["code", "parent_code", "weight"] if len(pairs[0]) == 3 else ["code", "parent_code"]
    return pd.DataFrame(pairs, columns=columns)


def test_ratio_is_sum_of_numerators_over_sum_of_denominators_not_mean_of_rates():
    # Village A: 90/100 = 90 %; village B: 10/1000 = 1 %. Mean of rates 45.5 %, true 9.09 %.
    data = obs([("A", 90, 100, None, "synthetic"), ("B", 10, 1000, None, "synthetic")])
    out = aggregate(data, links([("A", "C1"), ("B", "C1")]), "ratio")
    row = out.loc["C1"]
    assert row["numerator"] == 100
    assert row["denominator"] == 1100
    assert row["value"] == pytest.approx(100 * 100 / 1100)
    assert row["value"] != pytest.approx((90 + 1) / 2)


def test_ratio_above_100_percent_is_kept():
    data = obs([("A", 130, 100, None, "synthetic"), ("B", 80, 100, None, "synthetic")])
    out = aggregate(data, links([("A", "C1"), ("B", "C1")]), "ratio")
    assert out.loc["C1", "value"] == pytest.approx(105.0)


def test_share_of_villages_counts_covered_villages():
    data = obs(
        [
            ("v1", 1, 1, None, "synthetic"),
            ("v2", 0, 1, None, "synthetic"),
            ("v3", 1, 1, None, "synthetic"),
            ("v4", 1, 1, None, "synthetic"),
        ]
    )
    out = aggregate(
        data, links([("v1", "X"), ("v2", "X"), ("v3", "Y"), ("v4", "Y")]), "share_of_villages"
    )
    assert out.loc["X", "value"] == pytest.approx(50.0)
    assert out.loc["Y", "value"] == pytest.approx(100.0)
    assert out.loc["X", "numerator"] == 1 and out.loc["X", "denominator"] == 2


def test_share_of_villages_from_commune_rows_is_not_an_average_of_commune_shares():
    # Commune P: 1 of 2 villages covered (50 %); commune Q: 9 of 10 (90 %).
    # Average of shares 70 %; covered villages / villages = 10/12 = 83.3 %.
    data = obs([("P", 1, 2, None, "synthetic"), ("Q", 9, 10, None, "synthetic")])
    out = aggregate(data, links([("P", "D"), ("Q", "D")]), "share_of_villages")
    assert out.loc["D", "value"] == pytest.approx(100 * 10 / 12)


def test_count_is_summed():
    data = obs(
        [("v1", None, None, 1, "synthetic"), ("v2", None, None, 2, "synthetic")],
    )
    out = aggregate(data, links([("v1", "C"), ("v2", "C")]), "count")
    assert out.loc["C", "value"] == 3
    assert math.isnan(out.loc["C", "numerator"]) and math.isnan(out.loc["C", "denominator"])


def test_weights_scale_numerators_and_denominators_before_summing():
    # A splits 50/50 between X and Y; B goes wholly to Y.
    data = obs([("A", 50, 100, None, "synthetic"), ("B", 10, 100, None, "synthetic")])
    out = aggregate(data, links([("A", "X", 0.5), ("A", "Y", 0.5), ("B", "Y", 1.0)]), "ratio")
    assert out.loc["X", "numerator"] == 25 and out.loc["X", "denominator"] == 50
    assert out.loc["Y", "numerator"] == 35 and out.loc["Y", "denominator"] == 150
    assert out.loc["Y", "value"] == pytest.approx(100 * 35 / 150)


def test_weighted_counts():
    data = obs([("A", None, None, 10, "synthetic")])
    out = aggregate(data, links([("A", "X", 0.3), ("A", "Y", 0.7)]), "count")
    assert out.loc["X", "value"] == pytest.approx(3)
    assert out.loc["Y", "value"] == pytest.approx(7)


def test_parent_without_children_with_data_has_no_value_and_says_so():
    data = obs([("A", 5, 10, None, "synthetic")])
    out = aggregate(data, links([("A", "X"), ("B", "Y"), ("C", "Y")]), "ratio")
    assert out.loc["X", "value"] == pytest.approx(50)
    assert math.isnan(out.loc["Y", "value"])
    assert out.loc["Y", "n_children"] == 2 and out.loc["Y", "n_with_data"] == 0
    assert out.loc["Y", "provenance"] is None


def test_partial_data_is_exposed_through_child_counts():
    data = obs([("A", 5, 10, None, "synthetic"), ("B", None, None, None, "synthetic")])
    out = aggregate(data, links([("A", "X"), ("B", "X"), ("C", "X")]), "ratio")
    assert out.loc["X", "value"] == pytest.approx(50)
    assert out.loc["X", "n_children"] == 3
    assert out.loc["X", "n_with_data"] == 1


def test_zero_denominator_gives_no_value():
    data = obs([("A", 0, 0, None, "synthetic")])
    out = aggregate(data, links([("A", "X")]), "ratio")
    assert math.isnan(out.loc["X", "value"])


def test_provenance_is_synthetic_if_any_input_is_synthetic():
    data = obs(
        [
            ("A", 5, 10, None, "published"),
            ("B", 5, 10, None, "synthetic"),
            ("C", 1, 10, None, "published"),
        ]
    )
    out = aggregate(data, links([("A", "X"), ("B", "X"), ("C", "Y")]), "ratio")
    assert out.loc["X", "provenance"] == "synthetic"
    assert out.loc["X", "source"] == "article;dxmap_demo"
    assert out.loc["Y", "provenance"] == "published"
    assert out.loc["Y", "source"] == "article"


def test_provenance_ignores_children_without_data():
    data = obs([("A", 5, 10, None, "published"), ("B", None, None, None, "synthetic")])
    out = aggregate(data, links([("A", "X"), ("B", "X")]), "ratio")
    assert out.loc["X", "provenance"] == "published"


def test_value_only_published_row_passes_through_when_alone():
    data = obs([("77", None, None, 100.0, "published")])
    out = aggregate(data, links([("77", "77")]), "ratio")
    assert out.loc["77", "value"] == 100.0
    assert out.loc["77", "provenance"] == "published"
    assert out.loc["77", "n_with_data"] == 1
    assert math.isnan(out.loc["77", "numerator"])


def test_value_only_row_is_never_averaged_into_sums():
    data = obs([("A", None, None, 10.0, "published"), ("B", 90, 100, None, "synthetic")])
    out = aggregate(data, links([("A", "X"), ("B", "X")]), "ratio")
    assert out.loc["X", "value"] == pytest.approx(90.0)
    assert out.loc["X", "n_with_data"] == 1
    assert out.loc["X", "provenance"] == "synthetic"


def test_value_only_row_split_by_weight_is_not_passed_through():
    data = obs([("A", None, None, 40.0, "published")])
    out = aggregate(data, links([("A", "X", 0.5), ("A", "Y", 0.5)]), "ratio")
    assert out["value"].isna().all()


def test_duplicate_child_rows_are_rejected():
    data = obs([("A", 1, 2, None, "synthetic"), ("A", 1, 2, None, "synthetic")])
    with pytest.raises(ValueError, match="more than one row"):
        aggregate(data, links([("A", "X")]), "ratio")


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown indicator kind"):
        aggregate(obs([("A", 1, 2, None, "synthetic")]), links([("A", "X")]), "mean")


def test_chain_links_multiplies_weights_and_adds_parallel_paths():
    first = links([("a", "m1", 0.5), ("a", "m2", 0.5), ("b", "m2", 1.0)])
    second = links([("m1", "z", 1.0), ("m2", "z", 1.0), ("m2", "y", 0.0)])
    out = chain_links(first, second).set_index(["code", "parent_code"])["weight"]
    assert out[("a", "z")] == pytest.approx(1.0)
    assert out[("b", "z")] == pytest.approx(1.0)
    assert out[("a", "y")] == pytest.approx(0.0)


def test_crosswalk_then_rollup_equals_direct_rollup():
    data = obs(
        [("c1", 3, 10, None, "synthetic"), ("c2", 7, 20, None, "synthetic")]
        + [("c3", 1, 5, None, "synthetic")]
    )
    walk = links([("c1", "n1"), ("c2", "n1"), ("c3", "n2")])
    to_root = links([("n1", "R"), ("n2", "R")])
    via = aggregate(data, chain_links(walk, to_root), "ratio")
    direct = aggregate(data, links([("c1", "R"), ("c2", "R"), ("c3", "R")]), "ratio")
    assert via.loc["R", "value"] == pytest.approx(direct.loc["R", "value"])
    assert via.loc["R", "value"] == pytest.approx(100 * 11 / 35)


def test_percent_and_row_values():
    frame = pd.DataFrame(
        {"numerator": [1, None, 3], "denominator": [4, None, 0], "value": [None, 24.0, None]}
    )
    assert percent(frame["numerator"], frame["denominator"]).tolist()[0] == 25.0
    values = row_values(frame, "ratio")
    assert values[0] == 25.0 and values[1] == 24.0 and math.isnan(values[2])
    counts = row_values(
        pd.DataFrame({"numerator": [None], "denominator": [None], "value": [6]}), "count"
    )
    assert counts[0] == 6


def test_combine_provenance():
    assert combine_provenance(["published", "published"]) == "published"
    assert combine_provenance(["published", "synthetic"]) == "synthetic"
    assert combine_provenance(["published", "imported-guess"]) == "synthetic"
    assert combine_provenance([None]) is None


def test_provenance_and_sources_per_parent_match_the_row_by_row_rules_on_many_parents():
    """The per-parent provenance and source lists agree with combine_* row by row (random)."""
    from geodata.values.aggregate import combine_sources

    rng = np.random.default_rng(3)
    provenances = ["published", "synthetic", "estimated", "", None]
    sources = ["article", "dxmap_demo", "gso", "", None]
    n = 2000
    data = pd.DataFrame(
        {
            "code": [f"v{i}" for i in range(n)],
            "numerator": rng.integers(0, 50, n).astype(float),
            "denominator": np.full(n, 50.0),
            "value": np.nan,
            "provenance": rng.choice(np.array(provenances, dtype=object), n),
            "source": rng.choice(np.array(sources, dtype=object), n),
        }
    )
    parents = [f"p{int(i)}" for i in rng.integers(0, 300, n)]
    out = aggregate(data, links(list(zip(data["code"], parents, strict=True))), "ratio")
    for parent, rows in data.groupby(pd.Series(parents, index=data.index)):
        assert out.loc[parent, "provenance"] == combine_provenance(rows["provenance"]), parent
        assert out.loc[parent, "source"] == combine_sources(rows["source"]), parent
