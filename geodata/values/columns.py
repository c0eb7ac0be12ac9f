"""The columns of the value tables (:mod:`geodata.rollups.queries`), relied on by exports, API."""

from __future__ import annotations

from geodata.catalogue.indicators import INDICATOR_LABEL_FIELDS

#: What a row says about its value, in units and villages alike.
VALUE_COLUMNS = ("value", "numerator", "denominator", "target", "met", "provenance", "source")
#: The columns every unit table starts with (exports and the API rely on these names).
UNIT_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "vintage",
    "period",
    "indicator",
    *VALUE_COLUMNS,
)
UNIT_EXTRA_COLUMNS = (
    "type",
    "n_children",
    "n_with_data",
    "above_100",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "published_value",
    "published_source",
    "published_note",
    "data_level",
    "data_vintage",
)
#: Columns that count things (units, villages, households, people): whole numbers.
COUNT_COLUMNS = ("n_children", "n_with_data", "households", "adults")
VILLAGE_COLUMNS = ("code", "name", "lon", "lat", "households", "adults", *VALUE_COLUMNS)
VILLAGE_EXTRA_COLUMNS = (
    "parent_code",
    "level",
    "vintage",
    "period",
    "indicator",
    "above_100",
    "comparator",
    "target_scope",
    "target_scope_vintage",
)
#: The catalogue fields that :func:`geodata.rollups.queries.province_values` adds to each row.
INDICATOR_COLUMNS = (*INDICATOR_LABEL_FIELDS[1:], "sort_order")
