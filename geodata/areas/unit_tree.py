"""The administrative tree of a vintage for navigation: units, children, villages, old names.

What a unit of one vintage became in another is :func:`geodata.areas.crosswalk.crosswalk_targets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import stored_links
from geodata.areas.text import search_key
from geodata.areas.unit_records import all_units
from geodata.store.models import Unit, VillageParent


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
    village_counts = dict(
        session.execute(
            select(VillageParent.unit_code, func.count(VillageParent.village_code))
            .where(VillageParent.vintage_key == vintage)
            .group_by(VillageParent.unit_code)
        ).all()
    )
    index: dict[str, dict[str, Any]] = {}
    for unit in all_units(session, vintage):
        index[unit.code] = {
            **unit.as_dict(),
            "bounds": unit.bounds,
            "children": [],
            "villages": int(village_counts.get(unit.code, 0)),
        }
    for record in index.values():
        parent_record = index.get(record["parent_code"] or "")
        if parent_record is not None:
            parent_record["children"].append(record["code"])
    return index


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
    links = stored_links(session, to_vintage=vintage).sort_values("from_code", kind="stable")
    links = links[["from_vintage", "from_code", "to_code"]]
    old_names = {
        (v, c): n
        for v, c, n in session.execute(
            select(Unit.vintage_key, Unit.code, Unit.name).where(Unit.vintage_key != vintage)
        ).all()
    }
    for from_vintage, from_code, to_code in links.itertuples(index=False):
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
