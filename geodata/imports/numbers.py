"""Checking the numbers of an import row by the indicator's kind (count, ratio, share)."""

from __future__ import annotations

import math
import re

from geodata.imports.read import RowProblems
from geodata.store.models import Indicator

# A ratio row may repeat its percentage in ``value``; it must agree with numerator/denominator.
VALUE_TOLERANCE_PP = 0.05
# ASCII digits only: Python's \d and float() would also take full-width digits such as "１２".
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")


def parse_number(raw: str, column: str, problems: RowProblems) -> float | None:
    """Parse a number cell; record a problem and return None when it is not a number."""
    text = raw.strip()
    if not text.isascii():
        problems.add(column, f"not a number: {raw!r} (write numbers in ASCII digits 0-9)")
        return None
    if not _NUMBER.match(text):
        problems.add(
            column,
            f"not a number: {raw!r} (write digits with '.' as the decimal point, "
            "no thousands separators or units)",
        )
        return None
    number = float(text)
    if not math.isfinite(number):
        problems.add(column, f"not a finite number: {raw!r}")
        return None
    if number < 0:
        problems.add(column, f"negative number {raw!r} not allowed")
        return None
    return number


def check_numbers(
    indicator: Indicator,
    level: str | None,
    numbers: dict[str, float | None],
    present: dict[str, bool],
    problems: RowProblems,
) -> float | None:
    """Check a row's numbers against its indicator's kind; return the value to store.

    Parameters
    ----------
    indicator : Indicator
        The row's indicator.
    level : str or None
        The row's level (``village`` or a unit level), when known.
    numbers : dict
        ``numerator``, ``denominator`` and ``value`` as parsed (None: empty or not a number).
    present : dict
        Whether each of those cells was filled in.
    problems : RowProblems
        The row's problems, where those found are added.

    Returns
    -------
    float or None
        The count (count kind) or the percentage ``100 * numerator / denominator`` (ratio and
        share kinds); None when it cannot be computed.
    """
    if indicator.kind == "count":
        return _check_count(indicator, numbers, present, problems)
    return _check_ratio(indicator, level, numbers, present, problems)


def _check_count(
    indicator: Indicator,
    numbers: dict[str, float | None],
    present: dict[str, bool],
    problems: RowProblems,
) -> float | None:
    """Check the numbers of a count row; return the value to store."""
    value = numbers["value"]
    for column in ("numerator", "denominator"):
        if present[column]:
            problems.add(
                column,
                f"wrong kind of value: {indicator.key} is a count; put the "
                "count in 'value' and leave numerator and denominator empty",
            )
    if not present["value"]:
        problems.add(
            "value", f"missing required value: {indicator.key} is a count and needs 'value'"
        )
    elif value is not None and not value.is_integer():
        problems.add("value", f"a count must be a whole number: {value}")
    return value


def _check_ratio(
    indicator: Indicator,
    level: str | None,
    numbers: dict[str, float | None],
    present: dict[str, bool],
    problems: RowProblems,
) -> float | None:
    """Check the numbers of a ratio or share row; return the percentage to store.

    A denominator that is not greater than 0 is reported and treated as missing.
    """
    kind = indicator.kind
    numerator, denominator, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    for column in ("numerator", "denominator"):
        if not present[column]:
            problems.add(
                column,
                f"missing required value: {indicator.key} is a "
                f"{kind.replace('_', ' ')} and needs numerator and denominator",
            )
    if denominator is not None and denominator <= 0:
        problems.add("denominator", "must be greater than 0")
        denominator = None
    if kind == "share_of_villages":
        _check_share(level, numerator, denominator, problems)
    if numerator is None or denominator is None:
        return None
    stored_value = 100.0 * numerator / denominator
    if value is not None and abs(value - stored_value) > VALUE_TOLERANCE_PP:
        problems.add(
            "value",
            f"value {value:g} does not match numerator/denominator "
            f"({stored_value:.2f} %); leave value empty or correct it",
        )
    return stored_value


def _check_share(
    level: str | None,
    numerator: float | None,
    denominator: float | None,
    problems: RowProblems,
) -> None:
    """Check a share of villages: whole numbers, 1 per village row, no more covered than all."""
    for column, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and not number.is_integer():
            problems.add(
                column, f"a share of villages counts villages: whole number expected, got {number}"
            )
    if level == "village" and denominator is not None and denominator != 1:
        problems.add(
            "denominator",
            "a village row of a share of villages has denominator 1 "
            "(numerator 1 = covered, 0 = not covered)",
        )
    if numerator is not None and denominator is not None and numerator > denominator:
        problems.add(
            "numerator", f"more covered villages ({numerator:g}) than villages ({denominator:g})"
        )
