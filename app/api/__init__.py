"""The read-only HTTP API under ``/api/v1`` and its documentation page ``/api/v1/docs``.

:class:`ApiFactory` registers one small function per endpoint; its parameters and answers are
declared once with pydantic (:mod:`app.api.params`, :mod:`app.api.models`), and the OpenAPI
document is generated from them (:mod:`app.api.openapi`).
"""

from __future__ import annotations

from app.api.docs import make_docs_blueprint
from app.api.factory import API_PREFIX, ApiFactory, make_api_blueprint
from app.api.openapi import build_openapi

__all__ = ["API_PREFIX", "ApiFactory", "build_openapi", "make_api_blueprint", "make_docs_blueprint"]
