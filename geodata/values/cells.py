"""The cells of value tables in one form: numbers as floats, flags and missing text as ``None``.

The analysis tables (scorecard, gaps, compare, trends, table view) and the value computation
normalise their cells with these helpers, so that a missing number is NaN in a float column and
a missing flag or text is ``None`` in an object column (what a data grid or JSON expects).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def as_number(value: object) -> float | None:
    """Return ``value`` as a float, or ``None`` for no number (None, NaN, NA, text).

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    float or None
        The number.
    """
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def as_floats(column: pd.Series) -> pd.Series:
    """Return a column as floats (NaN where a cell is missing or not a number).

    Parameters
    ----------
    column : pandas.Series
        Numbers, possibly as objects, with None or NaN.

    Returns
    -------
    pandas.Series
        A float column aligned with ``column``.
    """
    return pd.to_numeric(column, errors="coerce").astype(float)


def nullable(column: pd.Series) -> pd.Series:
    """Return an object column with ``None`` (not NaN) for missing cells.

    Parameters
    ----------
    column : pandas.Series
        Text or codes, possibly with NaN.

    Returns
    -------
    pandas.Series
        An object column aligned with ``column``.
    """
    return column.astype(object).where(column.notna(), None)


def met_flags(column: pd.Series) -> pd.Series:
    """Return whether each target is met as ``True``, ``False`` or ``None`` (cannot tell).

    Parameters
    ----------
    column : pandas.Series
        ``met`` cells: booleans, None or NaN.

    Returns
    -------
    pandas.Series
        An object column aligned with ``column``.
    """
    flags = [None if m is None or pd.isna(m) else bool(m) for m in column]
    return pd.Series(flags, index=column.index, dtype=object)


def not_met(column: pd.Series) -> pd.Series:
    """Tell, for each ``met`` cell, whether its target is definitely not met.

    Parameters
    ----------
    column : pandas.Series
        ``met`` cells: booleans, None or NaN.

    Returns
    -------
    pandas.Series
        A bool column aligned with ``column``: True only for a definite False (no value or no
        target is not "below target").
    """
    return met_flags(column).map(lambda m: m is False).astype(bool)


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
