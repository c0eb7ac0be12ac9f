"""The analysis tabs beside the map: tab bar, skip link and one panel per tab (all mounted).

The panels stay in the page and are shown or hidden (``hidden``) by a clientside callback, so
switching tabs is instant, the table view is always in the document for assistive technology,
and the map and charts are never unmounted. Tabs follow the WAI-ARIA tabs pattern: buttons with
``role="tab"``, ``aria-selected`` and ``aria-controls``, arrow keys move between them
(``assets/dxmap.js``).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from layers import controls, gap_register, ids
from layers.comparison import empty_figure
from layers.i18n import DROPDOWN_LABELS, t

TABS = (
    ("detail", ids.TAB_DETAIL, ids.PANEL_DETAIL),
    ("compare", ids.TAB_COMPARE, ids.PANEL_COMPARE),
    ("gaps", ids.TAB_GAPS, ids.PANEL_GAPS),
    ("trends", ids.TAB_TRENDS, ids.PANEL_TRENDS),
    ("table", ids.TAB_TABLE, ids.PANEL_TABLE),
)
GRAPH_CONFIG = {"displayModeBar": False}


def skip_link(lang: str) -> html.Button:
    """Return the first focusable element: jump past the map to the table view."""
    return html.Button(
        html.Span(t("skip_to_table", lang), id=ids.label("skip_to_table")),
        id=ids.SKIP_TO_TABLE,
        n_clicks=0,
        className="dxmap-skip-link",
    )


def tab_bar(lang: str, active: str = "detail") -> html.Div:
    """Return the tab list (one button per tab, the active one selected)."""
    return html.Div(
        [
            html.Button(
                html.Span(t(f"tab_{key}", lang), id=ids.label(f"tab_{key}")),
                id=tab_id,
                n_clicks=0,
                role="tab",
                tabIndex="0" if key == active else "-1",
                className="dxmap-tab",
                **{
                    "aria-selected": "true" if key == active else "false",
                    "aria-controls": panel_id,
                },
            )
            for key, tab_id, panel_id in TABS
        ],
        role="tablist",
        className="dxmap-tabs",
        **{"aria-label": t("tabs_label", lang)},
    )


def loading(children: Any) -> dcc.Loading:
    """Wrap a panel's computed part: a spinner over it when an answer takes a while."""
    return dcc.Loading(
        children,
        type="circle",
        color="#1d5fa8",
        delay_show=300,
        overlay_style={"visibility": "visible", "opacity": 0.45},
        parent_className="dxmap-loading",
    )


def _panel(key: str, tab_id: str, panel_id: str, active: str, children: list[Any]) -> html.Div:
    return html.Div(
        children,
        id=panel_id,
        role="tabpanel",
        hidden=key != active,
        className=f"dxmap-panel dxmap-panel--{key}",
        **{"aria-labelledby": tab_id},
    )


def detail_panel(lang: str, summary: list[Any]) -> list[Any]:
    """Return the detail tab: the headline value, the compare button and the scorecard."""
    return [
        html.Div(summary, id=ids.SUMMARY, className="dxmap-summary"),
        html.Button(
            t("compare_add", lang),
            id=ids.COMPARE_ADD,
            n_clicks=0,
            disabled=True,
            className="dxmap-small-button dxmap-compare-add",
        ),
        loading(
            html.Div(
                controls.text("loading", lang, html.P, className="dxmap-empty"),
                id=ids.SCORECARD,
                className="dxmap-scorecard",
            )
        ),
    ]


def compare_panel(lang: str) -> list[Any]:
    """Return the compare tab: the unit picker, the matrix and the ranking chart."""
    picker = dcc.Dropdown(
        id=ids.COMPARE_PICK,
        options=[],
        value=[],
        multi=True,
        searchable=True,
        clearable=True,
        placeholder=t("compare_placeholder", lang),
        labels=DROPDOWN_LABELS.get(lang, DROPDOWN_LABELS["en"]),
        maxHeight=320,
    )
    return [
        controls.field("compare_pick", lang, picker),
        controls.text("compare_help", lang, html.P, className="dxmap-hint"),
        loading(
            [
                html.Div(id=ids.RANKING_TITLE),
                html.Div(
                    dcc.Graph(
                        id=ids.RANKING,
                        figure=empty_figure(),
                        config=GRAPH_CONFIG,
                        className="dxmap-graph",
                    ),
                    className="dxmap-ranking-box",
                ),
                html.Div(id=ids.COMPARE_MATRIX, className="dxmap-matrix-box"),
            ]
        ),
    ]


def gaps_panel(lang: str) -> list[Any]:
    """Return the gap register tab: level choice, summary, grid and downloads."""
    return [
        html.Div(id=ids.GAP_SUMMARY, className="dxmap-gap-summary"),
        html.Div(
            [
                controls.text("gap_level", lang, html.Label, className="dxmap-field-label"),
                dcc.RadioItems(
                    id=ids.GAP_LEVEL,
                    options=gap_register.level_options(("district", "commune"), lang),
                    value="village",
                    inline=True,
                    className="dxmap-gap-level",
                ),
                controls.text("gap_group_by", lang, html.Label, className="dxmap-field-label"),
                dcc.RadioItems(
                    id=ids.GAP_GROUP,
                    options=gap_register.group_options(lang),
                    value="none",
                    inline=True,
                    className="dxmap-gap-level",
                ),
                dcc.Store(id=ids.GAP_POINTS, data=None),
            ],
            className="dxmap-gap-head",
        ),
        html.Div(gap_register.grid(lang), className="dxmap-grid-box"),
        gap_register.downloads(lang),
    ]


def trends_panel() -> list[Any]:
    """Return the trends tab: title and note, the chart, the numbers as a table."""
    return [
        loading(
            [
                html.Div(id=ids.TREND_NOTE),
                dcc.Graph(
                    id=ids.TREND,
                    figure=empty_figure(),
                    config=GRAPH_CONFIG,
                    className="dxmap-graph",
                ),
                html.Div(id=ids.TREND_TABLE),
            ]
        )
    ]


def table_panel(table: list[Any]) -> list[Any]:
    """Return the table view: the map's rows with their values and classes."""
    return [html.Div(table, id=ids.TABLE, className="dxmap-table-box", tabIndex="-1")]


def analysis_column(
    lang: str, summary: list[Any], table: list[Any], active: str = "detail"
) -> html.Section:
    """Return the column beside the map: the tab bar and every panel."""
    contents = {
        "detail": detail_panel(lang, summary),
        "compare": compare_panel(lang),
        "gaps": gaps_panel(lang),
        "trends": trends_panel(),
        "table": table_panel(table),
    }
    return html.Section(
        [
            dcc.Store(id=ids.PANEL, data=None),
            tab_bar(lang, active),
            *(
                _panel(key, tab_id, panel_id, active, contents[key])
                for key, tab_id, panel_id in TABS
            ),
        ],
        className="dxmap-detail",
    )
