"""Every Dash component id of the page, in one place (callbacks and tests import them from here)."""

from __future__ import annotations

# Page state
URL = "url"
VIEW = "view-state"
NAV = "nav-target"  # {"code": …, "at": ms}: a map click, breadcrumb or table button (browser)
MAP_DATA = "map-data"  # what the map layers draw: geometry URLs and hideouts (one per view)
LABEL_TEXTS = "label-texts"  # {text key: text} of the page's labels, sent on a language change
MAP_DRAWN = "map-drawn"  # set once by the browser when the first view has drawn (assets/dxmap.js)

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
PERIOD_SLIDER = "period-slider"  # the periods on the map, with a play button
PERIOD_PLAY = "period-play"
PERIOD_TICK = "period-tick"  # dcc.Interval: one period per tick while playing

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
VILLAGE_CARD = "village-card"  # the card of a clicked village (village=CODE in the URL)
VILLAGE_BODY = "village-card-body"
VILLAGE_TITLE = "village-card-title"
VILLAGE_CLOSE = "village-card-close"

# Detail
SUMMARY = "summary"
TABLE = "unit-table"

# Analysis tabs beside the map: the active tab (a store), one button and one panel per tab
SKIP_TO_TABLE = "skip-to-table"
PANEL = "active-panel"
TAB_DETAIL = "tab-detail"
TAB_COMPARE = "tab-compare"
TAB_GAPS = "tab-gaps"
TAB_TRENDS = "tab-trends"
TAB_TABLE = "tab-table"
PANEL_DETAIL = "panel-detail"
PANEL_COMPARE = "panel-compare"
PANEL_GAPS = "panel-gaps"
PANEL_TRENDS = "panel-trends"
PANEL_TABLE = "panel-table"
# Scorecard (detail tab)
SCORECARD = "scorecard"
COMPARE_ADD = "compare-add"
# Compare tab
COMPARE_PICK = "compare-pick"
# which options the compare list holds ("vintage|lang"), written with them (callbacks/analysis.py)
COMPARE_OPTIONS = "compare-options"
COMPARE_MATRIX = "compare-matrix"
RANKING = "ranking"
RANKING_TITLE = "ranking-title"
# Gap register tab
GAP_LEVEL = "gap-level"
GAP_SUMMARY = "gap-summary"
GAP_GRID = "gap-grid"
GAP_CSV = "gap-csv"
GAP_XLSX = "gap-xlsx"
GAP_GEOJSON = "gap-geojson"
GAP_DOWNLOAD = "gap-download"
GAP_GROUP = "gap-group"  # group the register's rows by district or commune
GAP_POINTS = "gap-points"  # every gap village of the area (a store; drawn while the tab is open)
GAP_VILLAGES = "gap-villages-layer"
# Trends tab
TREND = "trend"
TREND_NOTE = "trend-note"
TREND_TABLE = "trend-table"

# Download of the current view
DOWNLOAD = "download"
DOWNLOAD_FORMAT = "download-format"
DOWNLOAD_SCOPE = "download-scope"
DOWNLOAD_BELOW = "download-below-target"
DOWNLOAD_CRS = "download-crs"
DOWNLOAD_CRS_BOX = "download-crs-box"
DOWNLOAD_BUTTON = "download-button"
DOWNLOAD_MESSAGE = "download-message"

# Pattern-matching id types: {"type": CRUMB, "index": code} and {"type": LABEL, "key": text key}
CRUMB = "crumb"
LABEL = "label"
PICK = "table-pick"  # {"type": PICK, "index": code}: a unit's name button in the table view


def crumb(code: str) -> dict[str, str]:
    """Return the id of a breadcrumb button that selects ``code`` ("" for the whole area)."""
    return {"type": CRUMB, "index": code}


def label(key: str) -> dict[str, str]:
    """Return the id of a static text element translated by the language switch."""
    return {"type": LABEL, "key": key}


def pick(code: str) -> dict[str, str]:
    """Return the id of the table view's button that selects unit ``code``."""
    return {"type": PICK, "index": code}


# Header tools (assets/dxmap-ui.js): API link, copy link with its fallback box and status
API_LINK = "api-link"
IMPORT_LINK = "import-link"  # to /import/ (sign-in first); its lang follows the page
COPY_LINK = "copy-link"
COPY_LINK_BOX = "copy-link-box"
COPY_LINK_STATUS = "copy-link-status"
# Print brief and PNG of the map
MAP_TOOLS = "map-tools"
PRINT_BUTTON = "print-button"
PNG_BUTTON = "png-button"
BRIEF = "print-brief"
BRIEF_READY = "print-brief-ready"
BRIEF_MAP = "print-brief-map"
LEGEND_TOGGLE = "legend-toggle"
INSET_TOGGLE = "inset-toggle"
