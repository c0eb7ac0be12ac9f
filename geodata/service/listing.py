"""Plain, JSON-ready listings of the store for the HTTP API: vintages, catalogue, units.

Every function returns lists of dicts holding only ``str``, ``int``, ``float``, ``bool`` and
``None`` (no NaN), so a caller can serialise them as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import village_points
from geodata.areas.unit_records import find_unit, has_units_below, stored_units
from geodata.areas.vintages import stored_vintages
from geodata.catalogue.indicators import INDICATOR_TEXT_FIELDS, PILLARS, catalogue_indicators
from geodata.store.models import RollupScope, Target, Unit, VillageParent
from geodata.store.version import read_data_version

UNIT_LEVELS = ("country", "province", "district", "commune")
INDICATOR_FIELDS = ("key", *INDICATOR_TEXT_FIELDS, "sort_order")


def store_fingerprint(session: Session) -> str:
    """Return a short token that changes whenever values, targets, catalogue or units change.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.

    Returns
    -------
    str
        The store's data version (:mod:`geodata.store.version`): one primary-key read; every
        write (init, import, village register, rollback, roll-up rebuild) bumps it.
    """
    return f"v{read_data_version(session)}"


def vintage_records(session: Session) -> list[dict[str, Any]]:
    """Return the boundary vintages, oldest first, with their loaded unit and village counts.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.

    Returns
    -------
    list of dict
        ``key, name_vi, name_en, valid_from, valid_to, levels, note, units, villages`` where
        ``units`` maps each level to its number of loaded units.
    """
    counts: dict[str, dict[str, int]] = {}
    for vintage, level, count in session.execute(
        select(Unit.vintage_key, Unit.level, func.count(Unit.id)).group_by(
            Unit.vintage_key, Unit.level
        )
    ):
        counts.setdefault(vintage, {})[level] = int(count)
    villages = dict(
        session.execute(
            select(VillageParent.vintage_key, func.count(VillageParent.village_code)).group_by(
                VillageParent.vintage_key
            )
        ).all()
    )
    return [
        {
            "key": spec.key,
            "name_vi": spec.name_vi,
            "name_en": spec.name_en,
            "valid_from": spec.valid_from.isoformat(),
            "valid_to": spec.valid_to.isoformat() if spec.valid_to else None,
            "levels": list(spec.levels),
            "note": spec.note,
            "units": {level: counts.get(spec.key, {}).get(level, 0) for level in spec.levels},
            "villages": int(villages.get(spec.key, 0)),
        }
        for spec in stored_vintages(session)
    ]


def pillar_records() -> dict[str, dict[str, str]]:
    """Return pillar key → ``{"name_vi": ..., "name_en": ...}``.

    Returns
    -------
    dict
        The three pillars of the catalogue.
    """
    return {key: {"name_vi": vi, "name_en": en} for key, (vi, en) in PILLARS.items()}


def indicator_records(session: Session) -> list[dict[str, Any]]:
    """Return the indicator catalogue with its targets and the periods that hold values.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.

    Returns
    -------
    list of dict
        In catalogue order: the fields of :data:`INDICATOR_FIELDS`, ``source`` (a source key or
        None), ``periods`` (sorted period keys with at least one stored value) and ``targets``
        (``period, scope, comparator, threshold, is_example, note``; scope ``*`` means every
        unit, otherwise a unit code whose own threshold applies to it and everything inside).
    """
    periods: dict[str, set[str]] = {}
    for key, period in session.execute(
        select(RollupScope.indicator_key, RollupScope.period)
        .where(RollupScope.data_level.is_not(None))
        .distinct()
    ):
        periods.setdefault(key, set()).add(period)
    targets: dict[str, list[dict[str, Any]]] = {}
    for target in session.scalars(
        select(Target).order_by(Target.indicator_key, Target.period, Target.scope_code)
    ):
        targets.setdefault(target.indicator_key, []).append(
            {
                "period": target.period,
                "scope": target.scope_code or "*",
                "comparator": target.comparator,
                "threshold": float(target.threshold),
                "is_example": bool(target.is_example),
                "note": target.note or "",
            }
        )
    records = []
    for indicator in catalogue_indicators(session):
        record = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
        record["sort_order"] = int(record["sort_order"] or 0)
        record["source"] = indicator.source_key
        record["periods"] = sorted(periods.get(indicator.key, ()))
        record["targets"] = targets.get(indicator.key, [])
        records.append(record)
    return records


def unit_record(session: Session, vintage: str, code: str) -> dict[str, Any] | None:
    """Return one unit of a vintage as a JSON-ready record, or ``None`` when it does not exist.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    code : str
        GSO code.

    Returns
    -------
    dict or None
        ``code, name, type, level, parent_code, vintage, bbox``
        (:meth:`geodata.areas.unit_records.UnitRecord.as_dict`).
    """
    unit = find_unit(session, vintage, code)
    return None if unit is None else unit.as_dict()


def unit_records(
    session: Session, vintage: str, level: str | None = None, parent: str | None = None
) -> list[dict[str, Any]]:
    """Return the units (or villages) of a vintage, optionally of one level inside one unit.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    level : str, optional
        ``province``, ``district``, ``commune`` or ``village``; default every unit level
        (villages only when asked for).
    parent : str, optional
        Only units lying (directly or indirectly) inside this unit, read through the stored
        closure (an indexed read, whatever the size of the area). When the parent has no
        units at ``level`` and no children at all (a district without communes), the
        parent itself is returned, as the map and the values do.

    Returns
    -------
    list of dict
        Sorted by code. Units: ``code, name, type, level, parent_code, vintage, bbox``
        (``[min_lon, min_lat, max_lon, max_lat]``). Villages: ``code, name, type`` (``village``),
        ``level, parent_code`` (the unit holding the village in this vintage), ``vintage,
        lon, lat``.
    """
    if level == "village":
        return [
            {
                "code": code,
                "name": name,
                "type": "village",
                "level": "village",
                "parent_code": unit_code,
                "vintage": vintage,
                "lon": float(lon),
                "lat": float(lat),
            }
            for code, name, unit_code, lon, lat in village_points(session, vintage, under=parent)
        ]
    units = stored_units(session, vintage, level=level, under=parent)
    leaf = not units and parent is not None and level is not None
    if leaf and not has_units_below(session, vintage, parent):  # the unit itself, as the map
        units = stored_units(session, vintage, codes=[parent])
    return [unit.as_dict() for unit in units]
