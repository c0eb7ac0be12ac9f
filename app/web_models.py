"""Tables of the web side: user roles and the audit log (created beside the store's own)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from geodata.store.models import Base

ROLE_EDITOR = "editor"
ROLE_VIEWER = "viewer"


class UserRole(Base):
    """The role of a user; a user without a row is an editor (as ``dxmap user add`` says)."""

    __tablename__ = "app_user_role"

    name: Mapped[str] = mapped_column(ForeignKey("app_user.name"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_EDITOR)


class AuditEntry(Base):
    """Who did what, when: sign-in, import preview, commit, rollback (one row per action)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    batch_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")


def create_web_tables(engine: Engine) -> None:
    """Create the web side's tables if missing (idempotent)."""
    Base.metadata.create_all(engine, tables=[UserRole.__table__, AuditEntry.__table__])
