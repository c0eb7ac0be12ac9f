"""Alembic's environment for the dxmap store: migrations run on a connection dxmap hands over.

dxmap never runs Alembic from a command line of its own: :mod:`geodata.store.schema` builds the
configuration in code and passes the open connection (``config.attributes["connection"]``), so
a migration runs inside the caller's transaction (with the roll-ups built in the same one).
"""

from __future__ import annotations

from alembic import context

from geodata.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    transactional_ddl=True,
)
context.run_migrations()
