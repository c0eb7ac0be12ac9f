"""The Flask secret key: from ``DXMAP_SECRET_KEY``, else generated once and kept in the instance.

A key that is a known default is refused unless ``DXMAP_DEBUG=1``: anyone could forge a session
cookie with it. Without ``DXMAP_SECRET_KEY`` the key is ``<instance>/secret_key`` (mode 0600),
created on first start, so the one-command start still works and sessions survive restarts and
are shared by the workers of one instance.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import time
from pathlib import Path

from app.settings import PREFIX, Settings, SettingsError

log = logging.getLogger(__name__)
KNOWN_DEFAULTS = frozenset(
    {"dev-only-not-secret", "dev", "secret", "changeme", "change-me", "secret-key", "dxmap"}
)
MIN_LENGTH = 16
FILE_NAME = "secret_key"


def _read(path: Path) -> str:
    for _ in range(50):  # another worker may be writing it right now
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
        time.sleep(0.02)
    raise SettingsError(f"{path} is empty: delete it to have a new key generated")


def _create(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    temp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
        try:
            os.link(temp, path)  # atomic, and never replaces a key another process made
        except FileExistsError:
            return _read(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    log.info("generated a secret key in %s", path)
    return key


def resolve_secret_key(settings: Settings) -> str:
    """Return the secret key to use, or refuse a known default outside debug mode."""
    key = settings.secret_key
    if key:
        if (key in KNOWN_DEFAULTS or len(key) < MIN_LENGTH) and not settings.debug:
            raise SettingsError(
                f"{PREFIX}SECRET_KEY is a known default or shorter than {MIN_LENGTH} characters: "
                f"set a long random value, or unset it to use a generated key kept in "
                f"{Path(settings.instance_dir) / FILE_NAME}"
            )
        return key
    path = Path(settings.instance_dir) / FILE_NAME
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
            log.warning("%s was readable by others; its mode is now 0600", path)
        return _read(path)
    return _create(path)
