from __future__ import annotations

import importlib
import math

import pytest

from geodata.analysis.classify import MET, NOT_MET, assign_classes, classify

classify_module = importlib.import_module("geodata.analysis.classify")

DISTRICTS = {
    "747": 122.9,
    "748": 120.5,
    "750": 85.3,
    "751": 84.5,
    "752": 99.0,
    "753": 93.7,
    "754": 113.0,
    "755": 79.3,
}


@pytest.mark.parametrize("scheme", ["quantiles", "equal", "jenks"])
def test_every_value_lands_in_exactly_one_class_and_counts_add_up(scheme: str) -> None:
    result = classify(DISTRICTS, scheme, k=5)
    assert len(result.breaks) == 5
    assert sum(result.counts) == len(DISTRICTS)
    assert result.no_data == 0
    for code, value in DISTRICTS.items():
        lower, upper = result.ranges()[result.classes[code]]
        assert lower <= value <= upper


def test_quantiles_put_the_same_number_of_units_in_each_class_when_they_can() -> None:
    values = {str(i): float(i) for i in range(10)}
    assert classify(values, "quantiles", k=5).counts == (2, 2, 2, 2, 2)


def test_equal_interval_breaks_are_evenly_spaced() -> None:
    values = {"a": 0.0, "b": 10.0, "c": 60.0, "d": 99.0, "e": 100.0}
    result = classify(values, "equal", k=4)
    assert result.breaks == pytest.approx((25.0, 50.0, 75.0, 100.0))
    assert result.classes == {"a": 0, "b": 0, "c": 2, "d": 3, "e": 3}
    assert result.counts == (2, 0, 1, 2)


def test_jenks_separates_natural_groups() -> None:
    values = {"a": 1.0, "b": 1.1, "c": 1.2, "d": 50.0, "e": 51.0, "f": 99.0, "g": 100.0}
    result = classify(values, "jenks", k=3)
    assert result.classes["a"] == result.classes["c"] == 0
    assert result.classes["d"] == result.classes["e"] == 1
    assert result.classes["f"] == result.classes["g"] == 2


def test_jenks_breaks_are_cached() -> None:
    classify_module._breaks.cache_clear()
    classify(DISTRICTS, "jenks")
    classify(dict(reversed(list(DISTRICTS.items()))), "jenks")  # same values, other order
    info = classify_module._breaks.cache_info()
    assert (info.hits, info.misses) == (1, 1)


def test_missing_and_nan_values_are_no_data_not_zero() -> None:
    values = {**DISTRICTS, "x": None, "y": math.nan}
    result = classify(values, "quantiles")
    assert result.classes["x"] is None and result.classes["y"] is None
    assert result.no_data == 2
    assert sum(result.counts) == len(DISTRICTS)
    assert result.minimum == 79.3


def test_fewer_distinct_values_than_classes_gives_fewer_classes() -> None:
    result = classify({"a": 100.0, "b": 100.0, "c": 100.0}, "quantiles", k=5)
    assert result.breaks == (100.0,)
    assert result.counts == (3,)
    assert result.ranges() == [(100.0, 100.0)]


def test_nothing_to_classify_is_all_no_data() -> None:
    result = classify({"a": None, "b": None}, "jenks")
    assert result.breaks == () and result.counts == () and result.no_data == 2


def test_against_target_uses_the_verdicts_and_ignores_values_scale() -> None:
    met = {"747": True, "748": True, "750": False, "755": None}
    result = classify(DISTRICTS, "target", met=met)
    assert result.classes["747"] == MET and result.classes["750"] == NOT_MET
    assert result.classes["755"] is None  # no target: no verdict
    assert result.classes["751"] is None  # not in the verdicts
    assert result.counts == (1, 2)
    assert result.no_data == 5
    assert result.breaks == () and result.ranges() == []


def test_against_target_without_a_value_is_no_data_even_with_a_verdict() -> None:
    result = classify({"a": None}, "target", met={"a": False})
    assert result.classes == {"a": None} and result.no_data == 1


def test_values_beyond_the_breaks_get_the_end_classes() -> None:
    breaks = (10.0, 20.0, 30.0)
    assert assign_classes({"low": -5.0, "top": 31.0, "edge": 20.0, "none": None}, breaks) == {
        "low": 0,
        "top": 2,
        "edge": 1,
        "none": None,
    }


@pytest.mark.parametrize(("scheme", "k"), [("nonsense", 5), ("quantiles", 0)])
def test_bad_arguments_are_refused(scheme: str, k: int) -> None:
    with pytest.raises(ValueError):
        classify(DISTRICTS, scheme, k=k)


@pytest.mark.parametrize("scheme", ["quantiles", "equal", "jenks"])
def test_an_uncovered_village_never_shares_a_class_with_covered_ones(scheme: str) -> None:
    values = {f"v{i}": 100.0 for i in range(9)} | {"gap": 0.0}
    result = classify(values, scheme, 5)
    assert result.classes["gap"] != result.classes["v0"]
    assert {result.classes[f"v{i}"] for i in range(9)} == {result.classes["v0"]}
