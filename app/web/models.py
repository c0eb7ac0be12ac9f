"""The web side's tables (user roles, the audit log) and the roles; the tables are the store's."""

from __future__ import annotations

from geodata.store.models import AuditEntry, UserRole

ROLE_EDITOR = "editor"
ROLE_VIEWER = "viewer"

__all__ = ["ROLE_EDITOR", "ROLE_VIEWER", "AuditEntry", "UserRole"]
