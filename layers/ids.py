"""Every Dash component id of the page, in one place (callbacks and tests import them from here)."""

from __future__ import annotations

# Page state
URL = "url"
VIEW = "view-state"

# Header
TITLE = "title"
SYNTHETIC_BADGE = "synthetic-badge"
LANG = "lang"

# Controls
SEARCH = "search"
INDICATOR = "indicator"
INDICATOR_HELP = "indicator-help"
PERIOD = "period"
VINTAGE = "vintage"
SCHEME = "scheme"
NOTICE = "notice"

# Map
MAP = "map"
UNITS = "units-layer"
VILLAGES = "villages-layer"
LEGEND = "legend"
ATTRIBUTION = "attribution"
INSET = "inset"
INSET_MAP = "inset-map"
INSET_UNITS = "inset-units-layer"
INSET_LABEL = "inset-label"
BREADCRUMB = "breadcrumb"

# Detail
SUMMARY = "summary"
TABLE = "unit-table"

# Pattern-matching id types: {"type": CRUMB, "index": code} and {"type": LABEL, "key": text key}
CRUMB = "crumb"
LABEL = "label"


def crumb(code: str) -> dict[str, str]:
    """Return the id of a breadcrumb button that selects ``code`` ("" for the whole area)."""
    return {"type": CRUMB, "index": code}


def label(key: str) -> dict[str, str]:
    """Return the id of a static text element translated by the language switch."""
    return {"type": LABEL, "key": key}
