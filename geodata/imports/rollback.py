"""Rolling back a committed import batch, and listing the batches."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.orm import Session

from geodata.imports.commit import KEY_FIELDS, observation_fields, utc_now
from geodata.imports.village_commit import is_register_batch, rollback_register
from geodata.rollups import Touched, update_rollups
from geodata.store.engine import transaction
from geodata.store.models import ImportBatch, Observation, ReplacedObservation, Source
from geodata.store.version import bump_data_version

log = logging.getLogger(__name__)
#: The largest id a batch can have (the store's id column is a 32-bit signed integer).
MAX_BATCH_ID = 2**31 - 1


@dataclass(frozen=True)
class RollbackOutcome:
    """A rolled-back import.

    Attributes
    ----------
    batch_id : int
        The batch that was undone.
    rows_removed : int
        Observations the batch had written that were deleted.
    rows_restored : int
        Observations the batch had replaced that were put back.
    """

    batch_id: int
    rows_removed: int
    rows_restored: int


class RollbackRefused(ValueError):
    """A batch cannot be rolled back (unknown, already rolled back, or overwritten later)."""


def _batch_sources(batch_id: int):  # noqa: ANN202 - a SQL expression
    prefix = f"import-{batch_id}"
    return or_(Source.key == prefix, Source.key.like(f"{prefix}-%"))


def _mark_rolled_back(batch: ImportBatch, user: str) -> None:
    batch.outcome = "rolled_back"
    batch.rolled_back_at = utc_now()
    if user:
        batch.note = (batch.note + "\n" if batch.note else "") + f"rolled back by {user}"


def rollback_batch(engine: Engine, batch_id: int, user: str = "") -> RollbackOutcome:
    """Undo a committed import: delete what it wrote and restore what it replaced.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    batch_id : int
        The batch to undo.
    user : str
        Who rolls back (kept in the batch's note).

    Returns
    -------
    RollbackOutcome
        Rows removed and restored.

    Raises
    ------
    RollbackRefused
        If the batch does not exist, is already rolled back, or a later committed batch replaced
        some of its values (roll that one back first). A village-register batch is undone by
        :func:`geodata.imports.village_commit.rollback_register` (refused while a later register
        batch changed the same villages or values are stored for villages it added).
    """
    if not 0 < batch_id <= MAX_BATCH_ID:
        raise RollbackRefused(f"no import batch {batch_id} (batch ids are 1 to {MAX_BATCH_ID:,})")
    with transaction(engine) as session:
        query = select(ImportBatch).where(ImportBatch.id == batch_id)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update()
        batch = session.scalars(query).first()
        if batch is None:
            raise RollbackRefused(f"no import batch {batch_id}")
        if batch.outcome != "committed":
            raise RollbackRefused(
                f"batch {batch_id} is {batch.outcome.replace('_', ' ')}"
                + (
                    f" (since {batch.rolled_back_at:%Y-%m-%d %H:%M} UTC)"
                    if batch.rolled_back_at
                    else ""
                )
            )
        bump_data_version(session, f"rollback of batch {batch_id}")  # first: see version.py
        if is_register_batch(session, batch_id):
            try:
                removed, restored = rollback_register(session, batch)
            except ValueError as exc:
                raise RollbackRefused(str(exc)) from exc
            _mark_rolled_back(batch, user)
            log.info("village register batch %s rolled back", batch_id)
            return RollbackOutcome(batch_id, rows_removed=removed, rows_restored=restored)
        later = sorted(
            set(
                session.scalars(
                    select(ReplacedObservation.replaced_by_batch)
                    .join(ImportBatch, ImportBatch.id == ReplacedObservation.replaced_by_batch)
                    .where(
                        ReplacedObservation.batch_id == batch_id,
                        ImportBatch.outcome == "committed",
                    )
                )
            )
        )
        if later:
            names = ", ".join(str(b) for b in later)
            raise RollbackRefused(
                f"batch {batch_id} cannot be rolled back: later batch(es) {names} replaced some "
                f"of its values; roll back {names} first"
            )
        touched = set(
            session.execute(
                select(*(getattr(Observation, name) for name in KEY_FIELDS)).where(
                    Observation.batch_id == batch_id
                )
            ).all()
        )
        removed = session.execute(
            delete(Observation).where(Observation.batch_id == batch_id)
        ).rowcount
        replaced = list(
            session.scalars(
                select(ReplacedObservation).where(ReplacedObservation.replaced_by_batch == batch_id)
            )
        )
        session.flush()
        for old in replaced:
            touched.add(tuple(getattr(old, name) for name in KEY_FIELDS))
            session.add(Observation(**observation_fields(old)))
            session.delete(old)
        session.flush()
        update_rollups(session, Touched(observations=frozenset(tuple(k) for k in touched)))
        # The batch's own sources go when nothing refers to them any more.
        for source in session.scalars(select(Source).where(_batch_sources(batch_id))).all():
            used = session.scalar(
                select(Observation.id).where(Observation.source_key == source.key).limit(1)
            ) or session.scalar(
                select(ReplacedObservation.id)
                .where(ReplacedObservation.source_key == source.key)
                .limit(1)
            )
            if not used:
                session.delete(source)
        _mark_rolled_back(batch, user)
    log.info(
        "import batch %s rolled back: %s removed, %s restored", batch_id, removed, len(replaced)
    )
    return RollbackOutcome(batch_id=batch_id, rows_removed=removed, rows_restored=len(replaced))


def list_batches(session: Session, limit: int | None = None) -> list[ImportBatch]:
    """Return import batches, newest first.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    limit : int, optional
        At most this many.

    Returns
    -------
    list of ImportBatch
        Committed and rolled-back batches (rejected files are never recorded).
    """
    query = select(ImportBatch).order_by(ImportBatch.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
