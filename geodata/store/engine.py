"""Engine and session creation for the dxmap store (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from geodata.store.models import Base


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
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    """Create every missing table (idempotent; existing tables and rows are left alone)."""
    Base.metadata.create_all(engine)


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
