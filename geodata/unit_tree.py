"""The administrative tree of a vintage for navigation: units, children, villages, old names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.models import CrosswalkLink, Unit, VillageParent
from geodata.text import search_key


def units_index(session: Session, vintage: str) -> dict[str, dict[str, Any]]:
    """Return every unit of a vintage (no geometry), keyed by code.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    dict
        Code → ``code, name, type, level, parent_code, bounds`` (``[[south, west], [north,
        east]]`` or ``None``), ``children`` (child unit codes) and ``villages`` (how many
        villages lie directly in the unit).
    """
    rows = session.execute(
        select(
            Unit.code,
            Unit.name,
            Unit.type,
            Unit.level,
            Unit.parent_code,
            Unit.min_lon,
            Unit.min_lat,
            Unit.max_lon,
            Unit.max_lat,
        )
        .where(Unit.vintage_key == vintage)
        .order_by(Unit.code)
    ).all()
    village_counts = dict(
        session.execute(
            select(VillageParent.unit_code, func.count(VillageParent.village_code))
            .where(VillageParent.vintage_key == vintage)
            .group_by(VillageParent.unit_code)
        ).all()
    )
    index: dict[str, dict[str, Any]] = {}
    for code, name, type_, level, parent, x0, y0, x1, y1 in rows:
        index[code] = {
            "code": code,
            "name": name,
            "type": type_,
            "level": level,
            "parent_code": parent,
            "bounds": None if None in (x0, y0, x1, y1) else [[y0, x0], [y1, x1]],
            "children": [],
            "villages": int(village_counts.get(code, 0)),
        }
    for record in index.values():
        parent_record = index.get(record["parent_code"] or "")
        if parent_record is not None:
            parent_record["children"].append(record["code"])
    return index


def crosswalk_targets(session: Session, code: str, from_vintage: str, to_vintage: str) -> set[str]:
    """Return the codes of ``to_vintage`` that a unit of ``from_vintage`` is linked to.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    code, from_vintage, to_vintage : str
        The unit and the two vintages; links stored in either direction are followed.

    Returns
    -------
    set of str
        Linked codes (empty when the crosswalk has no link).
    """
    forward = set(
        session.scalars(
            select(CrosswalkLink.to_code).where(
                CrosswalkLink.from_vintage == from_vintage,
                CrosswalkLink.from_code == code,
                CrosswalkLink.to_vintage == to_vintage,
            )
        )
    )
    if forward:
        return forward
    return set(
        session.scalars(
            select(CrosswalkLink.from_code).where(
                CrosswalkLink.to_vintage == from_vintage,
                CrosswalkLink.to_code == code,
                CrosswalkLink.from_vintage == to_vintage,
            )
        )
    )


def search_entries(
    session: Session, vintage: str, index: Mapping[str, Mapping[str, Any]]
) -> tuple[dict[str, Any], ...]:
    """Return what the search box can find on a vintage: its units and their former names.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        The vintage on screen.
    index : mapping
        :func:`units_index` of ``vintage``.

    Returns
    -------
    tuple of dict
        ``value`` (the unit code, or ``"CODE~OLD_CODE"`` for a former name), ``code``,
        ``name``, ``level``, ``former`` (the old name or ``None``) and ``search`` (accent-free
        name and code, đ → d).
    """
    entries: list[dict[str, Any]] = [
        {
            "value": code,
            "code": code,
            "name": unit["name"],
            "level": unit["level"],
            "former": None,
            "search": f"{search_key(unit['name'])} {code}",
        }
        for code, unit in index.items()
    ]
    seen = {(e["code"], search_key(e["name"])) for e in entries}
    links = session.execute(
        select(CrosswalkLink.from_vintage, CrosswalkLink.from_code, CrosswalkLink.to_code)
        .where(CrosswalkLink.to_vintage == vintage)
        .order_by(CrosswalkLink.from_code)
    ).all()
    old_names = {
        (v, c): n
        for v, c, n in session.execute(
            select(Unit.vintage_key, Unit.code, Unit.name).where(Unit.vintage_key != vintage)
        ).all()
    }
    for from_vintage, from_code, to_code in links:
        old = old_names.get((from_vintage, from_code))
        if old is None or to_code not in index or (to_code, search_key(old)) in seen:
            continue
        seen.add((to_code, search_key(old)))
        entries.append(
            {
                "value": f"{to_code}~{from_code}",
                "code": to_code,
                "name": index[to_code]["name"],
                "level": index[to_code]["level"],
                "former": old,
                "search": f"{search_key(old)} {from_code}",
            }
        )
    return tuple(entries)
