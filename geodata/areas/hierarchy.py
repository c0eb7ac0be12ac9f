"""The units of one stored vintage as a hierarchy, and the stored vintages' order and levels.

:class:`Hierarchy` answers the questions value computation and target resolution ask of a
vintage: a unit's chain of ancestors, its ancestor at a level, the links from units up to a level.
The units are read by :mod:`geodata.areas.unit_records` (the one reader of units); the roots and
the village-parent rows are read here (:func:`root_codes`, :func:`village_parent_links`,
:func:`village_points`) for every module that walks the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from geodata.areas.unit_records import stored_units
from geodata.store.frames import rows_frame
from geodata.store.models import LEVELS, Unit, UnitAncestor, Village, VillageParent, Vintage


def ancestry(parent_of: Mapping[str, str | None], code: str | None) -> list[str]:
    """Return ``code`` and the codes above it, nearest first (pure).

    Parameters
    ----------
    parent_of : mapping of str to str or None
        Unit code → parent code (``None`` or ``""`` for a root).
    code : str or None
        Where to start; ``None`` or ``""`` gives ``[]``.

    Returns
    -------
    list of str
        The walk up the parent links; it stops at a root, at a code ``parent_of`` does not
        know (that code included) or where a cycle would repeat a code.
    """
    chain: list[str] = []
    current = code
    while current and current not in chain:
        chain.append(current)
        current = parent_of.get(current)
    return chain


@dataclass
class Hierarchy:
    """The units of one vintage with their parent chain.

    Attributes
    ----------
    vintage : str
        The vintage key.
    units : pandas.DataFrame
        Indexed by code: ``code, name, type, level, parent_code``.
    """

    vintage: str
    units: pd.DataFrame
    _chains: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._parent = {
            code: parent if isinstance(parent, str) and parent else None
            for code, parent in zip(self.units["code"], self.units["parent_code"], strict=True)
        }
        self._level = dict(zip(self.units["code"], self.units["level"], strict=True))

    def chain(self, code: str) -> list[str]:
        """Return the code and its ancestors' codes, nearest first."""
        if code not in self._chains:
            known = [c for c in ancestry(self._parent, code) if c in self._parent]
            self._chains[code] = known or [code]
        return self._chains[code]

    def ancestor_at(self, code: str, level: str) -> str | None:
        """Return the unit at ``level`` that holds ``code`` (itself included), if any."""
        for candidate in self.chain(code):
            if self._level.get(candidate) == level:
                return candidate
        return None

    def up_links(self, codes: Iterable[str], level: str) -> pd.DataFrame:
        """Links from each code to its ancestor (or itself) at ``level``; codes without one drop."""
        pairs = [(c, self.ancestor_at(c, level)) for c in dict.fromkeys(codes)]
        return pd.DataFrame(
            [(c, a, 1.0) for c, a in pairs if a is not None],
            columns=["code", "parent_code", "weight"],
        )

    def roots(self) -> list[str]:
        """Return the codes of the units without a parent (the area's root), sorted."""
        return sorted(code for code, parent in self._parent.items() if parent is None)

    def top_level(self) -> str | None:
        """Return the level of the root units (``province``, or ``country`` for a country)."""
        roots = self.roots()
        return self._level.get(roots[0]) if roots else None

    def has_children(self, code: str) -> bool:
        """Tell whether any unit has ``code`` as its parent."""
        return code in set(self._parent.values())


def _units(session: Session, vintage: str) -> pd.DataFrame:
    columns = ["code", "name", "type", "level", "parent_code"]
    rows = [[getattr(unit, c) for c in columns] for unit in stored_units(session, vintage)]
    frame = pd.DataFrame(rows, columns=columns)
    frame.index = pd.Index(frame["code"].to_numpy(), name=None)
    return frame


def load_hierarchy(session: Session, vintage: str) -> Hierarchy:
    """Read the units of ``vintage`` from the store.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    Hierarchy
        The vintage's units and their parent chains.

    Raises
    ------
    ValueError
        If no unit of ``vintage`` is loaded.
    """
    units = _units(session, vintage)
    if units.empty:
        raise ValueError(f"no units are loaded for vintage {vintage!r}; run `dxmap init` first")
    return Hierarchy(vintage, units)


def vintage_order(session: Session) -> dict[str, int]:
    """Return each stored vintage's rank in time (0 for the earliest).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.

    Returns
    -------
    dict of str to int
        Vintage key → rank by ``valid_from``.
    """
    rows = session.execute(select(Vintage.key, Vintage.valid_from)).all()
    return {key: rank for rank, (key, _) in enumerate(sorted(rows, key=lambda r: r[1]))}


def check_vintage_level(session: Session, vintage: str, level: str) -> None:
    """Check that ``vintage`` is stored and has unit level ``level``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    level : str
        ``province``, ``district`` or ``commune``.

    Raises
    ------
    ValueError
        On an unknown vintage or level, ``village`` (not a unit level), or a level the vintage
        does not have (``district`` on ``2025-07``).
    """
    row = session.get(Vintage, vintage)
    if row is None:
        known = ", ".join(sorted(vintage_order(session))) or "none loaded"
        raise ValueError(f"unknown vintage {vintage!r}; known vintages: {known}")
    levels = [lv.strip() for lv in (row.levels or "").split(",") if lv.strip()]
    if level == "village":
        raise ValueError("level 'village' is not a unit level; use village_values() for villages")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS[:-1])}")
    if levels and level not in levels:
        raise ValueError(
            f"vintage {vintage!r} has no {level!r} level (its levels are {', '.join(levels)})"
        )


def root_codes(session: Session, vintage: str) -> list[str]:
    """Return the codes of the root units (no parent) of ``vintage``, sorted.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    list of str
        The roots of the area (one per vintage: a province, a former province or the country).
    """
    return list(
        session.scalars(
            select(Unit.code)
            .where(Unit.vintage_key == vintage, Unit.parent_code.is_(None))
            .order_by(Unit.code)
        )
    )


def village_parent_links(session: Session, vintage: str) -> pd.DataFrame:
    """Return links (``code, parent_code, weight``) from villages to their units in ``vintage``."""
    rows = session.execute(
        select(VillageParent.village_code, VillageParent.unit_code).where(
            VillageParent.vintage_key == vintage
        )
    ).all()
    return rows_frame(rows, ["code", "parent_code"]).assign(weight=1.0)


def village_points(
    session: Session, vintage: str, unit_code: str | None = None, *, under: str | None = None
) -> list[Row]:
    """Return the villages with the unit each lies in (in ``vintage``), sorted by code.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        The vintage whose village parents are used.
    unit_code : str, optional
        Only the villages lying directly in this unit.
    under : str, optional
        Only the villages lying in this unit or in any unit below it (read through the stored
        closure, :class:`~geodata.store.models.UnitAncestor`).

    Returns
    -------
    list of sqlalchemy.Row
        ``code, name, unit_code, lon, lat``.
    """
    query = (
        select(Village.code, Village.name, VillageParent.unit_code, Village.lon, Village.lat)
        .join(VillageParent, VillageParent.village_code == Village.code)
        .where(VillageParent.vintage_key == vintage)
    )
    if unit_code is not None:
        query = query.where(VillageParent.unit_code == unit_code)
    if under is not None:
        below = select(UnitAncestor.code).where(
            UnitAncestor.vintage_key == vintage, UnitAncestor.ancestor_code == under
        )
        inside = or_(VillageParent.unit_code == under, VillageParent.unit_code.in_(below))
        query = query.where(inside)
    return list(session.execute(query.order_by(Village.code)))
