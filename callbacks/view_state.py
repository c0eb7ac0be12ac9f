"""The one View (indicator, period, vintage, unit, scheme, lang, compare …) and its URL; pure.

A :class:`View` is parsed and validated once — from the URL (:func:`parse_query`), from the
controls (:func:`with_controls`) or strictly (:meth:`View.parse`, errors name the parameter) —
and then passed everywhere as it is. It reads like a mapping (``view["vintage"]``), so the pure
view functions take it or a plain dict alike.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

QUERY_KEYS = ("indicator", "period", "vintage", "unit", "scheme", "lang", "compare", "village")
CODE_KEYS = ("unit", "compare", "village")  # validated against the vintage's units and villages
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
    # vintage, village code -> the unit the village lies in (None: no such village)
    village_unit: Callable[[str, str], str | None] = field(default=lambda vintage, code: None)

    def allowed(self, key: str) -> Sequence[str]:
        """Return the allowed values of one query key (not ``unit`` or ``compare``)."""
        return {
            "indicator": self.indicators,
            "period": self.periods,
            "vintage": self.vintages,
            "scheme": self.schemes,
            "lang": self.langs,
        }[key]


NOTE_KEYS = ("focus", "found_as", "moved_from", "compare_moved")  # one-step notes, not in URLs
FIELDS = (*QUERY_KEYS, *NOTE_KEYS)


class ViewError(ValueError):
    """A view parameter that is missing or not allowed (``parameter`` names it)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True, eq=False)
class View(Mapping[str, Any]):
    """What the page shows: one immutable value, built once per event.

    As a mapping it holds the URL keys and, when set, the notes (``focus`` a gap-register row's
    code and bounds, ``found_as`` a former name searched, ``moved_from`` a unit that changed
    with the vintage).
    """

    indicator: str
    period: str
    vintage: str
    scheme: str
    lang: str
    unit: str | None = None
    compare: tuple[str, ...] | None = None
    village: str | None = None
    focus: Mapping[str, Any] | None = None
    found_as: str | None = None
    moved_from: str | None = None
    compare_moved: Mapping[str, Any] | None = None  # {"kept": new codes, "dropped": old codes}

    def __post_init__(self) -> None:
        if self.compare is not None and not isinstance(self.compare, tuple):
            object.__setattr__(self, "compare", tuple(self.compare) or None)

    def __getitem__(self, key: str) -> Any:
        if key not in FIELDS or (key in NOTE_KEYS and getattr(self, key) is None):
            raise KeyError(key)
        value = getattr(self, key)
        return list(value) if key == "compare" and value is not None else value

    def __iter__(self) -> Iterator[str]:
        return iter([k for k in FIELDS if k not in NOTE_KEYS or getattr(self, k) is not None])

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self) == dict(other)
        return NotImplemented

    __hash__ = object.__hash__

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> View:
        """Return the view of already validated values (a view store's data, a state dict)."""
        return cls(**{key: values.get(key) for key in FIELDS})

    @classmethod
    def parse(cls, values: Mapping[str, Any], choices: Choices) -> View:
        """Return the view of ``values``, raising :class:`ViewError` on the first bad one."""
        for key in ("indicator", "period", "vintage", "scheme", "lang"):
            value = values.get(key)
            if value is None or value == "":
                raise ViewError(key, "is required")
            if value not in choices.allowed(key):
                raise ViewError(key, f"{value!r} is not one of {', '.join(choices.allowed(key))}")
        unit = values.get("unit") or None
        if unit is not None and not choices.unit_exists(values["vintage"], str(unit)):
            raise ViewError("unit", f"{unit!r} is not a unit of vintage {values['vintage']}")
        for code in values.get("compare") or ():
            if not choices.unit_exists(values["vintage"], str(code)):
                raise ViewError("compare", f"{code!r} is not a unit of vintage {values['vintage']}")
        village = values.get("village") or None
        if village is not None:
            parent = choices.village_unit(values["vintage"], str(village))
            if parent is None:
                raise ViewError(
                    "village", f"{village!r} is not a village of vintage {values['vintage']}"
                )
            values = {**values, "unit": parent}
        return cls.of(values)

    def replace(self, **changes: Any) -> View:
        """Return a copy with ``changes`` (the one-step notes are dropped unless given)."""
        notes = {key: None for key in NOTE_KEYS if key != "focus"}
        return dataclasses.replace(self, **{**notes, **changes})

    def to_store(self) -> dict[str, Any]:
        """Return the plain dict kept in the page's view store."""
        return dict(self)

    @property
    def query(self) -> str:
        """Return the URL query of this view."""
        return to_query(self)


def is_root(unit: Mapping[str, Any]) -> bool:
    """Tell whether a unit record is the area's root (it has no parent)."""
    if "parent_code" in unit:
        return not unit["parent_code"]
    return unit.get("level") in ("country", "province")


def default_state(choices: Choices) -> View:
    """Return the view shown for a bare URL."""
    return View.of(
        {key: (None if key in CODE_KEYS else choices.defaults[key]) for key in QUERY_KEYS}
    )


def parse_query(search: str | None, choices: Choices) -> View:
    """Return the view a URL query asks for; unknown or invalid values fall back to defaults."""
    state = dict(default_state(choices))
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
    village = query.get("village")
    if village:  # a village opens its card, on the map of the unit it lies in
        code = village[-1].strip()
        parent = choices.village_unit(state["vintage"], code) if code else None
        if parent is not None:
            state["village"], state["unit"] = code, parent
    return View.of(state)


CAMERA_KEYS = ("z", "lat", "lon")  # the map's zoom and centre: in the URL, never in the View


def parse_camera(search: str | None) -> dict[str, Any] | None:
    """Return the map's zoom and centre a URL asks for (``z``, ``lat``, ``lon``), or ``None``.

    The browser keeps them in the URL as the map moves (``history.replaceState``); the server
    reads them only when a link opens, so that it opens where it was shared. Values out of range
    or not numbers are ignored (the map then fits the view).
    """
    query = parse_qs((search or "").lstrip("?"))
    try:
        zoom, lat, lon = (float(query[key][-1]) for key in CAMERA_KEYS)
    except (KeyError, ValueError):
        return None
    if not (0 <= zoom <= 22 and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return {"center": [lat, lon], "zoom": zoom, "transition": "setView"}


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
    """Return ``state`` with ``code`` selected (``None`` or "" for the whole area).

    Another unit closes the village card (a village belongs to the unit it was opened on).
    """
    village = state.get("village") if (code or None) == state.get("unit") else None
    return {**state, "unit": code or None, "village": village}


def search_target(value: str | None) -> str | None:
    """Return the unit code a search option points to (``"CODE"`` or ``"PARENT~CODE"``)."""
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
