"""The store: SQLAlchemy models, engine and sessions, and the WKB geometry codec."""

from __future__ import annotations

from geodata.store.engine import (
    create_schema,
    make_engine,
    schema_exists,
    session_factory,
    transaction,
)
from geodata.store.frames import rows_frame
from geodata.store.geometry import CRS, from_wkb, stored_box, to_wkb, units_frame

__all__ = [
    "CRS",
    "create_schema",
    "from_wkb",
    "make_engine",
    "rows_frame",
    "schema_exists",
    "session_factory",
    "stored_box",
    "to_wkb",
    "transaction",
    "units_frame",
]
