"""A guard in front of Dash's ``/_dash-update-component``: tampered bodies get 400 or 204, not 500.

The browser sends, for each callback, its output key, the ids, properties and values of its
inputs and states, and which of them changed. The guard checks that shape against the app's own
``callback_map`` (a 400 names what is wrong), then checks each value with the validator of its
component property (a value a control cannot hold means "no update": 204). A callback that
still fails on a value from the browser answers 400 and is logged with its traceback; database
errors pass through to the outage handler.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

import dash
from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 512 * 1024
MAX_TEXT = 4096
MAX_ITEMS = 200
MAX_VALUE_BYTES = 64 * 1024
# Exceptions a callback raises on a value it cannot use (a bug with valid values is still logged).
INPUT_ERRORS = (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError)

Validator = Callable[[Any], bool]


class BadBody(ValueError):
    """The body of a callback request does not fit the callback it names."""


def _answer(status: int, message: str) -> Response:
    body = json.dumps({"error": {"status": status, "message": message}})
    return Response(body, status=status, mimetype="application/json")


# -- value validators ---------------------------------------------------------------------------


def text(max_len: int = MAX_TEXT, allow_none: bool = True) -> Validator:
    """Accept a string of at most ``max_len`` characters without control characters."""

    def check(value: Any) -> bool:
        if value is None:
            return allow_none
        return (
            isinstance(value, str)
            and len(value) <= max_len
            and not any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
        )

    return check


def one_of(allowed: Callable[[], Sequence[str]] | Sequence[str]) -> Validator:
    """Accept ``None`` or one of ``allowed`` (a sequence, or a function returning one)."""

    def check(value: Any) -> bool:
        values = allowed() if callable(allowed) else allowed
        return value is None or (isinstance(value, str) and value in values)

    return check


def count(value: Any) -> bool:
    """Accept ``None`` or a click count."""
    return value is None or (type(value) is int and 0 <= value < 2**53)


def mapping(value: Any) -> bool:
    """Accept ``None`` or a JSON object."""
    return value is None or isinstance(value, dict)


def sequence(value: Any) -> bool:
    """Accept ``None`` or a JSON array of at most ``MAX_ITEMS`` items."""
    return value is None or (isinstance(value, list) and len(value) <= MAX_ITEMS)


def texts(max_items: int = MAX_ITEMS, max_len: int = 64) -> Validator:
    """Accept ``None`` or a list of short strings."""
    item = text(max_len, allow_none=False)

    def check(value: Any) -> bool:
        if value is None:
            return True
        return isinstance(value, list) and len(value) <= max_items and all(map(item, value))

    return check


def value(value: Any) -> bool:
    """Accept what a dropdown, radio or checklist holds: a short string, a number or a list."""
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(map(value_scalar, value))
    return value_scalar(value)


def value_scalar(item: Any) -> bool:
    """Accept ``None``, a short string or a finite number."""
    if isinstance(item, float):
        return math.isfinite(item)
    return item is None or isinstance(item, bool | int) or text(256)(item)


def rows(value: Any) -> bool:
    """Accept ``None`` or a list of grid rows (objects)."""
    return sequence(value) and all(isinstance(row, dict) for row in value or ())


def click(value: Any) -> bool:
    """Accept ``None`` or a clicked GeoJSON feature / chart point."""
    if value is None:
        return True
    if not isinstance(value, dict):
        return False
    props = value.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            return False
        code = props.get("code")
        if not (type(code) is int or text(64)(code)) or not text(32)(props.get("level")):
            return False
    points = value.get("points")
    return points is None or (
        isinstance(points, list)
        and len(points) <= MAX_ITEMS
        and all(isinstance(p, dict) and value_scalar(p.get("customdata")) for p in points)
    )


def _bounds(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(
            isinstance(corner, list)
            and len(corner) == 2
            and all(type(c) in (int, float) and math.isfinite(c) for c in corner)
            for corner in value
        )
    )


def view_state(choices: Any, query_keys: Sequence[str], max_compare: int) -> Validator:
    """Accept ``None`` or a view state whose every value is one the page can show."""
    notes = {"found_as", "moved_from"}

    def check(state: Any) -> bool:
        if state is None:
            return True
        if not isinstance(state, dict) or not set(state) <= {*query_keys, *notes, "focus"}:
            return False
        allowed = None if choices is None else (choices() if callable(choices) else choices)
        for key in ("indicator", "period", "vintage", "scheme", "lang"):
            value = state.get(key)
            if choices is None:  # shape only: the callback answers unknown values itself
                if not text(64, allow_none=False)(value):
                    return False
            elif value not in allowed.allowed(key):
                return False
        compare = state.get("compare")
        focus = state.get("focus")
        return (
            text(32)(state.get("unit"))
            and texts(max_compare, 32)(compare)
            and all(text(256)(state.get(note)) for note in notes)
            and (
                focus is None
                or (
                    isinstance(focus, dict)
                    and text(32, allow_none=False)(focus.get("code"))
                    and text(32)(focus.get("level"))
                    and _bounds(focus.get("bounds"))
                )
            )
        )

    return check


# Validators by component property; ``(id, property)`` entries given to the guard come first.
BY_PROPERTY: dict[str, Validator] = {
    "n_clicks": count,
    "search": text(),
    "url": text(),
    "clickData": click,
    "selectedRows": rows,
    "viewport": mapping,
    "hideout": mapping,
    "columnDefs": sequence,
    "dashGridOptions": mapping,
    "value": value,
    "data": mapping,
}


# -- body shape ---------------------------------------------------------------------------------


def _id_matches(declared: str, given: Any) -> bool:
    """Tell whether a sent id fits a declared one (a JSON dict with wildcards for patterns)."""
    if not declared.startswith("{"):
        return given == declared
    if not isinstance(given, dict):
        return False
    pattern = json.loads(declared)
    if set(pattern) != set(given):
        return False
    for key, want in pattern.items():
        got = given[key]
        if isinstance(want, list):  # ALL / MATCH / ALLSMALLER
            if not (isinstance(got, str | int) and not isinstance(got, bool)):
                return False
        elif got != want:
            return False
    return True


def _check_item(declared: Mapping[str, Any], item: Any, where: str) -> list[dict[str, Any]]:
    """Check one sent input/state against its declaration; return its (flattened) items."""
    wildcard = declared["id"].startswith("{") and '["ALL"]' in declared["id"].replace(" ", "")
    items = item if wildcard else [item]
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise BadBody(f"{where}: expected {'a list' if wildcard else 'an object'}")
    for entry in items:
        if not isinstance(entry, dict) or not _id_matches(declared["id"], entry.get("id")):
            raise BadBody(f"{where}: not the component {declared['id']}")
        if entry.get("property") != declared["property"]:
            raise BadBody(f"{where}: not the property {declared['property']}")
    return items


def check_body(body: Any, callback_map: Mapping[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    """Check a callback body's shape; return ``(declared, sent item)`` pairs for the values.

    Raises
    ------
    BadBody
        When the body does not describe a server callback of this app.
    """
    if not isinstance(body, dict):
        raise BadBody("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise BadBody("unknown callback output")
    spec = callback_map[output]
    if "callback" not in spec:
        raise BadBody("not a server callback")
    outputs = body.get("outputs")
    if not isinstance(outputs, dict | list) or (
        isinstance(outputs, list) and not all(isinstance(o, dict | list) for o in outputs)
    ):
        raise BadBody("outputs must be an object or a list")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(
        isinstance(c, str) and len(c) <= 1024 for c in changed
    ):
        raise BadBody("changedPropIds must be a list of strings")
    pairs: list[tuple[dict[str, Any], Any]] = []
    for key in ("inputs", "state"):
        declared = spec.get(key) or []
        sent = body.get(key, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            raise BadBody(f"{key} must list {len(declared)} items")
        for i, (dec, item) in enumerate(zip(declared, sent, strict=True)):
            kind = {**dec, "kind": key}
            pairs += [(kind, entry) for entry in _check_item(dec, item, f"{key}[{i}]")]
    return pairs


def _value_ok(declared: Mapping[str, Any], item: Mapping[str, Any], by_id: Mapping) -> bool:
    ident, prop = declared["id"], declared["property"]
    check = (
        by_id.get((ident, prop, declared.get("kind")))
        or by_id.get((ident, prop))
        or BY_PROPERTY.get(prop)
    )
    raw = item.get("value")
    try:
        if len(json.dumps(raw)) > MAX_VALUE_BYTES:
            return False
    except (TypeError, ValueError):
        return False
    return check is None or bool(check(raw))


def install_callback_guard(
    app: dash.Dash, by_id: Mapping[tuple[str, ...], Validator] | None = None
) -> None:
    """Wrap the callback route of ``app`` with the shape and value checks."""
    server = app.server
    endpoint = app.config.routes_pathname_prefix + "_dash-update-component"
    view = server.view_functions[endpoint]
    validators = dict(by_id or {})

    @wraps(view)  # keeps the name ``dash.dash.dispatch`` that extensions key on
    def guarded() -> Any:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return _answer(413, "callback body too large")
        body = request.get_json(silent=True)
        try:
            pairs = check_body(body, app.callback_map)
        except BadBody as exc:
            return _answer(400, str(exc))
        refused = [dec for dec, item in pairs if not _value_ok(dec, item, validators)]
        if refused:  # a value no control can hold: no update
            log.info("callback input refused: %s.%s", refused[0]["id"], refused[0]["property"])
            return Response(status=204)
        try:
            return view()
        except SQLAlchemyError:
            raise  # the outage handler answers 503
        except INPUT_ERRORS:
            log.warning("callback %s failed on its inputs", body.get("output"), exc_info=True)
            return _answer(400, "the callback cannot use these inputs")

    server.view_functions[endpoint] = guarded
