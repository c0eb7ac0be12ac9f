"""The one View (geodata.view): parsed once against the choices; errors name the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from geodata.analysis.classify import DEFAULT_SCHEME
from geodata.analysis.classify import SCHEMES as CLASSIFIER_SCHEMES
from geodata.areas.manifest import load_area
from geodata.view import (
    DEFAULT_LANG,
    PERIOD_PATTERN,
    SCHEMES,
    Choices,
    View,
    ViewError,
    parse_flag,
)
from layers.i18n import DEFAULT_LANG as PAGE_LANG
from layers.i18n import LANGS as PAGE_LANGS

UNITS = {
    "2020": {"77": "province", "747": "district", "752": "district", "755": "district"},
    "2025-07": {"77": "province", "26506": "commune", "26732": "commune"},
}
UNITS["2020"] |= {"26506": "commune", "26677": "commune"}
VILLAGES = {("2020", "26677-01"): "26677", ("2025-07", "26677-01"): "26506"}
CHOICES = Choices(
    indicators=("fibre_households", "community_tech_teams"),
    vintages=tuple(load_area("brvt").vintages),
    unit_level=lambda vintage, code: UNITS.get(vintage, {}).get(code),
    village_unit=lambda vintage, code: VILLAGES.get((vintage, code)),
)
BASE = {"indicator": "fibre_households", "period": "2024", "vintage": "2020", "level": "commune"}


def _parse(**changes: Any) -> View:
    return View.parse({**BASE, **changes}, CHOICES)


def test_a_full_view_is_read_as_given_and_fills_the_map_defaults() -> None:
    view = _parse(parent="752", below_target="true")
    assert view == View(
        indicator="fibre_households",
        period="2024",
        vintage="2020",
        level="commune",
        parent="752",
        below_target=True,
    )
    assert (view.scheme, view.lang, view.compare, view.village) == ("quantiles", "vi", (), None)
    assert view.all_indicators is False


def test_the_view_is_immutable_and_replace_makes_a_new_one() -> None:
    view = _parse()
    with pytest.raises(AttributeError):
        view.parent = "752"  # type: ignore[misc]
    moved = view.replace(parent="752")
    assert moved.parent == "752" and view.parent is None


@pytest.mark.parametrize(
    ("period", "vintage"), [("2024", "2020"), ("2025-H1", "2025-01"), ("2025", "2025-07")]
)
def test_the_vintage_defaults_to_the_one_in_force_at_the_period_end(
    period: str, vintage: str
) -> None:
    values = {"indicator": "fibre_households", "period": period, "level": "province"}
    assert View.parse(values, CHOICES).vintage == vintage


@pytest.mark.parametrize(
    ("changes", "parameter", "message"),
    [
        ({"indicator": ""}, "indicator", "parameter 'indicator' is required"),
        ({"indicator": "fibre"}, "indicator", "unknown indicator 'fibre'; expected one of"),
        ({"all_indicators": True}, "indicator", "either one indicator or all"),
        ({"period": "2024-13"}, "period", "period must look like 2024"),
        ({"period": "1999", "vintage": ""}, "period", "no boundary vintage covers"),
        ({"vintage": "2025"}, "vintage", "unknown vintage '2025'; expected one of 2020"),
        ({"level": "ward"}, "level", "unknown level 'ward'"),
        ({"vintage": "2025-07", "level": "district"}, "level", "vintage 2025-07 has no district"),
        ({"parent": "../etc"}, "parent", "parent must be a unit code"),
        ({"parent": "26506"}, "parent", "it holds no commune-level units"),
        ({"below_target": "sometimes"}, "below_target", "below_target must be true or false"),
        ({"scheme": "rainbow"}, "scheme", "'rainbow' is not one of quantiles"),
        ({"lang": "fr"}, "lang", "'fr' is not one of vi, en"),
        ({"compare": "747,9999"}, "compare", "'9999' is not a unit of vintage 2020"),
        ({"compare": ",".join(str(i) for i in range(13))}, "compare", "at most 12"),
        ({"village": "nope"}, "village", "'nope' is not a village of vintage 2020"),
        ({"unit": "752"}, "unit", "unknown view parameter 'unit'"),
    ],
)
def test_each_bad_parameter_is_named_with_a_clear_message(
    changes: dict[str, Any], parameter: str, message: str
) -> None:
    with pytest.raises(ViewError) as caught:
        _parse(**changes)
    assert caught.value.parameter == parameter
    assert message in str(caught.value) and caught.value.message == str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_an_unknown_unit_is_not_found_and_a_malformed_one_is_bad() -> None:
    with pytest.raises(ViewError) as missing:
        _parse(parent="99999")
    assert missing.value.not_found is True and missing.value.parameter == "parent"
    with pytest.raises(ViewError) as malformed:
        _parse(parent="7 47")
    assert malformed.value.not_found is False


def test_a_unit_of_another_vintage_is_not_found_on_this_one() -> None:
    with pytest.raises(ViewError) as caught:
        _parse(vintage="2025-07", parent="752")
    assert caught.value.not_found and "in vintage 2025-07" in str(caught.value)


def test_villages_are_a_level_of_every_vintage_under_a_commune() -> None:
    assert _parse(level="village", parent="26677").level == "village"
    assert _parse(vintage="2025-07", level="village").level == "village"


def test_a_leaf_district_may_be_the_parent_of_communes() -> None:
    assert _parse(parent="755").parent == "755"  # Côn Đảo: the API answers with itself


def test_every_indicator_is_one_view_without_an_indicator() -> None:
    view = View.parse({**BASE, "indicator": None, "all_indicators": True}, CHOICES)
    assert view.indicator is None and view.all_indicators is True


def test_the_map_parts_compare_and_village() -> None:
    view = _parse(level=None, scheme="target", lang="en", compare=["747", "752", "747"])
    assert view.level is None and view.compare == ("747", "752")
    assert (view.scheme, view.lang) == ("target", "en")
    opened = _parse(level=None, village="26677-01")
    assert opened.village == "26677-01" and opened.parent == "26677"  # the card's commune
    assert _parse(level=None, vintage="2025-07", village="26677-01").parent == "26506"


def test_periods_may_be_restricted_to_those_with_values() -> None:
    choices = Choices(indicators=CHOICES.indicators, vintages=CHOICES.vintages, periods=("2024",))
    assert View.parse({**BASE, "level": None}, choices).period == "2024"
    with pytest.raises(ViewError, match="periods with values: 2024"):
        View.parse({**BASE, "level": None, "period": "2023"}, choices)


def test_as_dict_names_the_parts_as_the_api_and_exports_do() -> None:
    assert _parse(parent="752").as_dict() == {
        "level": "commune",
        "vintage": "2020",
        "period": "2024",
        "indicator": "fibre_households",
        "all_indicators": False,
        "parent": "752",
        "below_target": False,
    }
    assert _parse(compare="747").as_dict(["compare"]) == {"compare": ["747"]}


def test_the_area_levels_are_the_manifest_levels_and_villages() -> None:
    assert CHOICES.area_levels == ("province", "district", "commune", "village")
    national = Choices(indicators=(), vintages=tuple(load_area("vn").vintages))
    assert national.area_levels == ("country", "province", "commune", "village")


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("YES", True), ("0", False)])
def test_flags_read_the_usual_words(text: str, flag: bool) -> None:
    assert parse_flag(text, "below_target") is flag
    assert parse_flag(None, "below_target") is False


def test_the_view_defaults_agree_with_the_classifier_and_the_page() -> None:
    assert SCHEMES == CLASSIFIER_SCHEMES and View.scheme == DEFAULT_SCHEME
    assert DEFAULT_LANG == PAGE_LANG and CHOICES.langs == PAGE_LANGS


@pytest.mark.parametrize("period", ["2024", "2025-H1", "2025-Q3"])
def test_the_documented_period_pattern_is_the_parsers(period: str) -> None:
    import re

    assert re.fullmatch(PERIOD_PATTERN, period)
    assert not re.fullmatch(PERIOD_PATTERN, period + "x")


def test_the_levels_of_an_unknown_vintage_name_the_vintage() -> None:
    with pytest.raises(ViewError) as caught:
        CHOICES.levels_of("2019")
    assert caught.value.parameter == "vintage"
    with pytest.raises(ViewError):
        CHOICES.level("commune", "2019")
