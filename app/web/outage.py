"""Database outage: every route answers 503 with a clear message, and recovers by itself.

The engine has ``pool_pre_ping``, so once the database is back the next request gets a fresh
connection; nothing here keeps state. Dash callbacks get a JSON 503 that ``assets/
dxmap-outage.js`` turns into a banner over the map (in the page's language); it polls
:data:`HEALTH_PATH` and reloads the view once the database answers again.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.web.negotiate import wants_html
from app.web.texts import tr
from geodata.store.models import Unit

log = logging.getLogger(__name__)
HEALTH_PATH = "_dxmap/health"
# Errors that mean "the database cannot be reached or used right now".
OUTAGE_ERRORS = (DBAPIError, PoolTimeout)


def is_outage(error: BaseException) -> bool:
    """Tell whether ``error`` means the database is unreachable (not a bad query)."""
    if isinstance(error, PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
    )


def outage_payload() -> dict[str, object]:
    """Return the JSON body of an outage answer (messages in both languages)."""
    return {
        "error": {
            "status": 503,
            "parameter": None,
            "outage": True,
            "message": tr("outage", "en"),
            "message_vi": tr("outage", "vi"),
            "message_en": tr("outage", "en"),
        }
    }


def outage_response() -> Response:
    """Answer 503 as JSON (API, callbacks) or as a small page (anything else)."""
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    if wants_html() and not request.path.startswith("/api/"):
        body = (
            "<!doctype html><meta charset=utf-8><title>dxmap</title>"
            f'<p lang="vi">{tr("outage", "vi")}</p><p lang="en">{tr("outage", "en")}</p>'
        )
        return Response(body, status=503, mimetype="text/html", headers=headers)
    return Response(
        json.dumps(outage_payload(), ensure_ascii=False),
        status=503,
        mimetype="application/json",
        headers=headers,
    )


def install_outage_handling(server: Flask, engine: Engine, prefix: str = "/") -> None:
    """Answer database outages with 503 everywhere and add the health route."""

    @server.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError) -> Response:
        if is_outage(error):
            log.warning("database unavailable on %s: %s", request.path, error.__class__.__name__)
            return outage_response()
        raise error

    def health() -> Response:
        try:
            with engine.connect() as conn:  # the store itself, not only the server
                conn.execute(select(Unit.code).limit(1))
        except SQLAlchemyError as error:
            if is_outage(error):
                return outage_response()
            raise
        return Response(
            '{"ok":true}', mimetype="application/json", headers={"Cache-Control": "no-store"}
        )

    server.add_url_rule(f"{prefix}{HEALTH_PATH}", "dxmap_health", health, methods=["GET"])
