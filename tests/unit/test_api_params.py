"""The API's parameter validation: pure, so every rule is checked without a store."""

from __future__ import annotations

import pytest

from app.api.params import (
    BadParameter,
    ViewParams,
    check_parent_level,
    parse_units,
    parse_view,
)
from geodata.areas.manifest import load_area

INDICATORS = {"fibre_households", "community_tech_teams"}
VINTAGES = load_area("brvt").vintages


def _args(**kwargs: str | list[str]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in kwargs.items()}


def test_a_full_view_is_read_as_given() -> None:
    args = _args(
        indicator="fibre_households",
        period="2024",
        vintage="2020",
        level="commune",
        parent="752",
        below_target="true",
    )
    assert parse_view(args, INDICATORS, VINTAGES) == ViewParams(
        "fibre_households", "2024", "2020", "commune", "752", True
    )


@pytest.mark.parametrize(
    ("period", "vintage"), [("2024", "2020"), ("2025-H1", "2025-01"), ("2025", "2025-07")]
)
def test_the_vintage_defaults_to_the_one_in_force_at_the_period_end(
    period: str, vintage: str
) -> None:
    args = _args(indicator="fibre_households", period=period, level="province")
    assert parse_view(args, INDICATORS, VINTAGES).vintage == vintage


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"indicator": ""}, "indicator"),
        ({"indicator": "fibre"}, "indicator"),
        ({"period": "2024-13"}, "period"),
        ({"period": "1999", "vintage": ""}, "period"),  # no vintage covers 1999
        ({"vintage": "2025"}, "vintage"),
        ({"level": "ward"}, "level"),
        ({"vintage": "2025-07", "level": "district"}, "level"),
        ({"parent": "../etc"}, "parent"),
        ({"below_target": "sometimes"}, "below_target"),
        ({"level": ["commune", "district"]}, "level"),
        ({"unit": "752"}, "unit"),
    ],
)
def test_each_bad_parameter_is_named(changes: dict[str, str | list[str]], parameter: str) -> None:
    base: dict[str, str | list[str]] = {
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "level": "commune",
    }
    with pytest.raises(BadParameter) as caught:
        parse_view(_args(**(base | changes)), INDICATORS, VINTAGES)
    assert caught.value.parameter == parameter
    assert caught.value.as_dict()["error"]["parameter"] == parameter


def test_village_level_exists_on_every_vintage_but_districts_end_in_2025_07() -> None:
    assert parse_units(_args(vintage="2025-07", level="village"), VINTAGES).level == "village"
    with pytest.raises(BadParameter):
        parse_units(_args(vintage="2025-07", level="district"), VINTAGES)


@pytest.mark.parametrize(
    ("level", "parent_level", "ok"),
    [
        ("commune", "district", True),
        ("commune", "province", True),
        ("village", "commune", True),
        ("district", "district", False),
        ("district", "commune", False),
    ],
)
def test_a_parent_must_lie_above_the_requested_level(
    level: str, parent_level: str, ok: bool
) -> None:
    if ok:
        check_parent_level(level, "X", parent_level)
    else:
        with pytest.raises(BadParameter, match="parent must be"):
            check_parent_level(level, "X", parent_level)
