"""Flask-Limiter's counters kept in the store: every process and server of one store shares them.

dxmap's sign-in limit (5 a minute, 30 an hour per client address) must hold however many
gunicorn workers and servers answer: a per-process memory counter gives N x M attempts. The
deployment already has a shared store, so the counters live there, as a ``limits`` storage
backend (``dxmap-store://``) used by Flask-Limiter like its Redis or Memcached ones. Each hit is
one atomic ``UPDATE`` (an ``INSERT`` for a new window) in its own short transaction.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import Engine, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from geodata.store.models import RateLimit

SCHEME = "dxmap-store"


class StoreStorage(Storage):
    """A fixed-window ``limits`` storage in the dxmap store (``storage_options={"engine": …}``)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.engine: Engine = options["engine"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        fresh = RateLimit.expires_at <= now
        bump = (
            update(RateLimit)
            .where(RateLimit.key == key)
            .values(
                count=case((fresh, amount), else_=RateLimit.count + amount),
                expires_at=case((fresh, now + expiry), else_=RateLimit.expires_at),
            )
        )
        for _ in range(3):  # a new window raced by another process: update the row it wrote
            try:
                with self.engine.begin() as connection:
                    if not connection.execute(bump).rowcount:
                        connection.execute(
                            insert(RateLimit).values(key=key, count=amount, expires_at=now + expiry)
                        )
                    return int(
                        connection.scalar(select(RateLimit.count).where(RateLimit.key == key))
                    )
            except IntegrityError:
                continue
        raise RuntimeError(f"could not count rate-limit key {key!r}")

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(RateLimit.count, RateLimit.expires_at).where(RateLimit.key == key)
            ).first()
        if row is None or row[1] <= time.time():
            return None
        return int(row[0]), float(row[1])

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(RateLimit)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(RateLimit).where(RateLimit.key == key))
