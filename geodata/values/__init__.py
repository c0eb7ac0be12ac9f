"""Indicator values: sums of numerators and denominators, rolled up and across vintages.

This package is the arithmetic; the roll-ups kept in the store (:mod:`geodata.rollups`) are
built with it, and every answer reads them (:mod:`geodata.rollups.queries`).
:mod:`geodata.values.flat` computes the same values from the raw rows: the reference the
roll-ups are checked against.
"""

from __future__ import annotations

from geodata.values.aggregate import aggregate, percent, row_values
from geodata.values.cells import as_floats, as_number, met_flags, not_met, nullable
from geodata.values.columns import UNIT_COLUMNS

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
]
