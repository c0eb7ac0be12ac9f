"""The one View of the map, the API, the CLI and the exports: parsed once, then passed down."""

from __future__ import annotations

from geodata.view.choices import (
    CODE_PATTERN,
    LANGS,
    MAX_COMPARE,
    PERIOD_PATTERN,
    SCHEMES,
    Choices,
    parse_flag,
    store_choices,
)
from geodata.view.errors import ViewError
from geodata.view.value import DATA_KEYS, DEFAULT_LANG, DEFAULT_SCHEME, View

__all__ = [
    "CODE_PATTERN",
    "Choices",
    "DATA_KEYS",
    "DEFAULT_LANG",
    "DEFAULT_SCHEME",
    "LANGS",
    "MAX_COMPARE",
    "PERIOD_PATTERN",
    "SCHEMES",
    "View",
    "ViewError",
    "parse_flag",
    "store_choices",
]
