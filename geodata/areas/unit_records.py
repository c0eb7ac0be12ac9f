"""The one reader of the store's units: one query shape, one record type.

Every look-up of units without geometry goes through :func:`stored_units`: one unit
(:func:`find_unit`), every unit of a vintage (:func:`all_units`), the units of a level, and the
units *under* a unit, read through the stored closure
(:class:`~geodata.store.models.UnitAncestor`: one row per unit and unit above it, written with
the roll-ups) so that "the communes of a province" is an indexed read at national scale, not a
walk over every unit. The tree built on them is :mod:`geodata.areas.hierarchy` (values),
:mod:`geodata.areas.unit_tree` (navigation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from geodata.store.geometry import stored_box
from geodata.store.models import Unit, UnitAncestor

#: The columns every unit query reads, in order (no geometry).
UNIT_FIELDS = (
    "code",
    "name",
    "type",
    "level",
    "parent_code",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
)


@dataclass(frozen=True)
class UnitRecord:
    """One unit of one vintage without geometry: the one shape every look-up returns."""

    vintage: str
    code: str
    name: str
    type: str
    level: str
    parent_code: str | None
    bbox: tuple[float, float, float, float] | None

    @property
    def bounds(self) -> list[list[float]] | None:
        """Return the box as Leaflet bounds, ``[[south, west], [north, east]]`` (or ``None``)."""
        if self.bbox is None:
            return None
        west, south, east, north = self.bbox
        return [[south, west], [north, east]]

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready ``code, name, type, level, parent_code, vintage, bbox``.

        Returns
        -------
        dict
            ``bbox`` is ``[min_lon, min_lat, max_lon, max_lat]`` or ``None``.
        """
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "level": self.level,
            "parent_code": self.parent_code,
            "vintage": self.vintage,
            "bbox": None if self.bbox is None else list(self.bbox),
        }


def unit_query(
    vintage: str,
    *,
    codes: Iterable[str] | None = None,
    level: str | None = None,
    under: str | None = None,
) -> Select:
    """Return the one query of units: :data:`UNIT_FIELDS` of a vintage, sorted by code.

    Parameters
    ----------
    vintage : str
        Vintage key.
    codes : iterable of str, optional
        Only these units.
    level : str, optional
        Only units of this level.
    under : str, optional
        Only units below this unit (its children, their children…; not the unit itself), read
        through the stored closure.

    Returns
    -------
    sqlalchemy.Select
        The statement (indexed: the closure's key starts with vintage and ancestor, the units'
        unique key with vintage and code).
    """
    query = select(*(getattr(Unit, name) for name in UNIT_FIELDS)).where(
        Unit.vintage_key == vintage
    )
    if codes is not None:
        query = query.where(Unit.code.in_([str(code) for code in codes]))
    if level is not None:
        query = query.where(Unit.level == level)
    if under is not None:
        # A sub-query, not a join: SQLite then reads the closure's range first and only the
        # units in it (a join made it visit every unit of the vintage: 9 ms, not 0.4 ms, for a
        # province of the country).
        below = select(UnitAncestor.code).where(
            UnitAncestor.vintage_key == vintage, UnitAncestor.ancestor_code == under
        )
        query = query.where(Unit.code.in_(below))
    return query.order_by(Unit.code)


def _record(vintage: str, row: Row) -> UnitRecord:
    code, name, type_, level, parent, *box = row
    return UnitRecord(vintage, code, name, type_ or "", level, parent or None, stored_box(box))


def stored_units(
    session: Session,
    vintage: str,
    *,
    codes: Iterable[str] | None = None,
    level: str | None = None,
    under: str | None = None,
) -> list[UnitRecord]:
    """Return units of a vintage as :class:`UnitRecord`, sorted by code.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    codes : iterable of str, optional
        Only these units.
    level : str, optional
        Only units of this level.
    under : str, optional
        Only units below this unit (not the unit itself), at any depth.

    Returns
    -------
    list of UnitRecord
        Possibly empty.
    """
    query = unit_query(vintage, codes=codes, level=level, under=under)
    return [_record(vintage, row) for row in session.execute(query)]


def has_units_below(session: Session, vintage: str, code: str) -> bool:
    """Tell whether any unit of ``vintage`` lies below ``code`` (one indexed read).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    code : str
        Unit code.

    Returns
    -------
    bool
        False for a leaf (a commune, or a district without communes) and an unknown code.
    """
    query = select(UnitAncestor.code).where(
        UnitAncestor.vintage_key == vintage, UnitAncestor.ancestor_code == code
    )
    return session.scalar(query.limit(1)) is not None


def all_units(session: Session, vintage: str) -> list[UnitRecord]:
    """Return every unit of ``vintage`` (:func:`stored_units` without a filter).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    list of UnitRecord
        Sorted by code; possibly empty.
    """
    return stored_units(session, vintage)


def find_unit(session: Session, vintage: str, code: str | None) -> UnitRecord | None:
    """Return the unit ``code`` of ``vintage``, or ``None`` when there is none.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    code : str or None
        Unit code.

    Returns
    -------
    UnitRecord or None
        The unit.
    """
    if not code:
        return None
    found = stored_units(session, vintage, codes=[str(code)])
    return found[0] if found else None
