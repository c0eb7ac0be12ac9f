"""The read-only HTTP API under ``/api/v1`` and its documentation page ``/api/v1/docs``."""

from __future__ import annotations

from app.api.docs import make_docs_blueprint
from app.api.routes import API_PREFIX, make_api_blueprint

__all__ = ["API_PREFIX", "make_api_blueprint", "make_docs_blueprint"]
