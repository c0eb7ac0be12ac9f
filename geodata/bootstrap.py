"""``dxmap init``: create the store and load the area, boundaries, catalogue, targets, demo data.

The whole load is one transaction under the store's initialisation lock
(:func:`geodata.store.init_transaction`): it is committed complete or not at all, processes
starting together on an empty store wait for the first one instead of loading twice, and running
``init`` again on a loaded store changes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from geodata.areas.manifest import Area, ManifestError
from geodata.areas.stored import store_area
from geodata.boundaries import load as boundaries
from geodata.boundaries.files import BoundaryLoadError
from geodata.catalogue import indicators as catalogue
from geodata.demo import generate as demo
from geodata.imports.villages import load_village_register
from geodata.rollups import rebuild_all
from geodata.store.engine import StoreLockTimeout, init_transaction
from geodata.store.models import (
    AreaRecord,
    CrosswalkLink,
    Indicator,
    Layer,
    Observation,
    RollupScope,
    Source,
    Target,
    Unit,
    Village,
    VillageParent,
    Vintage,
)
from geodata.store.schema import SchemaOutdated, upgrade_schema
from geodata.store.version import bump_data_version

log = logging.getLogger(__name__)


class InitError(RuntimeError):
    """``init`` could not load the store; nothing was written. The message is one line."""


@dataclass
class InitReport:
    """What ``init`` did and what the load checks found."""

    steps: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc) if isinstance(exc, SQLAlchemyError) else str(exc)
    return " ".join(text.split()) or exc.__class__.__name__


def _has_units(session: Session) -> bool:
    return bool(session.scalar(select(func.count(Unit.id))))


#: Small tables compared whole, large ones by row count and largest key, to tell whether a
#: second ``init`` changed anything (then the roll-ups and the data version stay as they are).
_SMALL = (AreaRecord, Indicator, Source, Target, Vintage, CrosswalkLink, Layer)
_LARGE = ((Unit, Unit.id), (Village, Village.code), (VillageParent, VillageParent.village_code))


def _signature(session: Session) -> str:
    session.flush()
    parts: list[object] = []
    for model in _SMALL:
        table = model.__table__
        parts.append(session.execute(table.select().order_by(*table.primary_key.columns)).all())
    for model, key in _LARGE:
        parts.append(session.execute(select(func.count(), func.max(key)).select_from(model)).one())
    parts.append(session.execute(select(func.count(), func.max(Observation.id))).one())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _has_rollups(session: Session) -> bool:
    return session.scalar(select(RollupScope.indicator_key).limit(1)) is not None


def _load_catalogue(session: Session, area: Area) -> str:
    files = {k: area.resolve(v) for k, v in area.catalogue.items() if k != "indicator_source"}
    return catalogue.load_catalogue(
        session,
        sources=files.get("sources"),
        targets=files.get("targets"),
        indicator_source=area.catalogue.get("indicator_source"),
    )


def init_store(
    engine: Engine, area: Area, *, with_demo: bool = True, if_empty: bool = False
) -> InitReport:
    """Create the schema and load everything ``dxmap init`` promises for ``area``, all or nothing.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    area : Area
        The area manifest (:func:`geodata.areas.manifest.load_area`); its files are read where
        :meth:`Area.resolve` finds them.
    with_demo : bool
        Also generate and load the area's demo dataset (``[area] demo``; skipped if already
        loaded, or when the area's demo is ``none``). The area's village register
        (``[villages] file``) is loaded first, so a demo finds the area's own villages there and
        adds none of its own.
    if_empty : bool
        Load only if the store has no units yet (what an app starting on an empty store asks
        for: if another process loaded it meanwhile, nothing is done).

    Returns
    -------
    InitReport
        Steps taken and load-check findings (invalid geometry repaired, children outside parents).

    Raises
    ------
    InitError
        A missing or unreadable file, a bad catalogue row, a database error, or another
        process holding the lock too long; the message is one line naming the file (and row
        and column) and the store is left exactly as it was.
    """
    report = InitReport()
    try:
        with init_transaction(engine) as session:
            upgrade_schema(session.connection())  # a store of an earlier dxmap is upgraded
            if if_empty and _has_units(session):
                report.steps.append("store already initialised (by another process)")
                return report
            before = _signature(session)
            store_area(session, area)
            report.steps.append(_load_catalogue(session, area))
            loaded = boundaries.load_boundaries(session, area)
            report.steps.append(loaded.summary)
            report.findings.extend(loaded.findings)
            report.steps.append(load_village_register(session, area))
            if with_demo and area.demo != "none":
                report.steps.append(demo.load_demo(session, area))
            if _signature(session) != before or not _has_rollups(session):
                built = rebuild_all(session)
                report.steps.append(
                    f"roll-ups: {built['rows']:,} rows for {built['pairs']} indicator-periods "
                    f"({built['seconds']:.1f} s)"
                )
                bump_data_version(session, "dxmap init")
            else:
                report.steps.append("roll-ups: nothing changed")
    except (
        BoundaryLoadError,
        catalogue.CatalogueError,
        ManifestError,
        SchemaOutdated,
        StoreLockTimeout,
        OSError,
        SQLAlchemyError,
        ValueError,  # a bad [demo] table, or a village register rejected (ImportRejected)
    ) as exc:
        raise InitError(f"init failed, nothing was written: {_one_line(exc)}") from exc
    for finding in report.findings:
        log.warning("boundary check: %s", finding)
    return report
