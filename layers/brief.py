"""The printable brief of a unit: title, date, map, value, scorecard, gaps, trend, sources.

It also carries the synthetic-data notice when anything in it is synthetic.

The brief stays hidden on screen; the print stylesheet (``assets/dxmap.css``, ``@media print``)
shows it alone. Its map is a picture the browser draws into :data:`ids.BRIEF_MAP` just before
printing (``assets/dxmap-ui.js``), so the printed map is the one on screen with its legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from dash import dcc, html

from layers import ids
from layers.i18n import format_number, format_value, t

MAX_GAP_ROWS = 25
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_date(day: date, lang: str) -> str:
    """Return a date as ``lang`` writes it ("ngày 01/12/2026", "1 December 2026")."""
    if lang == "vi":
        return f"ngày {day:%d/%m/%Y}"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def brief_section(key: str, lang: str, children: Any, **props: Any) -> html.Section:
    """Return one titled block of the brief."""
    return html.Section(
        [html.H2(t(f"brief_{key}", lang), className="dxmap-brief-heading"), children],
        className=f"dxmap-brief-block dxmap-brief-block--{key}",
        **props,
    )


def gap_table(rows: Sequence[Mapping[str, Any]], unit: str, lang: str) -> list[Any]:
    """Return the gap list (largest shortfall first, at most :data:`MAX_GAP_ROWS` rows)."""
    if not rows:
        return [html.P(t("brief_no_gaps", lang), className="dxmap-empty")]
    ordered = sorted(rows, key=lambda r: -(r.get("shortfall") or 0))
    shortfall_unit = ordered[0].get("shortfall_unit_vi" if lang == "vi" else "shortfall_unit_en")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t("name", lang), scope="col"),
                html.Th(t("gap_parent", lang), scope="col"),
                html.Th(t("value", lang), scope="col"),
                html.Th(t("goal", lang), scope="col"),
                html.Th(f"{t('gap_shortfall', lang)} ({shortfall_unit or ''})", scope="col"),
            ]
        )
    )
    body = [
        html.Tr(
            [
                html.Th(row.get("name") or row["code"], scope="row"),
                html.Td(row.get("parent_name") or ""),
                html.Td(format_value(row.get("value"), unit, lang), className="dxmap-num"),
                html.Td(format_value(row.get("target"), unit, lang), className="dxmap-num"),
                html.Td(format_number(row.get("shortfall"), lang, 0), className="dxmap-num"),
            ]
        )
        for row in ordered[:MAX_GAP_ROWS]
    ]
    parts: list[Any] = [html.Table([head, html.Tbody(body)], className="dxmap-table")]
    if len(ordered) > MAX_GAP_ROWS:
        parts.append(
            html.P(
                t("brief_more_gaps", lang, n=format_number(len(ordered) - MAX_GAP_ROWS, lang, 0)),
                className="dxmap-note",
            )
        )
    return parts


def brief(
    *,
    lang: str,
    title: str,
    subtitle: str,
    day: date,
    url: str,
    summary: list[Any],
    scorecard: list[Any],
    gap_summary: str,
    gaps: list[Any],
    trend: Any,
    sources: Sequence[str],
    synthetic: bool,
) -> list[Any]:
    """Return the brief's blocks (the map block is an empty slot the browser fills)."""
    head = html.Header(
        [
            html.Div(t("app_title", lang), className="dxmap-brief-app"),
            html.H1(title, className="dxmap-brief-title"),
            html.P(subtitle, className="dxmap-brief-subtitle"),
            html.P(
                [t("brief_date", lang, date=format_date(day, lang)), " · ", url],
                className="dxmap-brief-date",
            ),
        ],
        className="dxmap-brief-head",
    )
    notice = (
        html.P(t("brief_synthetic", lang), className="dxmap-brief-synthetic", role="note")
        if synthetic
        else None
    )
    return [
        head,
        notice,
        brief_section("map", lang, html.Div(id=ids.BRIEF_MAP, className="dxmap-brief-map")),
        brief_section("value", lang, html.Div(summary, className="dxmap-summary")),
        brief_section("scorecard", lang, html.Div(scorecard, className="dxmap-scorecard")),
        brief_section(
            "gaps", lang, html.Div([html.P(gap_summary, className="dxmap-gap-count"), *gaps])
        ),
        brief_section("trend", lang, trend),
        brief_section(
            "sources",
            lang,
            html.Ul([html.Li(source) for source in sources], className="dxmap-brief-sources"),
        ),
    ]


def brief_box(lang: str) -> html.Div:
    """Return the (screen-hidden) container of the brief; the print button fills it."""
    return html.Div(
        [
            dcc.Store(id=ids.BRIEF_READY, data=None),
            html.Div(
                html.P(t("brief_empty", lang), className="dxmap-empty"),
                id=ids.BRIEF,
                className="dxmap-brief-content",
            ),
        ],
        className="dxmap-brief",
    )


def _tool(key: str, help_key: str, ident: str, lang: str, **props: Any) -> html.Button:
    return html.Button(
        html.Span(t(key, lang), id=ids.label(key)),
        id=ident,
        n_clicks=0,
        type="button",
        title=t(help_key, lang),
        className="dxmap-map-tool",
        **props,
    )


def map_tools(lang: str) -> html.Div:
    """Return the buttons over the map: print brief, PNG, and the legend and inset toggles."""
    return html.Div(
        [
            _tool("print_brief", "print_brief_help", ids.PRINT_BUTTON, lang),
            _tool("png_download", "png_help", ids.PNG_BUTTON, lang),
            _tool(
                "legend_toggle",
                "legend_toggle",
                ids.LEGEND_TOGGLE,
                lang,
                **{"aria-expanded": "true", "aria-controls": ids.LEGEND},
            ),
            _tool(
                "inset_toggle",
                "inset_toggle",
                ids.INSET_TOGGLE,
                lang,
                **{"aria-expanded": "true", "aria-controls": ids.INSET},
            ),
        ],
        id=ids.MAP_TOOLS,
        className="dxmap-map-tools",
    )
