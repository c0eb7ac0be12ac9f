"""The OpenAPI 3.1 document of the HTTP API, generated from its declared models.

Nothing here describes a parameter or an answer by hand: the endpoints are the
:class:`Operation` records the API factory declares, their parameters are the fields of their
query models (:mod:`app.api.params`) and their answers the schemas of :mod:`app.api.models`,
made by pydantic. The area's own values (its vintages, its levels) and working examples (a
unit, a period with values) come from the store.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from app.api.models import ANSWERS, Error
from app.api.params import CHOICES, Query
from geodata.store.models import LEVELS
from geodata.view import Choices

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
JSON = "application/json"
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    """One ``GET`` endpoint as the API factory declares it (the route and its documentation).

    Attributes
    ----------
    path : str
        Below the API's prefix, e.g. ``/values``.
    name : str
        The Flask endpoint (and the operation's id).
    summary : str
        What it answers.
    query : type
        Its query model (:class:`app.api.params.Query` for none).
    answer : type or None
        The model of its ``200`` answer (``None``: no schema, e.g. this document).
    answered : str
        The ``200`` answer's description.
    media : str
        The ``200`` answer's media type.
    not_found : bool
        Whether a well-formed parameter may name a unit that does not exist (``404``).
    """

    path: str
    name: str
    summary: str
    query: type[Query]
    answer: type[BaseModel] | None
    answered: str
    media: str = JSON
    not_found: bool = False


class _Schemas(GenerateJsonSchema):
    """pydantic's JSON Schema, without a generated title on every field."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(description: str, model: type[BaseModel] | None, media: str = JSON) -> dict[str, Any]:
    content = {media: {"schema": _ref(model)} if model is not None else {}}
    return {"description": description, "content": content}


def _parameter_key(model: type[Query], name: str) -> str:
    return f"{model.__name__}.{name}"


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a query parameter's schema: an absent parameter says "none", never ``null``."""
    options = schema.get("anyOf")
    if options:
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **kept[0]}
    if schema.get("default", ...) is None:
        schema = {k: v for k, v in schema.items() if k != "default"}
    return schema


def _parameters(model: type[Query], examples: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the query parameters of one model, as OpenAPI Parameter objects."""
    schema = model.model_json_schema(schema_generator=_Schemas, ref_template=REF)
    required = set(schema.get("required", ()))
    parameters = {}
    for name, field_schema in schema.get("properties", {}).items():
        field_schema = _without_null(dict(field_schema))
        description = field_schema.pop("description", "")
        declared = field_schema.pop("examples", [None])
        parameter: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "description": description,
            "schema": field_schema,
        }
        example = examples.get(name, declared[0])
        if example is not None:
            parameter["example"] = example
        parameters[_parameter_key(model, name)] = parameter
    return parameters


def _with_choices(node: Any, choices: Mapping[str, Sequence[str]]) -> Any:
    """Replace every ``CHOICES`` marker by the ``enum`` of the area's values it names."""
    if isinstance(node, list):
        return [_with_choices(item, choices) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _with_choices(value, choices) for key, value in node.items() if key != CHOICES}
    values = choices.get(node.get(CHOICES, ""))
    if values:
        out["enum"] = list(values)
    return out


def area_choices(choices: Choices | None) -> dict[str, Sequence[str]]:
    """Return the value sets the document lists: the area's levels and vintages."""
    if choices is None:
        return {"levels": LEVELS}
    return {"levels": choices.area_levels, "vintages": choices.vintage_keys}


def _operation(operation: Operation, examples: Mapping[str, Any]) -> dict[str, Any]:
    parameters = _parameters(operation.query, examples)
    responses = {
        "200": _json(operation.answered, operation.answer, operation.media),
        "304": {"description": "Not modified (ETag matched)."},
        "400": _json("A parameter is missing or invalid; `error.parameter` names it.", Error),
    }
    if operation.not_found:
        responses["404"] = _json("The parent unit does not exist in the vintage.", Error)
    return {
        "get": {
            "operationId": operation.name,
            "summary": operation.summary,
            "parameters": [{"$ref": f"#/components/parameters/{key}"} for key in parameters],
            "responses": responses,
        }
    }


def build_openapi(
    operations: Iterable[Operation],
    server_url: str = "/api/v1",
    *,
    area_name: str = "",
    choices: Choices | None = None,
    examples: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the OpenAPI document of ``operations``, with ``server_url`` as the API's base.

    Parameters
    ----------
    operations : iterable of Operation
        The endpoints, as the API factory declared them.
    server_url : str
        The API's base URL.
    area_name : str
        The stored area's name (in the document's summary).
    choices : geodata.view.Choices, optional
        The store's choices: parameters and fields marked with ``CHOICES`` list the area's
        levels and vintages; without them levels are every level key and vintages are free.
    examples : mapping, optional
        Parameter name → an example that works on this store (default: the declared ones).

    Returns
    -------
    dict
        An OpenAPI 3.1 document (JSON Schema 2020-12 schemas).
    """
    operations = list(operations)
    examples = examples or {}
    _, definitions = models_json_schema(
        [(model, "serialization") for model in ANSWERS],
        ref_template=REF,
        schema_generator=_Schemas,
    )
    parameters: dict[str, Any] = {}
    for operation in operations:
        parameters |= _parameters(operation.query, examples)
    document = {
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
        "paths": {operation.path: _operation(operation, examples) for operation in operations},
        "components": {
            "schemas": copy.deepcopy(definitions.get("$defs", {})),
            "parameters": parameters,
        },
    }
    return _with_choices(document, area_choices(choices))
