"""Trends: each indicator of a unit across periods, with a mark where the boundaries changed."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from layers.comparison import FONT, plotly_text
from layers.i18n import format_value, plotly_separators, t
from layers.legend import TARGET_COLORS
from layers.scorecards import indicator_name

LINE_COLOR = "#1d5fa8"
MARK_COLOR = "#6a3d9a"  # purple: apart from the blue values and the orange targets
ROW_HEIGHT = 190


def series(rows: Sequence[Mapping[str, Any]], first: str | None = None) -> list[list[Mapping]]:
    """Group trend rows by indicator (``first`` leading), leaving out indicators with no value."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["indicator"], []).append(row)
    ordered = sorted(groups, key=lambda key: key != first)  # stable: catalogue order otherwise
    return [groups[key] for key in ordered if any(r.get("value") is not None for r in groups[key])]


def mark_positions(group: Sequence[Mapping[str, Any]]) -> list[float]:
    """Return the x positions (between categories) where the series changes vintage."""
    return [i - 0.5 for i, row in enumerate(group) if i and row.get("vintage_change_before")]


def _title(row: Mapping[str, Any], lang: str) -> str:
    lines = textwrap.wrap(indicator_name(row, lang), 30)[:3]
    return "<br>".join(plotly_text(line) for line in lines)


def _hover(row: Mapping[str, Any], lang: str) -> str:
    lines = [f"{row['period']}: {format_value(row.get('value'), row['unit'], lang)}"]
    if row.get("target") is not None:
        lines.append(f"{t('goal', lang)}: {format_value(row['target'], row['unit'], lang)}")
    if row.get("reaggregated"):
        lines.append(t("trend_reaggregated", lang))
    if row.get("method") == "successor":
        lines.append(t("trend_how_successor", lang, name=row.get("value_name") or ""))
    return "<br>".join(plotly_text(line) for line in lines)


def trend_figure(
    rows: Sequence[Mapping[str, Any]], lang: str, first: str | None = None
) -> go.Figure:
    """Return small multiples, one per indicator: values, targets and the vintage-change marks."""
    groups = series(rows, first)
    cols = 1 if len(groups) < 2 else 2
    n_rows = max(1, math.ceil(len(groups) / cols))
    figure = make_subplots(
        rows=n_rows,
        cols=cols,
        subplot_titles=[_title(group[0], lang) for group in groups],
        horizontal_spacing=0.14,
        vertical_spacing=min(0.5 / n_rows, 0.12),
    )
    figure.update_annotations(font={"size": 11.5, "color": "#1f2328"})  # the subplot titles
    legend = {"value": True, "goal": True, "re": True}
    for n, group in enumerate(groups):
        row, col = n // cols + 1, n % cols + 1
        periods = [r["period"] for r in group]
        unit = group[0]["unit"]
        figure.add_trace(
            go.Scatter(
                x=periods,
                y=[r.get("value") for r in group],
                mode="lines+markers",
                line={"color": LINE_COLOR, "width": 2},
                marker={"size": 7, "color": LINE_COLOR},
                hovertext=[_hover(r, lang) for r in group],
                hoverinfo="text",
                name=t("value", lang),
                legendgroup="value",
                showlegend=legend.pop("value", False),
            ),
            row=row,
            col=col,
        )
        targets = [r for r in group if r.get("target") is not None]
        if targets:
            figure.add_trace(
                go.Scatter(
                    x=[r["period"] for r in targets],
                    y=[r["target"] for r in targets],
                    mode="markers",
                    marker={
                        "symbol": "line-ew",
                        "size": 16,
                        "line": {"width": 3, "color": TARGET_COLORS[0]},
                    },
                    hoverinfo="skip",
                    name=t("goal", lang),
                    legendgroup="goal",
                    showlegend=legend.pop("goal", False),
                ),
                row=row,
                col=col,
            )
        moved = [r for r in group if r.get("reaggregated") and r.get("value") is not None]
        if moved:
            figure.add_trace(
                go.Scatter(
                    x=[r["period"] for r in moved],
                    y=[r["value"] for r in moved],
                    mode="markers",
                    marker={
                        "size": 12,
                        "symbol": "circle-open",
                        "color": MARK_COLOR,
                        "line": {"width": 2},
                    },
                    hoverinfo="skip",
                    name=t("trend_reaggregated", lang),
                    legendgroup="re",
                    showlegend=legend.pop("re", False),
                ),
                row=row,
                col=col,
            )
        for x in mark_positions(group):
            figure.add_vline(
                x=x,
                row=row,
                col=col,
                line={"color": MARK_COLOR, "width": 2, "dash": "dot"},
                annotation={
                    "text": plotly_text(t("trend_mark", lang)),
                    "font": {"size": 10, "color": MARK_COLOR},
                    "xanchor": "left",
                    "yanchor": "top",
                    "showarrow": False,
                },
                annotation_position="top right",
            )
        figure.update_xaxes(
            type="category", categoryorder="array", categoryarray=periods, row=row, col=col
        )
        figure.update_yaxes(ticksuffix=" %" if unit == "%" else "", row=row, col=col)
    figure.update_layout(
        height=90 + ROW_HEIGHT * n_rows,
        margin={"l": 8, "r": 8, "t": 90, "b": 24},
        font={"family": FONT, "size": 11},
        plot_bgcolor="#ffffff",
        paper_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "top", "yref": "container"},
        hoverlabel={"font_size": 12},
        separators=plotly_separators(lang),
        dragmode=False,
    )
    figure.update_xaxes(fixedrange=True, gridcolor="#eef0f2")
    figure.update_yaxes(fixedrange=True, gridcolor="#e3e7ec", zeroline=False)
    return figure


def trend_table(
    rows: Sequence[Mapping[str, Any]], lang: str, first: str | None = None
) -> html.Details:
    """Return the same numbers as a table (indicators × periods), folded under a summary."""
    groups = series(rows, first)
    periods = list(dict.fromkeys(r["period"] for group in groups for r in group))
    head = html.Thead(
        html.Tr(
            [html.Th(t("indicator", lang), scope="col")]
            + [html.Th(p, scope="col") for p in periods]
        )
    )
    body = []
    for group in groups:
        by_period = {r["period"]: r for r in group}
        cells = []
        for period in periods:
            rec = by_period.get(period) or {}
            text = format_value(rec.get("value"), group[0]["unit"], lang) if rec else "–"
            if rec.get("reaggregated"):
                text += " †"
            cells.append(html.Td(text, className="dxmap-num"))
        body.append(html.Tr([html.Th(indicator_name(group[0], lang), scope="row"), *cells]))
    return html.Details(
        [
            html.Summary(t("trend_table", lang)),
            html.Table(
                [html.Caption(f"† {t('trend_reaggregated', lang)}"), head, html.Tbody(body)],
                className="dxmap-table dxmap-trend-table",
            ),
        ],
        className="dxmap-trend-details",
    )
