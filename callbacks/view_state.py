"""The view state (indicator, period, vintage, unit, scheme, lang, compare) and its URL; pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

QUERY_KEYS = ("indicator", "period", "vintage", "unit", "scheme", "lang", "compare")
CODE_KEYS = ("unit", "compare")  # validated against the units of the vintage, not a list
MAX_COMPARE = 12
SCHEMES = ("quantiles", "equal", "jenks", "target")
LANGS = ("vi", "en")


@dataclass(frozen=True)
class Choices:
    """The values each part of the state may take, and the defaults."""

    indicators: Sequence[str]
    periods: Sequence[str]
    vintages: Sequence[str]
    defaults: Mapping[str, str]
    schemes: Sequence[str] = SCHEMES
    langs: Sequence[str] = LANGS
    unit_exists: Callable[[str, str], bool] = field(default=lambda vintage, code: True)

    def allowed(self, key: str) -> Sequence[str]:
        """Return the allowed values of one query key (not ``unit`` or ``compare``)."""
        return {
            "indicator": self.indicators,
            "period": self.periods,
            "vintage": self.vintages,
            "scheme": self.schemes,
            "lang": self.langs,
        }[key]


def is_root(unit: Mapping[str, Any]) -> bool:
    """Tell whether a unit record is the area's root (it has no parent)."""
    if "parent_code" in unit:
        return not unit["parent_code"]
    return unit.get("level") in ("country", "province")


def default_state(choices: Choices) -> dict[str, Any]:
    """Return the view shown for a bare URL."""
    return {key: (None if key in CODE_KEYS else choices.defaults[key]) for key in QUERY_KEYS}


def parse_query(search: str | None, choices: Choices) -> dict[str, Any]:
    """Return the view a URL query asks for; unknown or invalid values fall back to defaults."""
    state = default_state(choices)
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
    for key in QUERY_KEYS:
        values = query.get(key)
        if not values:
            continue
        value = values[-1].strip()
        if key in CODE_KEYS:
            continue
        if value in choices.allowed(key):
            state[key] = value
    units = query.get("unit")
    if units:
        code = units[-1].strip()
        if code and choices.unit_exists(state["vintage"], code):
            state["unit"] = code
    compare = query.get("compare")
    if compare:
        codes = [c for c in split_codes(compare[-1]) if choices.unit_exists(state["vintage"], c)]
        state["compare"] = codes or None
    return state


def split_codes(text: str | None) -> list[str]:
    """Return the distinct unit codes of a comma-separated list (at most ``MAX_COMPARE``)."""
    codes = [code.strip() for code in (text or "").split(",")]
    return list(dict.fromkeys(code for code in codes if code))[:MAX_COMPARE]


def to_query(state: Mapping[str, Any]) -> str:
    """Return the URL query of a view (``?indicator=…&…``; ``unit`` only when one is selected).

    The compared units are one comma-separated value: ``compare=750,751``.
    """
    pairs = [
        (key, ",".join(state[key]) if key == "compare" else state[key])
        for key in QUERY_KEYS
        if state.get(key)
    ]
    return "?" + urlencode(pairs, safe=",")


def with_controls(
    state: Mapping[str, Any], controls: Mapping[str, Any], choices: Choices
) -> dict[str, Any]:
    """Return ``state`` updated by the control values (invalid ones are ignored)."""
    new = dict(state)
    for key in ("indicator", "period", "vintage", "scheme", "lang"):
        value = controls.get(key)
        if value is not None and value in choices.allowed(key):
            new[key] = value
    return new


def with_unit(state: Mapping[str, Any], code: str | None) -> dict[str, Any]:
    """Return ``state`` with ``code`` selected (``None`` or "" for the whole area)."""
    return {**state, "unit": code or None}


def search_target(value: str | None) -> str | None:
    """Return the unit code a search option points to (``"26677"`` or ``"26674~26677"``)."""
    if not value:
        return None
    return str(value).split("~", 1)[0] or None


def clicked_code(click: Mapping[str, Any] | None) -> str | None:
    """Return the unit code of a clicked GeoJSON feature (``clickData`` is the feature)."""
    if not click:
        return None
    props = click.get("properties") or {}
    if props.get("level") == "village":
        return None
    code = props.get("code")
    return str(code) if code else None
