"""Content negotiation: is a request from a browser page (HTML) or from a script (JSON)."""

from __future__ import annotations

from flask import request


def wants_html() -> bool:
    """Say whether a GET comes from a browser's address bar or link (it prefers HTML to JSON).

    Browsers send ``text/html,application/xhtml+xml,...``, whose ``best`` is not always
    ``text/html``; a script sending ``*/*`` or nothing gets JSON (a tie goes to JSON).
    """
    chosen = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.method == "GET" and chosen == "text/html"
