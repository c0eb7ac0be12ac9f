"""Indicator values: sums of numerators and denominators, rolled up and across vintages."""

from __future__ import annotations

from geodata.values.aggregate import aggregate, percent, row_values
from geodata.values.cells import as_floats, as_number, met_flags, not_met, nullable
from geodata.values.columns import UNIT_COLUMNS
from geodata.values.queries import unit_values, village_values

__all__ = [
    "UNIT_COLUMNS",
    "aggregate",
    "as_floats",
    "as_number",
    "met_flags",
    "not_met",
    "nullable",
    "percent",
    "row_values",
    "unit_values",
    "village_values",
]
