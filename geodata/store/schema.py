"""The store's schema version (Alembic): a new store at the current revision, an old one upgraded.

Stores exist before this code does: dxmap 0.1.0 made them with no migration history. Alembic's
revisions (``geodata/store/migrations/versions``) start with that schema (``0001``), so a store
without an ``alembic_version`` table but with dxmap's tables is stamped ``0001`` and then
upgraded. Migrations run on the caller's connection, inside the caller's transaction: the
upgrade and whatever the caller does next (building the roll-ups) commit together or not at all.
"""

from __future__ import annotations

from importlib import resources
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from geodata.store.models import Base

#: The revision of the schema of dxmap 0.1.0 (stores made before migrations existed).
BASELINE = "0001"
#: The table every dxmap store has had from the start.
_CORE_TABLE = "unit"

SchemaState = Literal["empty", "current", "old"]


class SchemaOutdated(RuntimeError):
    """The store's schema is older than this dxmap's; the message says what to run."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("geodata.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the revision of this dxmap's schema (the newest migration)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("dxmap's schema migrations are missing from the installation")
    return head


def store_revision(connection: Connection) -> str | None:
    """Return the store's schema revision (``None``: no migration history)."""
    return MigrationContext.configure(connection).get_current_revision()


def schema_state(connection: Connection) -> tuple[SchemaState, str | None]:
    """Tell whether the store is empty, at this dxmap's revision, or older, and its revision."""
    if not inspect(connection).has_table(_CORE_TABLE):
        return "empty", None
    revision = store_revision(connection) or BASELINE
    return ("current" if revision == head_revision() else "old"), revision


def create_schema(connection: Connection) -> None:
    """Create every missing table of a new store and record the current revision.

    Parameters
    ----------
    connection : sqlalchemy.Connection
        Inside the caller's transaction.

    Raises
    ------
    SchemaOutdated
        If the store holds tables of an older schema (upgrade it first).
    """
    state, revision = schema_state(connection)
    if state == "old":
        raise SchemaOutdated(_outdated_message(connection, revision))
    Base.metadata.create_all(connection)
    if store_revision(connection) is None:
        command.stamp(_config(connection), "head")


def upgrade_schema(connection: Connection) -> tuple[str | None, str]:
    """Bring the store's schema to this dxmap's revision.

    Parameters
    ----------
    connection : sqlalchemy.Connection
        Inside the caller's transaction (nothing is committed here).

    Returns
    -------
    tuple of (str or None, str)
        The revision before (``None`` for an empty store) and after.
    """
    state, before = schema_state(connection)
    if state == "empty":
        create_schema(connection)
        return None, head_revision()
    config = _config(connection)
    if store_revision(connection) is None:
        command.stamp(config, BASELINE)
    if state == "old":
        command.upgrade(config, "head")
    return before, head_revision()


def downgrade_schema(connection: Connection, revision: str) -> None:
    """Take the store's schema back to ``revision`` (what an earlier dxmap reads; tests use it).

    The tables later revisions added are dropped with their rows (the roll-ups, the data
    version): ``dxmap db upgrade`` builds them again from the raw values.
    """
    command.downgrade(_config(connection), revision)


def _outdated_message(connection: Connection, revision: str | None) -> str:
    url = connection.engine.url.render_as_string(hide_password=True)
    return (
        f"the store at {url} has the schema of an earlier dxmap (revision {revision}, this "
        f"dxmap needs {head_revision()}); run `dxmap db upgrade` to bring it up to date "
        "(it keeps every value and builds the roll-ups)"
    )


def check_schema(engine: Engine) -> None:
    """Refuse to serve a store whose schema is older than this dxmap's.

    Raises
    ------
    SchemaOutdated
        Naming the store and the command to run (``dxmap db upgrade``).
    """
    with engine.connect() as connection:
        state, revision = schema_state(connection)
        if state == "old":
            raise SchemaOutdated(_outdated_message(connection, revision))
