"""Cell values for export files: plain Python scalars, whole numbers as ints, inert text.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return) are prefixed with ``'`` (OWASP, "CSV injection"); numbers stay numbers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """Return a JSON/XLSX-ready Python value: NaN/NA → None, numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return None
        return number
    return value


def plain_number(value: Any) -> int | float | None:
    """Return a number as an int when whole (below 2**53), else a float; None for anything else."""
    number = plain(value)
    if number is None or isinstance(number, bool) or not isinstance(number, int | float):
        return None
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else number


def neutralise_cell(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet (OWASP CSV injection); leave numbers alone.

    Parameters
    ----------
    value : Any
        A cell value.

    Returns
    -------
    Any
        ``"'" + value`` when ``value`` is text starting with ``=``, ``+``, ``-``, ``@``, tab or
        carriage return; otherwise ``value`` unchanged (numbers, including negative ones, stay
        numbers).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_cell(value: Any) -> Any:
    """Return a CSV/XLSX cell: numbers as numbers, text neutralised, no data as None."""
    cell = plain(value)
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        return plain_number(cell)
    return neutralise_cell(str(cell))
