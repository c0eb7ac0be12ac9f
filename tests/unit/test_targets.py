from __future__ import annotations

import math

import pandas as pd
import pytest

from geodata.catalogue.targets import TargetRule, apply_targets, is_met, resolve_target


def rule(scope: str, threshold: float, comparator: str = ">=") -> TargetRule:
    return TargetRule("fibre_households", "2024", scope, threshold, comparator)


RULES = [rule("*", 90), rule("755", 70), rule("752", 80), rule("26677", 85)]


def test_wildcard_applies_when_no_scope_matches():
    assert resolve_target(RULES, ["26506", "747", "77"]).threshold == 90


def test_unit_code_wins_over_wildcard():
    assert resolve_target(RULES, ["755", "77"]).threshold == 70


def test_nearest_ancestor_wins():
    # Commune 26677 has its own rule; a sibling commune inherits the district's.
    assert resolve_target(RULES, ["26677", "752", "77"]).threshold == 85
    assert resolve_target(RULES, ["26674", "752", "77"]).threshold == 80
    # A village inherits through its commune.
    assert resolve_target(RULES, ["755-01", "755", "77"]).threshold == 70


def test_no_rule_no_target():
    assert resolve_target([rule("755", 70)], ["26506", "747", "77"]) is None
    assert resolve_target([], ["77"]) is None


@pytest.mark.parametrize(
    ("value", "threshold", "comparator", "expected"),
    [
        (95.0, 95.0, ">=", True),
        (94.99999999999999, 95.0, ">=", True),
        (94.9, 95.0, ">=", False),
        (95.0, 95.0, ">", False),
        (105.0, 100.0, ">=", True),
        (3.0, 5.0, "<=", True),
        (5.0, 5.0, "<", False),
        (None, 95.0, ">=", None),
        (float("nan"), 95.0, ">=", None),
        (95.0, None, ">=", None),
    ],
)
def test_is_met(value, threshold, comparator, expected):
    assert is_met(value, threshold, comparator) is expected


def test_unknown_comparator_is_an_error():
    with pytest.raises(ValueError, match="comparator"):
        is_met(1.0, 2.0, "==")


def test_apply_targets_adds_target_met_and_scope():
    frame = pd.DataFrame({"code": ["755", "26677", "26506"], "value": [72.0, 84.0, None]})
    chains = {"755": ["755", "77"], "26677": ["26677", "752", "77"], "26506": ["26506", "747"]}
    out = apply_targets(frame, RULES, chains)
    assert out["target"].tolist() == [70.0, 85.0, 90.0]
    assert out["met"].tolist() == [True, False, None]
    assert out["target_scope"].tolist() == ["755", "26677", "*"]
    assert out["comparator"].tolist() == [">=", ">=", ">="]


def test_apply_targets_without_rules():
    out = apply_targets(pd.DataFrame({"code": ["1"], "value": [5.0]}), [], {})
    assert math.isnan(out["target"][0]) and out["met"][0] is None
