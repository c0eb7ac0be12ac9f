"""HTTP hardening of the Flask server: CSP and other headers, CORS on the API only, no debugger.

Headers come from Flask-Talisman (a well-kept extension that sets them on every response, error
pages and static files included). The CSP allows only the app's own scripts, styles and images,
plus ``data:`` images and fonts the grid and map CSS embed, the tile server when one is
configured, and inline styles, which the Dash components write at run time. Dash's one inline
script (the renderer's start-up line) is allowed by its hash (``Dash.csp_hashes``); its inline
config block is JSON, not script.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import dash
from flask import Flask, Response, request
from flask_talisman import Talisman

from layers.page_scripts import without_polyfill

API_PREFIX = "/api/v1"
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


class SafeDash(dash.Dash):
    """A Dash app whose development server never serves the Werkzeug debugger or its console.

    Its page loads regenerator-runtime in place of Dash's @babel/polyfill (``interpolate_index``).

    ``DXMAP_DEBUG=1`` still turns on Dash's dev tools (hot reload, callback graph); the
    interactive debugger would let anyone who reaches the port run Python, so it stays off.
    """

    def run(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102
        kwargs["use_debugger"] = False
        kwargs["use_evalex"] = False
        return super().run(*args, **kwargs)

    def interpolate_index(self, **kwargs: Any) -> str:
        """Return the index page without Dash's @babel/polyfill (layers/page_scripts.py: why)."""
        kwargs["scripts"] = without_polyfill(kwargs.get("scripts", ""))
        return super().interpolate_index(**kwargs)


def tile_source(tile_url: str) -> str | None:
    """Return the CSP source of a tile URL template (``{s}`` subdomains become ``*``)."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = _PLACEHOLDER.sub("*", parts.netloc)
    return f"{parts.scheme}://{host}"


def content_security_policy(app: dash.Dash, tile_url: str = "") -> dict[str, Any]:
    """Return the CSP of the app (Talisman's dict form)."""
    images = ["'self'", "data:"]
    if source := tile_source(tile_url):
        images.append(source)
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *app.csp_hashes()],
        # Dash's renderer, dcc, Leaflet, plotly.js and AG Grid set inline styles and insert
        # <style> elements at run time; none can take a nonce. Scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def install_security(app: dash.Dash, tile_url: str = "", secure_cookies: bool = False) -> Talisman:
    """Set the security headers on every response of ``app.server``; CORS on ``GET /api/v1``."""
    server: Flask = app.server
    talisman = Talisman(
        server,
        force_https=False,  # TLS ends at the reverse proxy; Secure cookies follow the setting
        strict_transport_security=secure_cookies,
        session_cookie_secure=secure_cookies,
        session_cookie_http_only=True,
        frame_options="DENY",
        content_security_policy=content_security_policy(app, tile_url),
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure_cookies,
    )

    @server.after_request
    def cross_origin(response: Response) -> Response:
        # Read-only public data may be read by scripts on other origins; nothing else may.
        is_api = request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
        if not (is_api and request.method in ("GET", "HEAD")):
            response.headers.pop("Access-Control-Allow-Origin", None)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return talisman
