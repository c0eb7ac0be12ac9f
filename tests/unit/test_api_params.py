"""The API's parameters: declared once (pydantic), read into the one View, documented from there."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate as validate_spec
from pydantic import Field

from app.api.openapi import Operation, build_openapi
from app.api.params import UnitsQuery, ViewQuery, parse_query, parse_view
from geodata.areas.manifest import load_area
from geodata.view import Choices, View, ViewError

UNITS = {"752": "district", "26506": "commune", "77": "province"}
CHOICES = Choices(
    indicators=("fibre_households", "community_tech_teams"),
    vintages=tuple(load_area("brvt").vintages),
    unit_level=lambda vintage, code: UNITS.get(code) if vintage == "2020" else None,
)


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
    assert parse_view(args, CHOICES) == View(
        indicator="fibre_households",
        period="2024",
        vintage="2020",
        level="commune",
        parent="752",
        below_target=True,
    )


@pytest.mark.parametrize(
    ("period", "vintage"), [("2024", "2020"), ("2025-H1", "2025-01"), ("2025", "2025-07")]
)
def test_the_vintage_defaults_to_the_one_in_force_at_the_period_end(
    period: str, vintage: str
) -> None:
    args = _args(indicator="fibre_households", period=period, level="province")
    assert parse_view(args, CHOICES).vintage == vintage


@pytest.mark.parametrize(
    ("changes", "parameter", "message"),
    [
        ({"indicator": ""}, "indicator", "parameter 'indicator' is required"),
        ({"indicator": "fibre"}, "indicator", "unknown indicator 'fibre'"),
        ({"period": "2024-13"}, "period", "period must look like 2024, 2025-H1 or 2025-Q3"),
        ({"period": "1999", "vintage": ""}, "period", "no boundary vintage covers"),
        ({"vintage": "2025"}, "vintage", "unknown vintage '2025'"),
        ({"level": "ward"}, "level", "unknown level 'ward'"),
        ({"vintage": "2025-07", "level": "district"}, "level", "has no district level"),
        ({"parent": "../etc"}, "parent", "parent must be a unit code"),
        ({"parent": "26506"}, "parent", "parent must be a unit above the requested level"),
        ({"below_target": "sometimes"}, "below_target", "below_target must be true or false"),
        ({"level": ["commune", "district"]}, "level", "'level' is given 2 times; give it once"),
        ({"unit": "752"}, "unit", "unknown parameter 'unit'; this endpoint takes indicator"),
    ],
)
def test_each_bad_parameter_is_named(
    changes: dict[str, str | list[str]], parameter: str, message: str
) -> None:
    base: dict[str, str | list[str]] = {
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "level": "commune",
    }
    with pytest.raises(ViewError) as caught:
        parse_view(_args(**(base | changes)), CHOICES)
    assert caught.value.parameter == parameter
    assert message in caught.value.message
    assert caught.value.not_found is False


def test_an_unknown_parent_is_not_found_rather_than_bad() -> None:
    args = _args(indicator="fibre_households", period="2024", level="commune", parent="99999")
    with pytest.raises(ViewError) as caught:
        parse_view(args, CHOICES)
    assert caught.value.parameter == "parent" and caught.value.not_found is True


def test_a_missing_level_is_required_by_the_declared_query() -> None:
    with pytest.raises(ViewError, match="parameter 'level' is required") as caught:
        parse_view(_args(indicator="fibre_households", period="2024"), CHOICES)
    assert caught.value.parameter == "level"


def test_village_level_exists_on_every_vintage_but_districts_end_in_2025_07() -> None:
    query = parse_query(UnitsQuery, _args(vintage="2025-07", level="village"))
    assert CHOICES.level(query.level, CHOICES.vintage(query.vintage)) == "village"
    with pytest.raises(ViewError):
        CHOICES.level("district", "2025-07")


@pytest.mark.parametrize(
    ("level", "parent", "ok"),
    [
        ("commune", "752", True),
        ("commune", "77", True),
        ("village", "26506", True),
        ("district", "752", False),
        ("district", "26506", False),
    ],
)
def test_a_parent_must_lie_above_the_requested_level(level: str, parent: str, ok: bool) -> None:
    if ok:
        assert CHOICES.parent(parent, "2020", level) == parent
    else:
        with pytest.raises(ViewError, match="parent must be"):
            CHOICES.parent(parent, "2020", level)


# --------------------------------------------------------------------------- the document

OPERATIONS = [
    Operation("/units", "units", "Units.", UnitsQuery, None, "Units."),
    Operation("/values", "values", "Values.", ViewQuery, None, "Values.", not_found=True),
]


def _parameters(document: dict[str, Any], path: str) -> dict[str, dict[str, Any]]:
    refs = [p["$ref"].rsplit("/", 1)[1] for p in document["paths"][path]["get"]["parameters"]]
    found = [document["components"]["parameters"][ref] for ref in refs]
    return {p["name"]: p for p in found}


def test_the_documented_parameters_are_the_declared_fields() -> None:
    document = build_openapi(OPERATIONS, choices=CHOICES)
    validate_spec(document)
    for path, model in (("/units", UnitsQuery), ("/values", ViewQuery)):
        parameters = _parameters(document, path)
        assert list(parameters) == list(model.model_fields)
        for name, field in model.model_fields.items():
            assert parameters[name]["required"] is field.is_required()
            assert parameters[name]["description"] == field.description
    values = _parameters(document, "/values")
    assert values["below_target"]["schema"]["type"] == "boolean"
    assert values["period"]["schema"]["pattern"].startswith("^")
    assert "null" not in str(values)  # an absent parameter, not null, says "none"


def test_a_new_parameter_appears_in_the_document_without_any_hand_written_schema() -> None:
    class RankedQuery(ViewQuery):
        """``/values`` with one more parameter."""

        top: int | None = Field(None, description="Only the first units.", examples=[5])

    operation = Operation("/values", "values", "Values.", RankedQuery, None, "Values.")
    document = build_openapi([operation], choices=CHOICES)
    validate_spec(document)
    top = _parameters(document, "/values")["top"]
    assert top == {
        "name": "top",
        "in": "query",
        "required": False,
        "description": "Only the first units.",
        "schema": {"type": "integer"},
        "example": 5,
    }


def test_the_level_and_vintage_enums_are_the_areas_own() -> None:
    national = Choices(indicators=(), vintages=tuple(load_area("vn").vintages))
    brvt = _parameters(build_openapi(OPERATIONS, choices=CHOICES), "/values")
    vn = _parameters(build_openapi(OPERATIONS, choices=national), "/values")
    assert brvt["level"]["schema"]["enum"] == ["province", "district", "commune", "village"]
    assert vn["level"]["schema"]["enum"] == ["country", "province", "commune", "village"]
    assert brvt["vintage"]["schema"]["enum"] == ["2020", "2025-01", "2025-07"]
    assert vn["vintage"]["schema"]["enum"] == ["2025-07"]


def test_examples_may_come_from_the_store() -> None:
    examples = {"vintage": "2025-07", "level": "province", "parent": None}
    values = _parameters(build_openapi(OPERATIONS, examples=examples), "/values")
    assert values["vintage"]["example"] == "2025-07" and values["level"]["example"] == "province"
    assert values["indicator"]["example"] == "fibre_households"  # the declared one
