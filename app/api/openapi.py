"""The OpenAPI 3.1 document of the HTTP API, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

import copy
from typing import Any

from app.api.openapi_schemas import PARAMETERS, SCHEMAS, ref

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"


def _response(description: str, schema: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": ref(schema)}}}


ERRORS = {
    "400": _response("A parameter is missing or invalid; `error.parameter` names it.", "Error"),
    "404": _response("The parent unit does not exist in the vintage.", "Error"),
}


def _get(
    summary: str,
    ok: dict[str, Any],
    params: list[str],
    errors: bool = True,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in params],
        "responses": {"200": ok, "304": {"description": "Not modified (ETag matched)."}},
    }
    if errors:
        operation["responses"] |= ERRORS
    else:
        operation["responses"]["400"] = ERRORS["400"]
    return {"get": operation}


VIEW = ["indicator", "period", "vintage", "level", "parent", "below_target"]


def _with_vintages(components: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Give the vintage parameters and the vintage schema the stored vintage keys."""
    if not keys:
        return components
    for name in ("vintage", "units_vintage"):
        parameter = components["parameters"][name]
        parameter["schema"]["enum"] = list(keys)
        parameter["example"] = keys[0]
    components["schemas"]["Vintage"]["properties"]["key"]["enum"] = list(keys)
    return components


def build_openapi(
    server_url: str = "/api/v1",
    *,
    area_name: str = "",
    vintage_keys: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Return the OpenAPI document with ``server_url`` as the API's base, for the stored area."""
    paths = {
        "/": _get("Links to every endpoint.", _response("Endpoint links.", "Index"), [], False),
        "/vintages": _get(
            "Boundary vintages"
            + (f" ({', '.join(vintage_keys)})" if vintage_keys else "")
            + " with their levels and unit counts.",
            _response("The vintages, oldest first.", "VintageList"),
            [],
            errors=False,
        ),
        "/indicators": _get(
            "The indicator catalogue with targets and the periods that hold values.",
            _response("The catalogue, in catalogue order.", "IndicatorList"),
            [],
            errors=False,
        ),
        "/units": _get(
            "Units (or villages) of a vintage, optionally of one level inside one unit.",
            _response("Units sorted by code.", "UnitList"),
            ["units_vintage", "units_level", "parent"],
        ),
        "/values": _get(
            "An indicator's values per unit for one period, as the map shows them.",
            _response("One item per unit, sorted by code.", "ValueList"),
            VIEW,
        ),
        "/geojson": _get(
            "The same view as RFC 7946 GeoJSON: exactly the GeoJSON export.",
            _response("A FeatureCollection.", "FeatureCollection", "application/geo+json"),
            VIEW,
        ),
        "/openapi.json": _get(
            "This document.",
            {"description": "OpenAPI 3.1 document.", "content": {"application/json": {}}},
            [],
            errors=False,
        ),
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "dxmap HTTP API",
            "version": API_VERSION,
            "summary": "Digital-transformation coverage"
            + (f" of {area_name}" if area_name else "")
            + ": read-only data.",
            "description": "Read-only JSON and GeoJSON. Every answer carries a weak ETag; send "
            "it back in `If-None-Match` to get 304. Unknown parameters are refused (400). "
            "Values marked `synthetic` are dxmap demo data, never published figures.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": _with_vintages(
            copy.deepcopy({"schemas": SCHEMAS, "parameters": PARAMETERS}), vintage_keys
        ),
    }
