"""The "download what is on screen" control: format, indicators, below-target, CRS, button."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layers import ids
from layers.controls import text
from layers.i18n import t

#: Export formats (value, label); the labels are names of formats, the same in every language.
FORMATS = (
    ("geojson", "GeoJSON"),
    ("csv", "CSV"),
    ("xlsx", "XLSX"),
    ("gpkg", "GeoPackage"),
)
DEFAULT_FORMAT = "geojson"
SCOPES = ("indicator", "all")
DEFAULT_SCOPE = "indicator"
BELOW = "below"
#: GeoPackage coordinate systems (value as ``geodata.exports.crs`` knows it, label key).
CRS_CHOICES = (("wgs84", "download_crs_wgs84"), ("vn2000-tm3-10745", "download_crs_vn2000"))
DEFAULT_CRS = "wgs84"


def format_options() -> list[dict[str, str]]:
    """Return the format options."""
    return [{"label": label, "value": value} for value, label in FORMATS]


def scope_options(lang: str) -> list[dict[str, str]]:
    """Return "this indicator" / "all indicators" in ``lang``."""
    return [{"label": t(f"download_scope_{scope}", lang), "value": scope} for scope in SCOPES]


def below_options(lang: str) -> list[dict[str, str]]:
    """Return the single "only units below target" option in ``lang``."""
    return [{"label": t("download_below", lang), "value": BELOW}]


def crs_options(lang: str) -> list[dict[str, str]]:
    """Return the GeoPackage coordinate systems in ``lang``."""
    return [{"label": t(key, lang), "value": value} for value, key in CRS_CHOICES]


def crs_hidden(fmt: str | None) -> bool:
    """Tell whether the coordinate-system choice is hidden (it applies to GeoPackage only)."""
    return fmt != "gpkg"


def download_message(message: str, ok: bool) -> html.Span:
    """Return the status line after a download: the file name, or what went wrong."""
    if ok:
        return html.Span(message, className="dxmap-download-ok")
    return html.Span(message, className="dxmap-download-error", role="alert")


def _group(key: str, lang: str, control: Any, **props: Any) -> html.Div:
    return html.Div(
        [text(key, lang, html.Span, className="dxmap-download-label"), control],
        className="dxmap-download-group",
        **props,
    )


def download_box(lang: str, fmt: str = DEFAULT_FORMAT) -> html.Section:
    """Return the download section of the control panel, with its ``dcc.Download``."""
    return html.Section(
        [
            text("download", lang, html.H2, className="dxmap-download-title"),
            text("download_hint", lang, html.P, className="dxmap-download-hint"),
            _group(
                "download_format",
                lang,
                dcc.RadioItems(
                    id=ids.DOWNLOAD_FORMAT,
                    options=format_options(),
                    value=fmt,
                    inline=True,
                    className="dxmap-download-choice dxmap-download-grid",
                ),
            ),
            _group(
                "download_scope",
                lang,
                dcc.RadioItems(
                    id=ids.DOWNLOAD_SCOPE,
                    options=scope_options(lang),
                    value=DEFAULT_SCOPE,
                    inline=True,
                    className="dxmap-download-choice",
                ),
            ),
            dcc.Checklist(
                id=ids.DOWNLOAD_BELOW,
                options=below_options(lang),
                value=[],
                className="dxmap-download-choice dxmap-download-below",
            ),
            _group(
                "download_crs",
                lang,
                dcc.RadioItems(
                    id=ids.DOWNLOAD_CRS,
                    options=crs_options(lang),
                    value=DEFAULT_CRS,
                    className="dxmap-download-choice",
                ),
                id=ids.DOWNLOAD_CRS_BOX,
                hidden=crs_hidden(fmt),
            ),
            html.Button(
                text("download_button", lang),
                id=ids.DOWNLOAD_BUTTON,
                n_clicks=0,
                type="button",
                className="dxmap-download-button",
            ),
            html.Div(id=ids.DOWNLOAD_MESSAGE, className="dxmap-download-message", role="status"),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        className="dxmap-download",
    )
