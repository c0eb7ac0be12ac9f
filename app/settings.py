"""The one place that reads the environment (prefix ``DXMAP_``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "DXMAP_"
REPO_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value dxmap cannot use."""


def _default_geodata_dir() -> Path | None:
    """``../shared/geodata`` beside the checkout (or beside the working directory)."""
    for base in (REPO_ROOT, Path.cwd()):
        candidate = (base / ".." / "shared" / "geodata").resolve()
        if candidate.is_dir():
            return candidate
    return None


def _default_instance_dir() -> Path:
    return REPO_ROOT / "instance"


@dataclass(frozen=True)
class Settings:
    """Runtime settings; tests build this directly, entry points use :meth:`from_env`."""

    database_url: str = ""
    geodata_dir: Path | None = field(default_factory=_default_geodata_dir)
    instance_dir: Path = field(default_factory=_default_instance_dir)
    tile_url: str = ""
    tile_attribution: str = ""
    secret_key: str = ""  # empty: a random key kept in <instance>/secret_key (app/auth_keys.py)
    host: str = "127.0.0.1"
    port: int = 8050
    default_indicator: str = "fibre_households"
    default_period: str = "2024"
    default_vintage: str = "2020"
    max_upload_bytes: int = 5 * 1024 * 1024
    debug: bool = False
    # Accounts and HTTP security (app/security.py, app/auth.py)
    private: bool = False  # DXMAP_PRIVATE=1: every page needs a signed-in user
    secure_cookies: bool = False  # DXMAP_SECURE_COOKIES=1 behind HTTPS: Secure cookies, HSTS
    proxy_hops: int = 0  # DXMAP_PROXY_HOPS: trusted reverse proxies (X-Forwarded-* via ProxyFix)

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(
                self, "database_url", f"sqlite:///{(self.instance_dir / 'dxmap.sqlite').resolve()}"
            )
        if self.geodata_dir is not None:
            object.__setattr__(self, "geodata_dir", Path(self.geodata_dir))
        if not (0 < self.port < 65536):
            raise SettingsError(f"{PREFIX}PORT must be between 1 and 65535, got {self.port}")
        if self.max_upload_bytes <= 0:
            raise SettingsError(
                f"{PREFIX}MAX_UPLOAD_BYTES must be positive, got {self.max_upload_bytes}"
            )

    def require_geodata_dir(self) -> Path:
        """Return the boundary-file directory or fail with a message saying how to set it."""
        if self.geodata_dir is None or not Path(self.geodata_dir).is_dir():
            raise SettingsError(
                f"boundary files not found: set {PREFIX}GEODATA_DIR to the folder that holds "
                f"the files named in geodata/data/boundaries.toml (got {self.geodata_dir!s})"
            )
        return Path(self.geodata_dir)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``DXMAP_*`` environment variables; fail early on bad values."""
        env = os.environ if environ is None else environ
        kwargs: dict[str, object] = {}
        text = {
            "DATABASE_URL": "database_url",
            "TILE_URL": "tile_url",
            "TILE_ATTRIBUTION": "tile_attribution",
            "SECRET_KEY": "secret_key",
            "HOST": "host",
            "DEFAULT_INDICATOR": "default_indicator",
            "DEFAULT_PERIOD": "default_period",
            "DEFAULT_VINTAGE": "default_vintage",
        }
        for name, attr in text.items():
            if PREFIX + name in env:
                kwargs[attr] = env[PREFIX + name]
        for name, attr in {"GEODATA_DIR": "geodata_dir", "INSTANCE_DIR": "instance_dir"}.items():
            if env.get(PREFIX + name):
                kwargs[attr] = Path(env[PREFIX + name]).expanduser()
        for name, attr in {"PORT": "port", "MAX_UPLOAD_BYTES": "max_upload_bytes"}.items():
            if PREFIX + name in env:
                try:
                    kwargs[attr] = int(env[PREFIX + name])
                except ValueError:
                    raise SettingsError(
                        f"{PREFIX}{name} must be an integer, got {env[PREFIX + name]!r}"
                    ) from None
        if PREFIX + "DEBUG" in env:
            value = env[PREFIX + "DEBUG"].strip().lower()
            if value not in {"0", "1", "true", "false", "yes", "no", ""}:
                raise SettingsError(f"{PREFIX}DEBUG must be 0 or 1, got {value!r}")
            kwargs["debug"] = value in {"1", "true", "yes"}
        kwargs.update(_web_flags(env))
        return cls(**kwargs)  # type: ignore[arg-type]


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in {"0", "1", "true", "false", "yes", "no", ""}:
        raise SettingsError(f"{PREFIX}{name} must be 0 or 1, got {value!r}")
    return value in {"1", "true", "yes"}


def _web_flags(env: dict[str, str] | os._Environ[str]) -> dict[str, object]:
    """Read the accounts and HTTP-security settings (``PRIVATE``, ``SECURE_COOKIES``, …)."""
    out: dict[str, object] = {}
    for name, attr in {"PRIVATE": "private", "SECURE_COOKIES": "secure_cookies"}.items():
        if PREFIX + name in env:
            out[attr] = _flag(name, env[PREFIX + name])
    if PREFIX + "PROXY_HOPS" in env:
        raw = env[PREFIX + "PROXY_HOPS"]
        if not (raw.strip().isascii() and raw.strip().isdigit()) or not 0 <= int(raw) <= 5:
            raise SettingsError(f"{PREFIX}PROXY_HOPS must be 0 to 5, got {raw!r}")
        out["proxy_hops"] = int(raw)
    return out
