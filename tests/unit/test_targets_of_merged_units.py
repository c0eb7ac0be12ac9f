from __future__ import annotations

import math

import pandas as pd
import pytest

from geodata.areas.manifest import load_area
from geodata.catalogue.targets import TargetRule, apply_rules, resolve_shared, scope_vintage


def rule(scope: str, threshold: float, vintage: str | None = "2020") -> TargetRule:
    return TargetRule(
        "fibre_households",
        "2024",
        scope,
        threshold,
        scope_vintage=None if scope == "*" else vintage,
    )


# 2024 rules, scoped to units of vintage 2020: the island district and two mainland units.
RULES = [rule("*", 90), rule("755", 70), rule("747", 85), rule("26508", 60)]


def test_a_successor_of_one_scoped_unit_takes_its_target():
    # Đặc khu Côn Đảo (2025-07, 26732) succeeds district 755 alone.
    assert resolve_shared(RULES, [["755", "77"]]).threshold == 70


def test_a_predecessor_of_one_scoped_unit_takes_its_target():
    # District 755 (2020) shown with 2025 targets: its only successor is 26732.
    rules_2025 = [rule("*", 95, None), rule("26732", 75, "2025-07")]
    assert resolve_shared(rules_2025, [["26732", "77"]]).threshold == 75


def test_a_merged_unit_takes_a_scoped_target_only_when_all_predecessors_share_it():
    # Phường Vũng Tàu (2025-07, 26506) merges 2020 communes that all lie in district 747.
    all_in_747 = [["26506", "747", "77"], ["26509", "747", "77"], ["26512", "747", "77"]]
    assert resolve_shared(RULES, all_in_747).scope_code == "747"
    # One predecessor has its own, lower target: the merged unit gets the general one.
    with_26508 = [*all_in_747, ["26508", "747", "77"]]
    chosen = resolve_shared(RULES, with_26508)
    assert (chosen.scope_code, chosen.threshold) == ("*", 90)


def test_a_unit_covering_the_island_and_the_mainland_gets_the_general_target():
    province = [["77"], ["755", "77"], ["26506", "747", "77"], ["26560", "750", "77"]]
    assert resolve_shared(RULES, province).threshold == 90


def test_a_unit_no_link_reaches_gets_the_general_target_or_none():
    assert resolve_shared(RULES, []).threshold == 90
    assert resolve_shared([rule("755", 70)], []) is None
    assert resolve_shared([rule("755", 70)], [["755"], ["26506", "747"]]) is None


def test_agreeing_on_no_target_is_no_target():
    assert resolve_shared([rule("755", 70)], [["26506", "747"], ["26509", "747"]]) is None


def test_rows_report_the_scope_and_its_vintage():
    frame = pd.DataFrame({"code": ["26732", "26506", "26700"], "value": [72.0, 95.0, 80.0]})
    resolved = {"26732": RULES[1], "26506": RULES[0], "26700": None}
    out = apply_rules(frame, resolved)
    assert out["target"].tolist()[:2] == [70.0, 90.0] and math.isnan(out["target"][2])
    assert out["met"].tolist() == [True, True, None]
    assert out["target_scope"].tolist() == ["755", "*", None]
    assert out["target_scope_vintage"].tolist() == ["2020", None, None]


@pytest.mark.parametrize(
    ("period", "vintage"),
    [("2024", "2020"), ("2025", "2025-07"), ("2025-H1", "2025-01"), ("2019", None)],
)
def test_scope_codes_name_units_of_the_vintage_in_force_at_the_periods_end(period, vintage):
    assert scope_vintage(period, load_area("brvt").vintages) == vintage
