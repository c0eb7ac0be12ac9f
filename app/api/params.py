"""The HTTP API's query parameters, declared once (pydantic); the OpenAPI document follows them.

Each endpoint takes one query model. :func:`parse_query` reads a request's query with it: a
parameter the model does not declare, a repeated one, a missing required one or a malformed
flag is a :class:`geodata.view.ViewError` naming it. What the values mean (an indicator of the
catalogue, a vintage the store holds, a level of that vintage, a parent unit that exists) is
checked afterwards, once, by :meth:`geodata.view.View.parse` and :class:`geodata.view.Choices`.

A field's ``json_schema_extra`` may hold ``CHOICES``: the name of a set of the area's choices
(``levels``, ``vintages``) that the OpenAPI document lists as the parameter's ``enum``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)

from geodata.view import CODE_PATTERN, PERIOD_PATTERN, Choices, View, ViewError, parse_flag

#: The key of ``json_schema_extra`` naming the area's choices a parameter takes.
CHOICES = "x-dxmap-choices"

QueryArgs = Mapping[str, Sequence[str]]


def _flag(value: Any, info: ValidationInfo) -> bool:
    return parse_flag(value, str(info.field_name))


#: ``true``/``false`` (also ``1``/``0``, ``yes``/``no``); absent is false.
Flag = Annotated[bool, BeforeValidator(_flag)]


class Query(BaseModel):
    """The parameters of an endpoint that takes none (anything given is refused)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ViewQuery(Query):
    """The parameters of ``/values`` and ``/geojson``: one view of one indicator."""

    indicator: str = Field(
        description="Indicator key from the catalogue (see `/indicators`).",
        examples=["fibre_households"],
    )
    period: str = Field(
        description="Period key: a year (`2024`), a half-year (`2025-H1`) or a quarter "
        "(`2025-Q3`).",
        examples=["2024"],
        json_schema_extra={"pattern": PERIOD_PATTERN},
    )
    vintage: str | None = Field(
        None,
        description="Boundary vintage to show the values on; default: the vintage in force at "
        "the end of the period. Values of any period can be viewed on a later vintage "
        "(re-aggregated through the crosswalk, never averaged).",
        examples=["2020"],
        json_schema_extra={CHOICES: "vintages"},
    )
    level: str = Field(
        description="Level of the units returned; a vintage without districts (such as "
        "`2025-07`) has no `district` level.",
        examples=["commune"],
        json_schema_extra={CHOICES: "levels"},
    )
    parent: str | None = Field(
        None,
        description="Code of a unit of the vintage above the level: only units inside it. A "
        "unit with no units below it (a district without communes) answers with itself.",
        examples=["747"],
        json_schema_extra={"pattern": CODE_PATTERN},
    )
    below_target: Flag = Field(
        False,
        description="Only units whose target is not met (no data or no target is not below "
        "target).",
        examples=[False],
    )


class UnitsQuery(Query):
    """The parameters of ``/units``: the units of a vintage, of a level, inside a unit."""

    vintage: str = Field(
        description="Boundary vintage.",
        examples=["2020"],
        json_schema_extra={CHOICES: "vintages"},
    )
    level: str | None = Field(
        None,
        description="Only units of this level (default: every unit level; villages only when "
        "asked for).",
        examples=["commune"],
        json_schema_extra={CHOICES: "levels"},
    )
    parent: str | None = Field(
        None,
        description="Code of a unit of the vintage: only units inside it. A unit with no "
        "units below it (a district without communes) answers with itself.",
        examples=["747"],
        json_schema_extra={"pattern": CODE_PATTERN},
    )


def _single(args: QueryArgs, model: type[Query]) -> dict[str, str]:
    """Return one text per given parameter (stripped; empty is absent), refusing the rest."""
    allowed = tuple(model.model_fields)
    values: dict[str, str] = {}
    for name, given in args.items():
        if name not in allowed:
            expected = ", ".join(allowed) if allowed else "no parameters"
            raise ViewError(name, f"unknown parameter {name!r}; this endpoint takes {expected}")
        texts = [text.strip() for text in given if text.strip()]
        if len(texts) > 1:
            raise ViewError(name, f"parameter {name!r} is given {len(texts)} times; give it once")
        if texts:
            values[name] = texts[0]
    return values


def _view_error(error: ValidationError) -> ViewError:
    """Name the first parameter pydantic refused, in the API's words."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else None
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, ViewError):
        return cause
    if first["type"] == "missing":
        return ViewError(name, f"parameter {name!r} is required")
    return ViewError(name, f"{name}: {first['msg']}")


def parse_query(model: type[Query], args: QueryArgs) -> Query:
    """Read a request's query (``request.args.to_dict(flat=False)``) with an endpoint's model.

    Raises
    ------
    ViewError
        Naming an unknown, repeated, missing or malformed parameter.
    """
    values = _single(args, model)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise _view_error(error) from None


def parse_view(args: QueryArgs, choices: Choices) -> View:
    """Return the View an API query asks for: read by :class:`ViewQuery`, checked by ``choices``.

    Raises
    ------
    ViewError
        Naming the first bad parameter (``not_found`` for a parent unit that does not exist).
    """
    return View.parse(parse_query(ViewQuery, args).model_dump(), choices)
