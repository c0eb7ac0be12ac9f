"""The web side around the map: accounts, input guards, outage handling, security headers.

``install_web`` is called last by ``create_app``: the CSP hashes Dash's inline scripts, so every
callback must be registered before it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from app.settings import Settings
from app.web.auth import install_auth
from app.web.callback_guard import install_callback_guard, one_of, text, texts, view_state
from app.web.import_page import install_import_page
from app.web.outage import install_outage_handling
from app.web.security import install_security
from callbacks.view_state import MAX_COMPARE, QUERY_KEYS, Choices
from layers import ids
from layers.panels import TABS


def callback_validators(
    choices: Choices | Callable[[], Choices],
) -> dict[tuple[str, ...], object]:
    """Return the validators of the page's inputs that hold a choice, a code or the view.

    ``choices`` may be a function (read per request, so that the choices follow the store).
    """

    def allowed(key: str) -> Callable[[], Sequence[str]]:
        return lambda: (choices() if callable(choices) else choices).allowed(key)

    validators: dict[tuple[str, ...], object] = {
        (ids.VIEW, "data"): view_state(choices, QUERY_KEYS, MAX_COMPARE),
        # As a State (downloads), a forged view reaches the callback, which says what is wrong.
        (ids.VIEW, "data", "state"): view_state(None, QUERY_KEYS, MAX_COMPARE),
        (ids.PANEL, "data"): one_of([key for key, _tab, _panel in TABS]),
        (ids.SEARCH, "value"): text(64),
        (ids.COMPARE_PICK, "value"): texts(MAX_COMPARE, 32),
        (ids.COMPARE_OPTIONS, "data"): text(64),  # "vintage|lang" of the list's options
    }
    for control, key in (
        (ids.INDICATOR, "indicator"),
        (ids.PERIOD, "period"),
        (ids.VINTAGE, "vintage"),
        (ids.SCHEME, "scheme"),
        (ids.LANG, "lang"),
    ):
        validators[(control, "value")] = one_of(allowed(key))
    return validators


def install_web(
    app: dash.Dash,
    settings: Settings,
    engine: Engine,
    choices: Choices | Callable[[], Choices],
) -> None:
    """Install everything around the map on ``app.server``."""
    prefix = app.config.routes_pathname_prefix
    if settings.proxy_hops:  # behind a reverse proxy: trust its X-Forwarded-* headers
        app.server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.server.wsgi_app,
            x_for=settings.proxy_hops,
            x_proto=settings.proxy_hops,
            x_host=settings.proxy_hops,
            x_prefix=settings.proxy_hops,
        )
    install_outage_handling(app.server, engine, prefix)
    install_auth(app.server, engine, private=settings.private)
    install_import_page(app.server, engine, settings.instance_dir, settings.max_upload_bytes)
    install_callback_guard(app, callback_validators(choices))  # type: ignore[arg-type]
    install_security(app, settings.tile_url, settings.secure_cookies)
