"""JSON for the HTTP API: clean values (no NaN), value items, provenance summaries."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask import Response

from geodata.exports.cells import plain, plain_number
from geodata.exports.rows import NUMERIC_COLUMNS
from geodata.values.columns import UNIT_COLUMNS

JSON = "application/json"
ITEM_FIELDS = UNIT_COLUMNS
ITEM_EXTRAS = (
    "type",
    "above_100",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "published_value",
    "published_source",
    "published_note",
    "n_children",
    "n_with_data",
    "data_level",
    "data_vintage",
    "lon",
    "lat",
    "households",
    "adults",
)


def json_response(payload: Any, status: int = 200, mimetype: str = JSON) -> Response:
    """Serialise ``payload`` as UTF-8 JSON (NaN is refused: callers clean with :func:`plain`)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode("utf-8"), status=status, mimetype=mimetype)


def _cell(column: str, value: Any) -> Any:
    # Numbers as the GeoJSON export writes them: a whole number is an int (98697, not 98697.0).
    return plain_number(value) if column in NUMERIC_COLUMNS else plain(value)


def items_of(frame: Any) -> list[dict[str, Any]]:
    """Turn a values frame into API items: the contract columns, then the known extras.

    Counts are whole numbers (the export rows' count columns), and so are the numbers of
    ``value``, ``numerator``, ``denominator`` and ``target`` when whole, as in the GeoJSON
    export of the same view.
    """
    columns = [*ITEM_FIELDS, *(c for c in ITEM_EXTRAS if c in frame.columns)]
    records = frame.reindex(columns=columns).to_dict(orient="records")
    return [{key: _cell(key, value) for key, value in record.items()} for record in records]


def provenance_summary(items: list[dict[str, Any]]) -> dict[str, int]:
    """Count items per provenance (``no_data`` for units without a value)."""
    counts = Counter(
        item["provenance"] if item["value"] is not None and item["provenance"] else "no_data"
        for item in items
    )
    return {key: counts.get(key, 0) for key in ("published", "synthetic", "no_data")} | dict(counts)
