"""The header's tools: links to the API documentation and the import page, a copy-link button.

The copy-link button is wired in the browser (``assets/dxmap-ui.js``), with no server round
trip: it copies the page's URL (which holds the whole view) to the clipboard and, where the
clipboard is refused, shows the URL in a selected text box to copy by hand.
"""

from __future__ import annotations

from dash import html

from layers import ids
from layers.i18n import t


def _label(key: str, lang: str, **props: object) -> html.Span:
    return html.Span(t(key, lang), id=ids.label(key), **props)


def header_tools(lang: str, prefix: str = "/") -> html.Div:
    """Return the API and import links, the copy-link button, its fallback box and status line."""
    return html.Div(
        [
            html.A(
                [
                    html.Span("API", className="dxmap-tool-short", **{"aria-hidden": "true"}),
                    _label("api_link", lang, className="dxmap-tool-long"),
                ],
                id=ids.API_LINK,
                href=f"{prefix}api/v1/docs",
                className="dxmap-header-link",
            ),
            html.A(
                _label("import_link", lang),
                id=ids.IMPORT_LINK,
                href=f"{prefix}import/?lang={lang}",  # the page's language, kept on a click
                className="dxmap-header-link dxmap-header-import",
                title=t("import_link_title", lang),
            ),
            html.Button(
                [
                    _label("copy_link", lang, className="dxmap-tool-long"),
                    _label("copy_link_short", lang, className="dxmap-tool-short"),
                ],
                id=ids.COPY_LINK,
                n_clicks=0,
                type="button",
                className="dxmap-header-button",
                title=t("copy_link", lang),
            ),
            html.Textarea(
                id=ids.COPY_LINK_BOX,
                readOnly="readOnly",
                rows=1,
                hidden=True,
                className="dxmap-copy-box",
                title=t("link_copy_by_hand", lang),
                **{"aria-label": t("link_copy_by_hand", lang)},
            ),
            html.Span(
                [
                    _label("link_copied", lang, className="dxmap-copied", hidden=True),
                    _label("link_copy_by_hand", lang, className="dxmap-copy-hand", hidden=True),
                ],
                id=ids.COPY_LINK_STATUS,
                className="dxmap-copy-status",
                role="status",
                **{"aria-live": "polite"},
            ),
        ],
        className="dxmap-header-tools",
    )
