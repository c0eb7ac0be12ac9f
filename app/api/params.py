"""Validation of the HTTP API's query parameters: pure functions, no database, no Flask."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from geodata.areas.vintages import VintageSpec, period_bounds, vintage_for_period, vintage_spec

LEVELS = ("country", "province", "district", "commune", "village")
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
VIEW_PARAMETERS = ("indicator", "period", "vintage", "level", "parent", "below_target")
UNITS_PARAMETERS = ("vintage", "level", "parent")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")

QueryArgs = Mapping[str, Sequence[str]]


class ApiError(Exception):
    """An error answered as JSON: ``{"error": {"parameter": ..., "message": ...}}``."""

    status = 400

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON body of the error answer."""
        return {
            "error": {"status": self.status, "parameter": self.parameter, "message": self.message}
        }


class BadParameter(ApiError):
    """A parameter is missing, malformed or not allowed here (400)."""

    status = 400


class NotFound(ApiError):
    """The parameters are well formed but name something that does not exist (404)."""

    status = 404


@dataclass(frozen=True)
class ViewParams:
    """A validated view for ``values`` and ``geojson``."""

    indicator: str
    period: str
    vintage: str
    level: str
    parent: str | None = None
    below_target: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the view as JSON-ready data (parameter names as in the API)."""
        return {
            "indicator": self.indicator,
            "period": self.period,
            "vintage": self.vintage,
            "level": self.level,
            "parent": self.parent,
            "below_target": self.below_target,
        }


@dataclass(frozen=True)
class UnitsParams:
    """Validated parameters of ``units``."""

    vintage: str
    level: str | None = None
    parent: str | None = None


def check_known(args: QueryArgs, allowed: Collection[str]) -> None:
    """Refuse parameters the endpoint does not take (a typo must not be silently ignored)."""
    for name in args:
        if name not in allowed:
            expected = ", ".join(allowed) if allowed else "no parameters"
            raise BadParameter(f"unknown parameter {name!r}; this endpoint takes {expected}", name)


def single(args: QueryArgs, name: str, *, required: bool = False) -> str | None:
    """Return one parameter's value (stripped; empty counts as absent); refuse repeats."""
    values = [v.strip() for v in args.get(name, ()) if v.strip()]
    if len(values) > 1:
        raise BadParameter(f"parameter {name!r} is given {len(values)} times; give it once", name)
    if not values:
        if required:
            raise BadParameter(f"parameter {name!r} is required", name)
        return None
    return values[0]


def parse_vintage(value: str, vintages: Sequence[VintageSpec]) -> str:
    """Check a vintage key against the stored vintages."""
    keys = [v.key for v in vintages]
    if value not in keys:
        raise BadParameter(
            f"unknown vintage {value!r}; expected one of {', '.join(keys)}", "vintage"
        )
    return value


def parse_level(value: str, vintage: str, vintages: Sequence[VintageSpec]) -> str:
    """Check a level key and that the vintage has that level (e.g. no districts from 2025-07)."""
    if value not in LEVELS:
        raise BadParameter(f"unknown level {value!r}; expected one of {', '.join(LEVELS)}", "level")
    available = (*vintage_spec(vintage, vintages).levels, "village")
    if value not in available:
        raise BadParameter(
            f"vintage {vintage} has no {value} level; its levels are {', '.join(available)}",
            "level",
        )
    return value


def parse_period(value: str) -> str:
    """Check a period key (``2024``, ``2025-H1``, ``2025-Q3``)."""
    try:
        period_bounds(value)
    except ValueError as exc:
        raise BadParameter(str(exc), "period") from None
    return value


def parse_code(value: str | None, name: str = "parent") -> str | None:
    """Check the shape of a unit code (existence is the caller's 404)."""
    if value is None:
        return None
    if not _CODE.match(value):
        raise BadParameter(
            f"{name} must be a unit code (letters, digits, '.', '_' or '-', at most 16), "
            f"got {value!r}",
            name,
        )
    return value


def parse_bool(value: str | None, name: str) -> bool:
    """Read ``true/false/1/0/yes/no`` (absent is false)."""
    if value is None:
        return False
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadParameter(f"{name} must be true or false, got {value!r}", name)


def check_parent_level(level: str, parent: str, parent_level: str) -> None:
    """Refuse a parent that is not above the requested level (a commune holds no districts)."""
    if LEVELS.index(parent_level) >= LEVELS.index(level):
        raise BadParameter(
            f"unit {parent} is a {parent_level}; it holds no {level}-level units "
            "(parent must be a unit above the requested level)",
            "parent",
        )


def parse_view(
    args: QueryArgs, indicators: Collection[str], vintages: Sequence[VintageSpec]
) -> ViewParams:
    """Validate the parameters of ``values`` and ``geojson``; vintage defaults to the period's."""
    check_known(args, VIEW_PARAMETERS)
    indicator = single(args, "indicator", required=True) or ""
    if indicator not in indicators:
        known = ", ".join(sorted(indicators)) or "none loaded"
        raise BadParameter(f"unknown indicator {indicator!r}; expected one of {known}", "indicator")
    period = parse_period(single(args, "period", required=True) or "")
    vintage_arg = single(args, "vintage")
    if vintage_arg is None:
        try:
            vintage = vintage_for_period(period, vintages)
        except ValueError as exc:
            raise BadParameter(str(exc), "period") from None
    else:
        vintage = parse_vintage(vintage_arg, vintages)
    level = parse_level(single(args, "level", required=True) or "", vintage, vintages)
    return ViewParams(
        indicator=indicator,
        period=period,
        vintage=vintage,
        level=level,
        parent=parse_code(single(args, "parent")),
        below_target=parse_bool(single(args, "below_target"), "below_target"),
    )


def parse_units(args: QueryArgs, vintages: Sequence[VintageSpec]) -> UnitsParams:
    """Validate the parameters of ``units``."""
    check_known(args, UNITS_PARAMETERS)
    vintage = parse_vintage(single(args, "vintage", required=True) or "", vintages)
    level = single(args, "level")
    return UnitsParams(
        vintage=vintage,
        level=None if level is None else parse_level(level, vintage, vintages),
        parent=parse_code(single(args, "parent")),
    )
