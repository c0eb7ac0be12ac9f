"""What an export shows: a view of the map, its parameters checked against the store.

A view is what the map shows: a level of one boundary vintage (optionally the children of one
unit), one period, one indicator or all of them, optionally only the units that miss their target.
A bad parameter is an :class:`ExportError` that names it (for an API's 400 answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import period_bounds, stored_vintages
from geodata.catalogue.indicators import catalogue_indicators
from geodata.store.models import LEVELS, Unit


class ExportError(ValueError):
    """A view parameter is not valid; ``parameter`` names it (for an API's 400 answer).

    Parameters
    ----------
    parameter : str
        The offending parameter (``fmt``, ``level``, ``vintage``, ``period``, ``indicator``,
        ``parent_code``, ``crs``), or ``view`` when the combination cannot be computed (unit
        data cannot be carried back to an earlier vintage).
    message : str
        What is wrong.
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


@dataclass(frozen=True)
class ExportView:
    """A validated view: what to export.

    Attributes
    ----------
    level, vintage, period : str
        Level, vintage and period keys.
    indicators : tuple of str
        Indicator keys, in catalogue order.
    all_indicators : bool
        True when every indicator was asked for.
    parent_code : str or None
        Only the children of this unit.
    below_target : bool
        Only rows whose target is not met.
    """

    level: str
    vintage: str
    period: str
    indicators: tuple[str, ...]
    all_indicators: bool
    parent_code: str | None
    below_target: bool

    def as_dict(self) -> dict[str, Any]:
        """Return the view as plain JSON-ready data."""
        return {
            "level": self.level,
            "vintage": self.vintage,
            "period": self.period,
            "indicator": None if self.all_indicators else self.indicators[0],
            "all_indicators": self.all_indicators,
            "parent_code": self.parent_code,
            "below_target": self.below_target,
        }


# --------------------------------------------------------------------------- the view


def resolve_view(
    session: Session,
    *,
    level: str,
    vintage: str,
    period: str,
    indicator: str | None = None,
    all_indicators: bool = False,
    parent_code: str | None = None,
    below_target: bool = False,
) -> ExportView:
    """Check a view's parameters against the store and return it.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    level, vintage, period : str
        Level (``province``, ``district``, ``commune``, ``village``), vintage and period keys.
    indicator : str, optional
        One indicator key (give this or ``all_indicators``).
    all_indicators : bool
        Every indicator of the catalogue.
    parent_code : str, optional
        Only the children of this unit of ``vintage``.
    below_target : bool
        Only rows that miss their target.

    Returns
    -------
    ExportView
        The validated view.

    Raises
    ------
    ExportError
        Naming the first bad parameter.
    """
    vintages = {spec.key: spec for spec in stored_vintages(session)}
    if vintage not in vintages:
        raise ExportError(
            "vintage", f"unknown vintage {vintage!r}; expected one of {', '.join(vintages)}"
        )
    if level not in LEVELS:
        raise ExportError("level", f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    available = (*vintages[vintage].levels, "village")
    if level not in available:
        raise ExportError(
            "level",
            f"vintage {vintage} has no {level} level; it has {', '.join(available)}",
        )
    try:
        period_bounds(period)
    except ValueError as exc:
        raise ExportError("period", str(exc)) from None
    if bool(indicator) == bool(all_indicators):
        raise ExportError("indicator", "give either one indicator or all indicators")
    keys = [entry.key for entry in catalogue_indicators(session)]
    if indicator and indicator not in keys:
        raise ExportError(
            "indicator", f"unknown indicator {indicator!r}; expected one of {', '.join(keys)}"
        )
    if parent_code:
        found = session.scalar(
            select(Unit.code).where(Unit.vintage_key == vintage, Unit.code == str(parent_code))
        )
        if found is None:
            raise ExportError(
                "parent_code", f"no unit with code {parent_code!r} in vintage {vintage}"
            )
    return ExportView(
        level=level,
        vintage=vintage,
        period=str(period),
        indicators=tuple(keys) if all_indicators else (str(indicator),),
        all_indicators=bool(all_indicators),
        parent_code=str(parent_code) if parent_code else None,
        below_target=bool(below_target),
    )
