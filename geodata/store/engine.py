"""Engine and session creation for the dxmap store (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from geodata.store import schema

#: Key of the PostgreSQL advisory lock that serialises initialisation of one database.
INIT_LOCK_KEY = zlib.crc32(b"dxmap.init")
#: How long a process waits for another one's ``init`` before giving up (seconds).
INIT_LOCK_TIMEOUT = 900.0


class StoreLockTimeout(RuntimeError):
    """Another process held the store's initialisation lock for too long."""


def make_engine(database_url: str) -> Engine:
    """Create an engine; for a SQLite file, create its folder and turn on foreign keys.

    Parameters
    ----------
    database_url : str
        A SQLAlchemy URL such as ``sqlite:////abs/path/dxmap.sqlite`` or
        ``postgresql+psycopg://user@host/db``.

    Returns
    -------
    sqlalchemy.Engine
        The engine; nothing is written until :func:`create_schema` or a session commits.
    """
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        Path(database_url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(database_url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
            _sqlite_pragmas(dbapi_connection, wal=":memory:" not in database_url)

    return engine


def _sqlite_pragmas(dbapi_connection, *, wal: bool) -> None:  # noqa: ANN001
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    if wal:  # readers never wait for a writer (an import commits while the map serves)
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_schema(bind: Engine | Connection) -> None:
    """Create every missing table and record the schema revision (idempotent).

    Raises
    ------
    geodata.store.schema.SchemaOutdated
        If the store holds an older schema (``dxmap db upgrade`` first).
    """
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            schema.create_schema(connection)
        return
    schema.create_schema(bind)


def schema_exists(engine: Engine) -> bool:
    """Tell whether the store has been initialised (its tables exist)."""
    return inspect(engine).has_table("unit")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine``."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """Yield a session inside one transaction: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def sqlite_file(engine: Engine) -> Path | None:
    """Return the database file of a SQLite engine (``None`` for memory or another backend)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database)


def _sqlite_transactional_engine(engine: Engine) -> Engine:
    """Return a sibling engine on the same SQLite file whose transactions include DDL.

    pysqlite begins a transaction only before DML, so ``CREATE TABLE`` would be committed on its
    own; this engine lets SQLAlchemy emit ``BEGIN IMMEDIATE`` itself (the recipe of SQLAlchemy's
    pysqlite documentation), which also takes the write lock at once.
    """
    sibling = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(sibling, "connect")
    def _connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        _sqlite_pragmas(dbapi_connection, wal=True)

    @event.listens_for(sibling, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return sibling


@contextmanager
def init_transaction(engine: Engine, timeout: float = INIT_LOCK_TIMEOUT) -> Iterator[Session]:
    """Yield a session whose one transaction holds the store's initialisation lock.

    Every process that initialises the same store waits here for the others, and everything
    done in the session, table creation included, is committed together or not at all.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    timeout : float
        Seconds to wait for another process's initialisation.

    Yields
    ------
    sqlalchemy.orm.Session
        Inside the transaction; committed on success, rolled back on any error.

    Raises
    ------
    StoreLockTimeout
        If another process kept the lock longer than ``timeout``.

    Notes
    -----
    SQLite file: a lock file beside the database (``<file>.init.lock``, :mod:`filelock`) and a
    ``BEGIN IMMEDIATE`` transaction that includes the DDL. PostgreSQL: the transaction takes
    ``pg_advisory_xact_lock``; its DDL is transactional anyway. Other backends: one transaction.
    """
    path = sqlite_file(engine)
    if path is not None:
        lock_path = path.with_name(path.name + ".init.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        sibling = _sqlite_transactional_engine(engine)
        try:
            with FileLock(lock_path, timeout=timeout), transaction(sibling) as session:
                yield session
        except Timeout:
            raise StoreLockTimeout(
                f"another process has been initialising {path} for over {timeout:.0f} s "
                f"(lock file {lock_path}); wait for it, or remove the lock file if none runs"
            ) from None
        finally:
            sibling.dispose()
        return
    with transaction(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INIT_LOCK_KEY})
        yield session
