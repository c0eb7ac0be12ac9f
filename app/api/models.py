"""The HTTP API's answers, declared once (pydantic): the OpenAPI document's schemas come from here.

The endpoints build their answers from the store's listings and export rows; these models say
what those answers hold (``tests/integration/test_api.py`` validates every answer against the
generated schemas). A field whose ``json_schema_extra`` names ``CHOICES`` lists the area's own
values (its levels, its vintages) in the document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.params import CHOICES

NullableText = str | None
NullableNumber = float | None
Comparator = Literal[">=", ">", "<=", "<"]
Provenance = Literal["published", "synthetic"]
AREA_LEVEL = {CHOICES: "levels"}
AREA_VINTAGE = {CHOICES: "vintages"}


class Answer(BaseModel):
    """An answer of the API (its schema is in the OpenAPI document)."""

    model_config = ConfigDict(frozen=True)


class ErrorDetail(Answer):
    """What went wrong."""

    status: int
    parameter: NullableText = Field(description="The offending parameter.")
    message: str


class Error(Answer):
    """An error answer: ``error.parameter`` names the parameter at fault."""

    error: ErrorDetail


class Index(Answer):
    """Links to every endpoint."""

    name: str
    version: str
    endpoints: dict[str, str]
    documentation: str | None = Field(None, description="The readable API page.")


class Vintage(Answer):
    """A boundary vintage: its dates, levels and loaded units."""

    key: str = Field(json_schema_extra=AREA_VINTAGE)
    name_vi: str
    name_en: str
    valid_from: str = Field(json_schema_extra={"format": "date"})
    valid_to: NullableText = Field(json_schema_extra={"format": "date"})
    levels: list[Annotated[str, Field(json_schema_extra=AREA_LEVEL)]]
    note: str = ""
    units: dict[str, int] = Field(description="Loaded units per level.")
    villages: int = 0


class Target(Answer):
    """A target: the threshold a unit's value is compared with."""

    period: str
    scope: str = Field(description="`*` (every unit) or a unit code.")
    comparator: Comparator
    threshold: float
    is_example: bool = Field(description="An example, not official.")
    note: str = ""


class Pillar(Answer):
    """A pillar of the catalogue."""

    name_vi: str
    name_en: str


class Indicator(Answer):
    """An indicator of the catalogue, its targets and the periods that hold values."""

    key: str
    name_vi: str
    name_en: str
    pillar: str
    unit: str
    kind: Literal["ratio", "share_of_villages", "count"]
    direction: Literal["higher", "lower"] = "higher"
    definition_vi: str = ""
    definition_en: str = ""
    numerator_vi: str = ""
    numerator_en: str = ""
    denominator_vi: str = ""
    denominator_en: str = ""
    finest_level: Literal["country", "province", "district", "commune", "village"] = "village"
    sort_order: int = 0
    source: NullableText = None
    periods: list[str] = []
    targets: list[Target]


class Unit(Answer):
    """A unit (or a village) of a vintage."""

    code: str
    name: str
    type: str
    level: str = Field(json_schema_extra=AREA_LEVEL)
    parent_code: NullableText
    vintage: str
    bbox: list[float] | None = Field(
        None,
        min_length=4,
        max_length=4,
        description="[min_lon, min_lat, max_lon, max_lat] (units).",
    )
    lon: float | None = Field(None, description="Village point (villages).")
    lat: float | None = None


class ValueItem(Answer):
    """One unit's value, as the map shows it: the exported table's columns, then extras."""

    code: str = Field(description="GSO unit code or dxmap village code.")
    name: str
    level: str = Field(json_schema_extra=AREA_LEVEL)
    parent_code: NullableText
    vintage: str
    period: str
    indicator: str
    value: NullableNumber = Field(description="Percent for ratio and share kinds, else a count.")
    numerator: NullableNumber
    denominator: NullableNumber
    target: NullableNumber
    met: bool | None = Field(description="null: no value or no target.")
    provenance: Provenance | None
    source: NullableText
    type: NullableText = None
    above_100: bool | None = Field(None, description="A percentage over 100 (legal).")
    comparator: Comparator | None = None
    target_scope: NullableText = Field(
        None, description="The unit code (or '*') the target was set for."
    )
    target_scope_vintage: NullableText = Field(
        None, description="The vintage of target_scope's unit (null for '*')."
    )
    published_value: NullableNumber = Field(
        None, description="A published figure stored for this unit, shown beside the value."
    )
    published_source: NullableText = None
    published_note: NullableText = None
    n_children: int | None = Field(None, description="Finest-level rows linked to the unit.")
    n_with_data: int | None = Field(None, description="Of those, the rows with a value.")
    data_level: NullableText = None
    data_vintage: NullableText = None
    lon: NullableNumber = None
    lat: NullableNumber = None
    households: int | None = Field(None, description="Households of a village.")
    adults: int | None = Field(None, description="Adults of a village.")


class Feature(Answer):
    """A GeoJSON Feature."""

    type: Literal["Feature"]
    properties: dict[str, Any]
    geometry: dict[str, Any] | None


class FeatureCollection(Answer):
    """RFC 7946 GeoJSON, byte for byte the GeoJSON export of the same view."""

    type: Literal["FeatureCollection"]
    bbox: list[float] | None = Field(None, min_length=4)
    attribution: str | None = None
    licence: str | None = None
    dxmap: dict[str, Any] | None = Field(None, description="View, sources, licences, warning.")
    features: list[Feature]


class VintageList(Answer):
    """The vintages, oldest first."""

    items: list[Vintage]


class IndicatorList(Answer):
    """The catalogue, in catalogue order, with its pillars."""

    pillars: dict[str, Pillar]
    items: list[Indicator]


class UnitList(Answer):
    """Units sorted by code."""

    vintage: str
    level: NullableText
    parent: NullableText
    count: int
    items: list[Unit]


class ValueList(Answer):
    """One item per unit, sorted by code, and what the view was."""

    indicator: str
    period: str
    vintage: str
    level: str = Field(json_schema_extra=AREA_LEVEL)
    parent: NullableText
    below_target: bool
    provenance_summary: dict[str, int] = Field(
        description="Items per provenance; `no_data` counts units without a value."
    )
    synthetic: bool = Field(description="True when any item is synthetic demo data.")
    warning: NullableText
    count: int
    items: list[ValueItem]


#: Every answer's model, by the name its schema has in the OpenAPI document.
ANSWERS: tuple[type[Answer], ...] = (
    Error,
    Index,
    VintageList,
    IndicatorList,
    UnitList,
    ValueList,
    FeatureCollection,
)
