"""Rolling back a committed import batch of either kind, and listing the batches.

One rollback for every batch: in one transaction the data version is bumped (first: see
:mod:`geodata.store.version`), the format that wrote the batch
(:func:`geodata.imports.kinds.format_of_batch`) undoes its rows, and the roll-ups are updated
with what that touched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.imports.commit import utc_now
from geodata.imports.formats import RollbackRefused
from geodata.imports.kinds import format_of_batch
from geodata.rollups import update_rollups
from geodata.store.engine import transaction
from geodata.store.models import ImportBatch
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
        Rows the batch had added that were deleted (observations, or villages).
    rows_restored : int
        Rows the batch had replaced or updated that were put back.
    kind : str
        ``values`` or ``register``.
    """

    batch_id: int
    rows_removed: int
    rows_restored: int
    kind: str = "values"


def _committed_batch(session: Session, batch_id: int) -> ImportBatch:
    """Return the batch, locked on PostgreSQL; refuse one that is missing or not committed."""
    query = select(ImportBatch).where(ImportBatch.id == batch_id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    batch = session.scalars(query).first()
    if batch is None:
        raise RollbackRefused(f"no import batch {batch_id}")
    if batch.outcome != "committed":
        when = batch.rolled_back_at
        since = f" (since {when:%Y-%m-%d %H:%M} UTC)" if when else ""
        raise RollbackRefused(f"batch {batch_id} is {batch.outcome.replace('_', ' ')}{since}")
    return batch


def rollback_batch(engine: Engine, batch_id: int, user: str = "") -> RollbackOutcome:
    """Undo a committed import of either kind: delete what it added, restore what it replaced.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    batch_id : int
        The batch to undo (a values batch or a village-register batch).
    user : str
        Who rolls back (kept in the batch's note).

    Returns
    -------
    RollbackOutcome
        Rows removed and restored.

    Raises
    ------
    RollbackRefused
        If the batch does not exist or is already rolled back; for a values batch, if a later
        committed batch replaced some of its values; for a register batch, if a later register
        batch changed the same villages or values are stored for villages it added (each
        message says which batch to roll back first). Nothing is written then.
    """
    if not 0 < batch_id <= MAX_BATCH_ID:
        raise RollbackRefused(f"no import batch {batch_id} (batch ids are 1 to {MAX_BATCH_ID:,})")
    with transaction(engine) as session:
        batch = _committed_batch(session, batch_id)
        bump_data_version(session, f"rollback of batch {batch_id}")  # first: see version.py
        fmt = format_of_batch(session, batch_id)
        undone = fmt.undo(session, batch)
        update_rollups(session, undone.touched)
        batch.outcome = "rolled_back"
        batch.rolled_back_at = utc_now()
        if user:
            batch.note = (batch.note + "\n" if batch.note else "") + f"rolled back by {user}"
    log.info(
        "%s batch %s rolled back: %s removed, %s restored",
        fmt.kind,
        batch_id,
        undone.removed,
        undone.restored,
    )
    return RollbackOutcome(batch_id, undone.removed, undone.restored, fmt.kind)


def list_batches(session: Session, limit: int | None = None) -> list[ImportBatch]:
    """Return import batches of both kinds, newest first.

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
