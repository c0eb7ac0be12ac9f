"""Walking the stored crosswalk: from units of one vintage to those of another.

The links themselves are built from the crosswalk file when boundaries are loaded
(:mod:`geodata.boundaries.crosswalk`); this module only reads them: the stored links, the (possibly
composed) path from one vintage to a later one, what a unit became in another vintage, the units of
another vintage a unit shares ground with, and the former names of a unit.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import Hierarchy, vintage_order
from geodata.areas.links import chain_links
from geodata.store.models import CrosswalkLink, Unit


def stored_links(
    session: Session, from_vintage: str | None = None, to_vintage: str | None = None
) -> pd.DataFrame:
    """Return the stored crosswalk links, optionally only those between two vintages.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    from_vintage, to_vintage : str, optional
        Only the links from units of this vintage, or to units of that one.

    Returns
    -------
    pandas.DataFrame
        ``from_vintage, from_code, to_vintage, to_code, weight``.
    """
    query = select(
        CrosswalkLink.from_vintage,
        CrosswalkLink.from_code,
        CrosswalkLink.to_vintage,
        CrosswalkLink.to_code,
        CrosswalkLink.weight,
    )
    if from_vintage is not None:
        query = query.where(CrosswalkLink.from_vintage == from_vintage)
    if to_vintage is not None:
        query = query.where(CrosswalkLink.to_vintage == to_vintage)
    return pd.DataFrame(
        session.execute(query).all(),
        columns=["from_vintage", "from_code", "to_vintage", "to_code", "weight"],
    )


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
    forward = stored_links(session, from_vintage, to_vintage)
    found = set(forward.loc[forward["from_code"] == code, "to_code"])
    if found:
        return found
    backward = stored_links(session, to_vintage, from_vintage)
    return set(backward.loc[backward["to_code"] == code, "from_code"])


def crosswalk_path(session: Session, from_vintage: str, to_vintage: str) -> pd.DataFrame:
    """Return the crosswalk from units of one vintage to units of a later one.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    from_vintage, to_vintage : str
        Vintage keys; ``to_vintage`` must not be earlier than ``from_vintage``.

    Returns
    -------
    pandas.DataFrame
        ``code`` (unit of ``from_vintage``), ``parent_code`` (unit of ``to_vintage``),
        ``weight``. Direct links are used when stored; otherwise links are composed through
        intermediate vintages, in time order.

    Raises
    ------
    ValueError
        If ``to_vintage`` is earlier (no backward crosswalk: the 2025 merges cannot be split
        back exactly) or no chain of links connects the two vintages.
    """
    if from_vintage == to_vintage:
        raise ValueError("a crosswalk needs two different vintages")
    order = vintage_order(session)
    for key in (from_vintage, to_vintage):
        if key not in order:
            raise ValueError(f"unknown vintage {key!r}")
    if order[to_vintage] < order[from_vintage]:
        raise ValueError(
            f"cannot carry unit data from vintage {from_vintage} back to the earlier vintage "
            f"{to_vintage}: the crosswalk only runs forward in time (merged units cannot be "
            "split back exactly); view this period on its own or a later vintage"
        )
    links = stored_links(session).rename(columns={"from_code": "code", "to_code": "parent_code"})

    def step(a: str, b: str) -> pd.DataFrame:
        part = links[(links["from_vintage"] == a) & (links["to_vintage"] == b)]
        return part[["code", "parent_code", "weight"]].reset_index(drop=True)

    direct = step(from_vintage, to_vintage)
    if not direct.empty:
        return direct
    # Breadth-first over forward steps that have links.
    edges = {
        (a, b)
        for a, b in links[["from_vintage", "to_vintage"]].drop_duplicates().itertuples(index=False)
        if a in order and b in order and order[a] < order[b]
    }
    frontier: list[tuple[str, list[str]]] = [(from_vintage, [from_vintage])]
    seen = {from_vintage}
    while frontier:
        current, path = frontier.pop(0)
        for a, b in sorted(edges):
            if a != current or b in seen or order[b] > order[to_vintage]:
                continue
            if b == to_vintage:
                full = [*path, b]
                composed = step(full[0], full[1])
                for x, y in zip(full[1:], full[2:], strict=False):
                    composed = chain_links(composed, step(x, y))
                return composed
            seen.add(b)
            frontier.append((b, [*path, b]))
    raise ValueError(f"no crosswalk links lead from vintage {from_vintage} to {to_vintage}")


def shared_ground(session: Session, hier: Hierarchy, other_vintage: str) -> dict[str, set[str]]:
    """Return, for every unit of ``hier``, the units of another vintage it shares ground with.

    A unit shares ground with the units the crosswalk links it to or from (in either direction
    of time), and with those of every unit inside it: a district of 2020 shares the ground of
    the 2025-07 communes its communes became.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    hier : Hierarchy
        The units of one vintage.
    other_vintage : str
        Another vintage key.

    Returns
    -------
    dict of str to set of str
        Unit code of ``hier.vintage`` → codes of ``other_vintage``; a unit that no link
        reaches is missing (as is every unit when no chain of links joins the two vintages).
    """
    order = vintage_order(session)
    if other_vintage not in order or hier.vintage not in order:
        return {}
    try:
        if order[other_vintage] < order[hier.vintage]:
            walk = crosswalk_path(session, other_vintage, hier.vintage)
            pairs = zip(walk["parent_code"], walk["code"], strict=True)
        else:
            walk = crosswalk_path(session, hier.vintage, other_vintage)
            pairs = zip(walk["code"], walk["parent_code"], strict=True)
    except ValueError:
        return {}
    direct: dict[str, set[str]] = {}
    for own, other in pairs:
        direct.setdefault(own, set()).add(other)
    out: dict[str, set[str]] = {}
    for code, others in direct.items():
        if code not in hier.units.index:
            continue
        for holder in hier.chain(code):  # the unit itself, then every unit it lies in
            out.setdefault(holder, set()).update(others)
    return out


def former_names(session: Session, vintage: str, code: str) -> list[tuple[str, str]]:
    """Return the units of the oldest vintage a unit of a later one succeeds (search by old name).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on the store.
    vintage : str
        A vintage key (the oldest vintage has no predecessors and gives ``[]``).
    code : str
        Code of the unit in ``vintage``.

    Returns
    -------
    list of tuple of str
        ``(old_code, old_name)`` sorted by code: the oldest vintage's units at the same level as
        the unit (communes for a commune, districts for a district) plus leaf units (a district
        without communes for the commune it became). A predecessor with the same code and name
        as the unit itself is left out.
    """
    order = vintage_order(session)
    oldest = min(order, key=order.__getitem__, default=None)
    if oldest is None or vintage == oldest:
        return []
    unit = session.execute(
        select(Unit.level, Unit.search_key).where(
            Unit.vintage_key == vintage, Unit.code == str(code)
        )
    ).first()
    if unit is None:
        return []
    level, key = unit
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.level, Unit.search_key)
        .join(
            CrosswalkLink,
            (CrosswalkLink.from_code == Unit.code)
            & (CrosswalkLink.from_vintage == Unit.vintage_key),
        )
        .where(
            CrosswalkLink.from_vintage == oldest,
            CrosswalkLink.to_vintage == vintage,
            CrosswalkLink.to_code == str(code),
        )
        .order_by(Unit.code)
    ).all()
    if not rows:
        return []
    parents_with_children = set(
        session.scalars(
            select(Unit.parent_code)
            .where(Unit.vintage_key == oldest, Unit.parent_code.in_([r[0] for r in rows]))
            .distinct()
        ).all()
    )
    roots = set(
        session.scalars(
            select(Unit.code).where(Unit.vintage_key == oldest, Unit.parent_code.is_(None))
        )
    )
    out = []
    for old_code, old_name, old_level, old_key in rows:
        if old_level != level and old_code in parents_with_children:
            continue
        if old_level != level and old_code in roots:
            continue
        if old_code == str(code) and old_key == key:
            continue
        out.append((old_code, old_name))
    return out
