"""WSGI entry for gunicorn (``gunicorn app.wsgi:server``); ``dxmap serve`` needs no such file.

Without ``--preload`` every worker imports this module and builds its own app: an empty store is
then initialised by the first worker while the others wait for its lock
(:func:`geodata.store.init_transaction`).
"""

from __future__ import annotations

from app.server import build_app
from app.settings import Settings

app = build_app(Settings.from_env())
server = app.server
