"""Checking the stored roll-ups against the raw values (``dxmap rollup --check``).

Every indicator, period, vintage and level is computed again from the raw rows by the reference
computation (:mod:`geodata.values.flat`) and compared with what the store holds: the same units,
the same values (to a relative 1e-9: sums in another order), counts, provenance, sources,
targets and published figures, and the same refusals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from geodata.areas.vintages import stored_vintages
from geodata.rollups.build import _pairs
from geodata.rollups.read import level_values
from geodata.values.flat import unit_values_from_raw

#: The columns compared, besides the value columns.
EXACT = (
    "code",
    "name",
    "level",
    "parent_code",
    "n_children",
    "n_with_data",
    "provenance",
    "source",
    "met",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "published_source",
    "published_note",
    "data_level",
    "data_vintage",
    "above_100",
)
NUMBERS = ("value", "numerator", "denominator", "target", "published_value")
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Difference:
    """One disagreement between the store and the raw values."""

    indicator: str
    period: str
    vintage: str
    level: str
    code: str
    column: str
    stored: object
    computed: object

    def __str__(self) -> str:
        return (
            f"{self.indicator} {self.period} {self.vintage} {self.level} {self.code}: "
            f"{self.column} is {self.stored!r} in the store, {self.computed!r} from the raw values"
        )


def _same_number(a: object, b: object) -> bool:
    fa = math.nan if a is None else float(a)  # type: ignore[arg-type]
    fb = math.nan if b is None else float(b)  # type: ignore[arg-type]
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) and math.isnan(fb)
    return math.isclose(fa, fb, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def compare_frames(
    stored: pd.DataFrame, computed: pd.DataFrame
) -> Iterator[tuple[str, str, object, object]]:
    """Yield ``(code, column, stored, computed)`` for every cell that differs."""
    a = stored.set_index("code", drop=False)
    b = computed.set_index("code", drop=False)
    for code in sorted(set(a.index) ^ set(b.index)):
        yield str(code), "unit", code in a.index, code in b.index
    for code in [c for c in a.index if c in b.index]:
        for column in NUMBERS:
            if not _same_number(_cell(a.at[code, column]), _cell(b.at[code, column])):
                yield str(code), column, _cell(a.at[code, column]), _cell(b.at[code, column])
        for column in EXACT:
            x, y = _cell(a.at[code, column]), _cell(b.at[code, column])
            if x != y:
                yield str(code), column, x, y


def check_rollups(
    session: Session,
    *,
    limit: int = 20,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> list[Difference]:
    """Compare every stored roll-up with the raw values; return the first differences.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store (read only).
    limit : int
        Stop after this many differences.
    pairs : iterable of (indicator, period), optional
        Only these (default: every pair with values or targets).

    Returns
    -------
    list of Difference
        Empty when the roll-ups agree with the raw values.
    """
    found: list[Difference] = []
    for indicator, period in _pairs(session) if pairs is None else sorted(set(pairs)):
        for spec in stored_vintages(session):
            for level in spec.levels:
                for code, column, x, y in _compare(session, indicator, period, spec.key, level):
                    found.append(Difference(indicator, period, spec.key, level, code, column, x, y))
                    if len(found) >= limit:
                        return found
    return found


def _compare(
    session: Session, indicator: str, period: str, vintage: str, level: str
) -> Iterator[tuple[str, str, object, object]]:
    outcomes = []
    for read in (level_values, unit_values_from_raw):
        try:
            outcomes.append(read(session, indicator, period, vintage, level))
        except ValueError as error:
            outcomes.append(error)
    stored, computed = outcomes
    if isinstance(stored, ValueError) or isinstance(computed, ValueError):
        if str(stored) != str(computed):
            yield "*", "refusal", str(stored), str(computed)
        return
    yield from compare_frames(stored, computed)
