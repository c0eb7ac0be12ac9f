"""Boundary vintages and periods: which structure is in force when."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.models import Vintage


@dataclass(frozen=True)
class VintageSpec:
    """A boundary vintage as dxmap knows it."""

    key: str
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None
    levels: tuple[str, ...]
    note: str


#: A period key: a year, a half-year or a quarter (``2024``, ``2025-H1``, ``2025-Q3``).
PERIOD_KEY = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]))?$")


def period_bounds(period: str) -> tuple[date, date]:
    """Return the first and last day of a period key (``2024``, ``2025-H1``, ``2025-Q3``).

    Raises
    ------
    ValueError
        If the key is not a year, a half-year or a quarter.
    """
    match = PERIOD_KEY.match(period or "")
    if not match:
        raise ValueError(f"period must look like 2024, 2025-H1 or 2025-Q3, got {period!r}")
    year = int(match.group(1))
    part = match.group(2)
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if part.startswith("H"):
        half = int(part[1])
        return (
            (date(year, 1, 1), date(year, 6, 30))
            if half == 1
            else (
                date(year, 7, 1),
                date(year, 12, 31),
            )
        )
    quarter = int(part[1])
    start_month = 3 * (quarter - 1) + 1
    end_month = start_month + 2
    end_day = 31 if end_month in (3, 12) else 30
    return date(year, start_month, 1), date(year, end_month, end_day)


def vintage_for_period(period: str, vintages: Sequence[VintageSpec]) -> str:
    """Return the key of the vintage in force on the last day of ``period``.

    A year that spans a boundary change (2025) belongs to the structure in force at its end,
    so ``2025`` → ``2025-07`` and ``2025-H1`` → ``2025-01`` for an area with those vintages.

    Parameters
    ----------
    period : str
        A period key.
    vintages : sequence of VintageSpec
        The area's vintages (:func:`stored_vintages`, or an area manifest's).

    Raises
    ------
    ValueError
        If the period is malformed or no vintage covers it.
    """
    specs = tuple(vintages)
    _, end = period_bounds(period)
    for spec in specs:
        if spec.valid_from <= end and (spec.valid_to is None or end <= spec.valid_to):
            return spec.key
    earliest = min((spec.valid_from for spec in specs), default=None)
    raise ValueError(
        f"no boundary vintage covers period {period!r}"
        + (f" (the earliest starts {earliest.isoformat()})" if earliest else "")
    )


def stored_vintages(session: Session) -> tuple[VintageSpec, ...]:
    """Return the vintages stored by ``dxmap init``, oldest first.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on the store.

    Returns
    -------
    tuple of VintageSpec
        What the area manifest declared, as stored; empty for an empty store.
    """
    rows = session.scalars(select(Vintage).order_by(Vintage.valid_from)).all()
    return tuple(
        VintageSpec(
            key=row.key,
            name_vi=row.name_vi,
            name_en=row.name_en,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            levels=tuple(level for level in row.levels.split(",") if level),
            note=row.note or "",
        )
        for row in rows
    )


def vintage_spec(key: str, vintages: Sequence[VintageSpec]) -> VintageSpec:
    """Return the vintage with ``key`` among ``vintages``.

    Raises
    ------
    KeyError
        Naming the valid keys.
    """
    for spec in vintages:
        if spec.key == key:
            return spec
    known = ", ".join(v.key for v in vintages) or "none loaded (run `dxmap init`)"
    raise KeyError(f"unknown vintage {key!r}; expected one of {known}")
