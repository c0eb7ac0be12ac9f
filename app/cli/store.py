"""What every ``dxmap`` command needs: settings, the store opened (never created), errors."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.settings import Settings

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: its message is shown on stderr, without a traceback."""


def load_settings() -> Settings:
    """Return the settings from the environment."""
    return Settings.from_env()


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///") :].split("?", 1)[0])
    return None


def redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for a message
        return "(unparsable URL)"


def open_store(settings: Settings) -> Engine:
    """Open an initialised store, or fail saying how to create one (never create it here)."""
    from geodata.store.engine import make_engine, schema_exists

    path = _sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        raise CliError(f"no store at {path}: run 'dxmap init' first (or set DXMAP_DATABASE_URL)")
    engine = make_engine(settings.database_url)
    try:
        ready = schema_exists(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise CliError(
            f"cannot open the store {redacted(settings.database_url)}: {exc.__class__.__name__}: "
            f"{str(exc.orig if hasattr(exc, 'orig') and exc.orig else exc).strip()}"
        ) from exc
    if not ready:
        engine.dispose()
        raise CliError(
            f"the store {redacted(settings.database_url)} is not initialised: run 'dxmap init'"
        )
    return engine


def default_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - getuser fails without a login name
        return "cli"
