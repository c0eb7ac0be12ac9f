"""The store's data version: one row that every write bumps inside its own transaction.

Every cache of every process is keyed by it, so a committed import or rollback shows on the next
request everywhere, and nothing else needs invalidating. Reading it is one primary-key read.
On PostgreSQL the bump takes the row's lock, so writers are serialised from their bump to their
commit: bump first, then write (two writers never wait on each other's roll-up rows).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from geodata.store.models import DataVersion

_ROW = 1
_MAX_REASON = 200


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def bump_data_version(session: Session, reason: str) -> int:
    """Increase the data version in the session's transaction and return the new one.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction (its commit publishes the new version with the data).
    reason : str
        What changed (kept with the row, e.g. ``import batch 12``).

    Returns
    -------
    int
        The new version.
    """
    values = {"changed_at": _now(), "reason": reason[:_MAX_REASON]}
    result = session.execute(
        update(DataVersion)
        .where(DataVersion.id == _ROW)
        .values(version=DataVersion.version + 1, **values)
    )
    if not result.rowcount:
        session.execute(insert(DataVersion).values(id=_ROW, version=1, **values))
    return int(session.scalar(select(DataVersion.version).where(DataVersion.id == _ROW)))


def read_data_version(connection: Connection | Session) -> int:
    """Return the store's data version (0 for a store that has never been written)."""
    version = connection.scalar(select(DataVersion.version).where(DataVersion.id == _ROW))
    return int(version or 0)
