"""WSGI entry for gunicorn (``gunicorn app.wsgi:server``): the only module building an app."""

from __future__ import annotations

from app.factory import create_app
from app.settings import Settings

app = create_app(Settings.from_env())
server = app.server
