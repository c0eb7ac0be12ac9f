"""The one place that reads the environment (prefix ``DXMAP_``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

PREFIX = "DXMAP_"
REPO_ROOT = Path(__file__).resolve().parent.parent
#: The source checkout dxmap runs from, or ``None`` when it is installed from a wheel.
CHECKOUT = REPO_ROOT if (REPO_ROOT / "pyproject.toml").is_file() else None


class SettingsError(ValueError):
    """A setting has a value dxmap cannot use."""


def assets_dir() -> Path:
    """Return the folder of the web assets (``dxmap.js``, ``dxmap.css``).

    Installed from a wheel they are the package data ``app/assets``; in a checkout they are the
    repository's top-level ``assets/`` folder.
    """
    packaged = resources.files("app") / "assets"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return REPO_ROOT / "assets"


def _default_geodata_dir() -> Path | None:
    """``../shared/geodata`` beside the checkout (or beside the working directory)."""
    bases = [CHECKOUT] if CHECKOUT is not None else []
    for base in (*bases, Path.cwd()):
        candidate = (base / ".." / "shared" / "geodata").resolve()
        if candidate.is_dir():
            return candidate
    return None


def _default_instance_dir() -> Path:
    """``instance/`` in the working directory (never inside the installed package)."""
    return Path.cwd() / "instance"


#: URL schemes of the stores dxmap supports (``postgresql://`` means psycopg 3).
DATABASE_SCHEMES = ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg")


def _check_database_url(url: str) -> None:
    """Refuse a database URL dxmap cannot use, naming the setting (never a driver traceback)."""
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in DATABASE_SCHEMES:
        shown = scheme if sep else url[:40]
        raise SettingsError(
            f"{PREFIX}DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL, "
            f"got {shown + '://…' if sep else repr(shown)}"
        )


@dataclass(frozen=True)
class Settings:
    """Runtime settings; tests build this directly, entry points use :meth:`from_env`."""

    database_url: str = ""
    area: str = "brvt"  # DXMAP_AREA: a shipped area (brvt, hcm, vn) or a manifest path
    geodata_dir: Path | None = field(default_factory=_default_geodata_dir)
    instance_dir: Path = field(default_factory=_default_instance_dir)
    tile_url: str = ""
    tile_attribution: str = ""
    secret_key: str = ""  # empty: a random key in <instance>/secret_key (app/web/secret_key.py)
    host: str = "127.0.0.1"
    port: int = 8050
    workers: int = 2
    default_indicator: str = "fibre_households"
    default_period: str = "2024"
    default_vintage: str = "2020"
    max_upload_bytes: int = 5 * 1024 * 1024
    demo_periods: int | None = None  # DXMAP_DEMO_PERIODS: periods the synthetic demo makes
    debug: bool = False
    # Accounts and HTTP security (app/web/security.py, app/web/auth.py)
    private: bool = False  # DXMAP_PRIVATE=1: every page needs a signed-in user
    secure_cookies: bool = False  # DXMAP_SECURE_COOKIES=1 behind HTTPS: Secure cookies, HSTS
    proxy_hops: int = 0  # DXMAP_PROXY_HOPS: trusted reverse proxies (X-Forwarded-* via ProxyFix)

    def __post_init__(self) -> None:
        if not self.database_url:
            name = "dxmap" if self.area == "brvt" else f"dxmap-{Path(self.area).stem}"
            object.__setattr__(
                self,
                "database_url",
                f"sqlite:///{(self.instance_dir / f'{name}.sqlite').resolve()}",
            )
        if self.geodata_dir is not None:
            object.__setattr__(self, "geodata_dir", Path(self.geodata_dir))
        if not (0 < self.port < 65536):
            raise SettingsError(f"{PREFIX}PORT must be between 1 and 65535, got {self.port}")
        if self.workers < 1:
            raise SettingsError(f"{PREFIX}WORKERS must be at least 1, got {self.workers}")
        _check_database_url(self.database_url)
        if self.demo_periods is not None and not 1 <= self.demo_periods <= 50:
            raise SettingsError(
                f"{PREFIX}DEMO_PERIODS must be a whole number from 1 to 50, got {self.demo_periods}"
            )
        if self.max_upload_bytes <= 0:
            raise SettingsError(
                f"{PREFIX}MAX_UPLOAD_BYTES must be positive, got {self.max_upload_bytes}"
            )

    def require_geodata_dir(self) -> Path:
        """Return the boundary-file directory or fail with a message saying how to set it."""
        if self.geodata_dir is None or not Path(self.geodata_dir).is_dir():
            raise SettingsError(
                f"boundary files not found: set {PREFIX}GEODATA_DIR to the folder that holds "
                f"the files named in the area manifest (got {self.geodata_dir!s})"
            )
        return Path(self.geodata_dir)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``DXMAP_*`` environment variables; fail early on bad values."""
        env = os.environ if environ is None else environ
        kwargs: dict[str, object] = {}
        text = {
            "DATABASE_URL": "database_url",
            "AREA": "area",
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
        for name, attr in {
            "PORT": "port",
            "WORKERS": "workers",
            "MAX_UPLOAD_BYTES": "max_upload_bytes",
            "DEMO_PERIODS": "demo_periods",
        }.items():
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
