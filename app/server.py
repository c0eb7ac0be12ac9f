"""``dxmap serve``: gunicorn in production, Flask's development server only with ``--dev``.

Under gunicorn the app (and so the store's first initialisation) is built once, in the master
process, before the workers are forked (``preload_app``); ``gc.freeze()`` then moves everything
built so far out of the collector's reach, so the workers share those pages instead of copying
them. No database connection crosses the fork: the engine's pool is emptied first.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any

import dash
from gunicorn.app.base import BaseApplication

from app.settings import Settings

log = logging.getLogger("dxmap")

#: Threads per gunicorn worker (``gthread``): a browser opens several connections at once.
THREADS = 4
#: Seconds a request may take before gunicorn restarts its worker (large exports).
TIMEOUT = 120


def build_app(settings: Settings, *, dev_tools: bool = False) -> dash.Dash:
    """Build the app, initialising an empty store, then freeze the garbage collector.

    Parameters
    ----------
    settings : Settings
        The runtime settings.
    dev_tools : bool
        Turn on Dash's dev tools (error pop-ups, prop checks); never Werkzeug's debugger.
    """
    from app.factory import create_app  # lazily: the CLI's --help must not build an app

    app = create_app(settings)
    if dev_tools:
        app.enable_dev_tools(debug=True, dev_tools_hot_reload=False)
    app.server.debug = False  # Werkzeug's interactive debugger (a console) is never served
    register_page_scripts(app)
    warm(app)
    engine = app.server.extensions.get("dxmap.engine")
    if engine is not None:
        engine.dispose()  # no pooled connection is inherited by the forked workers
    gc.freeze()
    return app


def register_page_scripts(app: dash.Dash) -> None:
    """Run Dash's first-request set-up and render the page once, before the fork.

    Dash sets a worker up on its first request, marking it done *before* it registers the
    component scripts it may serve: a request arriving meanwhile on another thread (a browser
    asks for twenty scripts at once) was answered 500. Done here, every worker inherits it.
    """
    with app.server.test_request_context(app.config.requests_pathname_prefix):
        app._setup_server()  # noqa: SLF001 - Dash has no public hook for this set-up
        app.index()


def warm(app: dash.Dash) -> None:
    """Compute the first view's answers once, before the fork: every worker inherits them."""
    started = time.perf_counter()
    try:
        app.server.extensions["dxmap.warm"]()
    except Exception:  # a view that cannot be computed now is computed on the first request
        log.warning("the first view could not be computed ahead", exc_info=True)
        return
    log.info("first view computed ahead in %.1f s", time.perf_counter() - started)


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class _Gunicorn(BaseApplication):
    """gunicorn run in-process with a ready WSGI app (no gunicorn command line parsing)."""

    def __init__(self, wsgi: Any, options: dict[str, Any]) -> None:
        self._wsgi = wsgi
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # some exist only in newer gunicorns
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self._wsgi


def gunicorn_options(settings: Settings, workers: int) -> dict[str, Any]:
    """Return the gunicorn settings ``dxmap serve`` runs with."""
    return {
        "bind": [_bind(settings.host, settings.port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": TIMEOUT,
        "preload_app": True,
        "proc_name": "dxmap",
        # newer gunicorns open a control socket, one path per user: two servers would share it.
        "control_socket_disable": True,
    }


def serve(settings: Settings, *, workers: int, dev: bool = False) -> None:
    """Serve the app until interrupted.

    Parameters
    ----------
    settings : Settings
        Host, port, store and the rest.
    workers : int
        gunicorn worker processes (ignored with ``dev``).
    dev : bool
        Use Flask's development server (one process, threads) instead of gunicorn; with
        ``DXMAP_DEBUG=1`` it also turns on Dash's dev tools.
    """
    if dev:
        app = build_app(settings, dev_tools=settings.debug)
        log.info("development server on http://%s/", _bind(settings.host, settings.port))
        app.server.run(
            host=settings.host,
            port=settings.port,
            debug=False,
            use_reloader=False,
            use_debugger=False,
            threaded=True,
        )
        return
    if settings.debug:
        log.warning("DXMAP_DEBUG only applies to 'dxmap serve --dev'; gunicorn serves without it")
    app = build_app(settings)
    log.info(
        "serving on http://%s/ with gunicorn, %d worker process(es)",
        _bind(settings.host, settings.port),
        workers,
    )
    _Gunicorn(app.server, gunicorn_options(settings, workers)).run()
