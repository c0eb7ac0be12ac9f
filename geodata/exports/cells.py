"""Cell values for export files: plain Python scalars, whole numbers as ints, inert text.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return) are prefixed with ``'`` (OWASP, "CSV injection"); numbers stay numbers.
"""

from __future__ import annotations

from typing import Any

from geodata.values.cells import plain, plain_number

__all__ = ["neutralise_cell", "plain", "plain_number", "spreadsheet_cell"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
