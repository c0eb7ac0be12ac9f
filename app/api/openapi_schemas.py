"""Reusable OpenAPI components of the HTTP API: query parameters and JSON schemas."""

from __future__ import annotations

from typing import Any

from app.api.params import LEVELS
from geodata.values.columns import UNIT_COLUMNS

INDICATOR_KEYS_EXAMPLE = "fibre_households"

_NULL_STR = {"type": ["string", "null"]}
_NULL_NUM = {"type": ["number", "null"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(
    name: str,
    description: str,
    schema: dict[str, Any],
    *,
    required: bool = False,
    example: Any = None,
) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


PARAMETERS: dict[str, dict[str, Any]] = {
    "indicator": _param(
        "indicator",
        "Indicator key from the catalogue (see `/indicators`).",
        {"type": "string"},
        required=True,
        example=INDICATOR_KEYS_EXAMPLE,
    ),
    "period": _param(
        "period",
        "Period key: a year (`2024`), a half-year (`2025-H1`) or a quarter (`2025-Q3`).",
        {"type": "string", "pattern": r"^\d{4}(-(H[12]|Q[1-4]))?$"},
        required=True,
        example="2024",
    ),
    "vintage": _param(
        "vintage",
        "Boundary vintage to show the values on; default: the vintage in force at the end "
        "of the period. Values of any period can be viewed on a later vintage (re-aggregated "
        "through the crosswalk, never averaged).",
        {"type": "string"},
        example="2020",
    ),
    "level": _param(
        "level",
        "Level of the units returned; `district` does not exist on vintage `2025-07`.",
        {"type": "string", "enum": list(LEVELS)},
        required=True,
        example="commune",
    ),
    "parent": _param(
        "parent",
        "Code of a unit of the vintage: only units inside it. A unit with no units below it "
        "(a district without communes) answers with itself.",
        {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,16}$"},
        example="747",
    ),
    "below_target": _param(
        "below_target",
        "Only units whose target is not met (no data or no target is not below target).",
        {"type": "boolean", "default": False},
        example=False,
    ),
    "units_vintage": _param(
        "vintage",
        "Boundary vintage.",
        {"type": "string"},
        required=True,
        example="2020",
    ),
    "units_level": _param(
        "level",
        "Only units of this level (default: every unit level; villages only when asked for).",
        {"type": "string", "enum": list(LEVELS)},
        example="commune",
    ),
}

_ITEM_PROPERTIES: dict[str, Any] = {
    "code": {"type": "string", "description": "GSO unit code or dxmap village code."},
    "name": {"type": "string"},
    "level": {"type": "string", "enum": list(LEVELS)},
    "parent_code": _NULL_STR,
    "vintage": {"type": "string"},
    "period": {"type": "string"},
    "indicator": {"type": "string"},
    "value": {**_NULL_NUM, "description": "Percent for ratio and share kinds, else a count."},
    "numerator": _NULL_NUM,
    "denominator": _NULL_NUM,
    "target": _NULL_NUM,
    "met": {"type": ["boolean", "null"], "description": "null: no value or no target."},
    "provenance": {"type": ["string", "null"], "enum": ["published", "synthetic", None]},
    "source": _NULL_STR,
    "type": _NULL_STR,
    "above_100": {"type": ["boolean", "null"], "description": "A percentage over 100 (legal)."},
    "comparator": {"type": ["string", "null"], "enum": [">=", ">", "<=", "<", None]},
    "target_scope": {
        **_NULL_STR,
        "description": "The unit code (or '*') the target was set for.",
    },
    "target_scope_vintage": {
        **_NULL_STR,
        "description": "The vintage of target_scope's unit (null for '*').",
    },
    "published_value": {
        **_NULL_NUM,
        "description": "A published figure stored for this unit, shown beside the value.",
    },
    "published_source": _NULL_STR,
    "published_note": _NULL_STR,
    "n_children": {"type": ["integer", "null"]},
    "n_with_data": {"type": ["integer", "null"]},
    "data_level": _NULL_STR,
    "data_vintage": _NULL_STR,
    "lon": _NULL_NUM,
    "lat": _NULL_NUM,
    "households": _NULL_NUM,
    "adults": _NULL_NUM,
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "parameter", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "parameter": {**_NULL_STR, "description": "The offending parameter."},
                    "message": {"type": "string"},
                },
            }
        },
    },
    "Index": {
        "type": "object",
        "required": ["name", "version", "endpoints"],
        "properties": {
            "name": {"type": "string"},
            "version": {"type": "string"},
            "endpoints": {"type": "object", "additionalProperties": {"type": "string"}},
            "documentation": {"type": "string", "description": "The readable API page."},
        },
    },
    "Vintage": {
        "type": "object",
        "required": ["key", "name_vi", "name_en", "valid_from", "valid_to", "levels", "units"],
        "properties": {
            "key": {"type": "string"},
            "name_vi": {"type": "string"},
            "name_en": {"type": "string"},
            "valid_from": {"type": "string", "format": "date"},
            "valid_to": {"type": ["string", "null"], "format": "date"},
            "levels": {"type": "array", "items": {"type": "string", "enum": list(LEVELS)}},
            "note": {"type": "string"},
            "units": {"type": "object", "additionalProperties": {"type": "integer"}},
            "villages": {"type": "integer"},
        },
    },
    "Target": {
        "type": "object",
        "required": ["period", "scope", "comparator", "threshold", "is_example"],
        "properties": {
            "period": {"type": "string"},
            "scope": {"type": "string", "description": "`*` (every unit) or a unit code."},
            "comparator": {"type": "string", "enum": [">=", ">", "<=", "<"]},
            "threshold": {"type": "number"},
            "is_example": {"type": "boolean", "description": "An example, not official."},
            "note": {"type": "string"},
        },
    },
    "Indicator": {
        "type": "object",
        "required": ["key", "name_vi", "name_en", "pillar", "unit", "kind", "targets"],
        "properties": {
            "key": {"type": "string"},
            "name_vi": {"type": "string"},
            "name_en": {"type": "string"},
            "pillar": {"type": "string"},
            "unit": {"type": "string"},
            "kind": {"type": "string", "enum": ["ratio", "share_of_villages", "count"]},
            "direction": {"type": "string", "enum": ["higher", "lower"]},
            **{
                f"{part}_{lang}": {"type": "string"}
                for part in ("definition", "numerator", "denominator")
                for lang in ("vi", "en")
            },
            "finest_level": {"type": "string", "enum": list(LEVELS)},
            "sort_order": {"type": "integer"},
            "source": _NULL_STR,
            "periods": {"type": "array", "items": {"type": "string"}},
            "targets": {"type": "array", "items": ref("Target")},
        },
    },
    "Unit": {
        "type": "object",
        "required": ["code", "name", "type", "level", "parent_code", "vintage"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "type": {"type": "string"},
            "level": {"type": "string", "enum": list(LEVELS)},
            "parent_code": _NULL_STR,
            "vintage": {"type": "string"},
            "bbox": {
                "type": ["array", "null"],
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
                "description": "[min_lon, min_lat, max_lon, max_lat] (units).",
            },
            "lon": {"type": "number", "description": "Village point (villages)."},
            "lat": {"type": "number"},
        },
    },
    "ValueItem": {
        "type": "object",
        "required": list(UNIT_COLUMNS),
        "properties": _ITEM_PROPERTIES,
    },
    "FeatureCollection": {
        "type": "object",
        "description": "RFC 7946 GeoJSON, byte for byte the GeoJSON export of the same view.",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4},
            "attribution": {"type": "string"},
            "licence": {"type": "string"},
            "dxmap": {"type": "object", "description": "View, sources, licences, warning."},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "properties", "geometry"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "properties": {"type": "object"},
                        "geometry": {"type": ["object", "null"]},
                    },
                },
            },
        },
    },
}


def _list_of(item: str, **extra: Any) -> dict[str, Any]:
    properties = {**extra, "items": {"type": "array", "items": ref(item)}}
    return {"type": "object", "required": list(properties), "properties": properties}


SCHEMAS["VintageList"] = _list_of("Vintage")
SCHEMAS["IndicatorList"] = _list_of(
    "Indicator",
    pillars={
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {"name_vi": {"type": "string"}, "name_en": {"type": "string"}},
        },
    },
)
SCHEMAS["UnitList"] = _list_of(
    "Unit",
    vintage={"type": "string"},
    level={"type": ["string", "null"]},
    parent=_NULL_STR,
    count={"type": "integer"},
)
SCHEMAS["ValueList"] = _list_of(
    "ValueItem",
    indicator={"type": "string"},
    period={"type": "string"},
    vintage={"type": "string"},
    level={"type": "string"},
    parent=_NULL_STR,
    below_target={"type": "boolean"},
    provenance_summary={
        "type": "object",
        "description": "Items per provenance; `no_data` counts units without a value.",
        "additionalProperties": {"type": "integer"},
    },
    synthetic={"type": "boolean", "description": "True when any item is synthetic demo data."},
    warning=_NULL_STR,
    count={"type": "integer"},
)
