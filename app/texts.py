"""Texts of the server-rendered pages (sign-in, import, outage) in Vietnamese and English."""

from __future__ import annotations

LANGS = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "outage": {
        "vi": "Không kết nối được cơ sở dữ liệu. Bản đồ sẽ tự tải lại khi kết nối được khôi phục.",
        "en": "The database cannot be reached. The map reloads by itself once it is back.",
    },
}


def lang_of(value: str | None) -> str:
    """Return ``value`` if it is a supported language, else Vietnamese."""
    return value if value in LANGS else "vi"


def tr(key: str, lang: str | None = "vi", **values: object) -> str:
    """Return the text ``key`` in ``lang`` (Vietnamese when unknown), formatted with ``values``."""
    entry = TEXTS[key]
    return entry[lang_of(lang)].format(**values) if values else entry[lang_of(lang)]
