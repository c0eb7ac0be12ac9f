"""Compare units: the side-by-side matrix of every indicator and the ranking bar chart."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from dash import html

from layers.i18n import format_number, format_value, plotly_separators, t
from layers.legend import TARGET_COLORS
from layers.scorecards import STATUS_MARKS, indicator_name

BAR_COLOR = "#b9cbe0"
BAR_SELECTED = "#08306b"
BAR_HEIGHT = 22
FONT = "Segoe UI, Noto Sans, Roboto, Helvetica Neue, Arial, sans-serif"


def plotly_text(text: str) -> str:
    """Escape text for Plotly, which reads a few HTML tags in labels (names are data)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell_status(cell: Mapping[str, Any]) -> str:
    """Return ``met``, ``not_met``, ``no_target`` or ``no_data`` for one matrix cell."""
    if cell.get("value") is None:
        return "no_data"
    if cell.get("met") is None:
        return "no_target"
    return "met" if cell["met"] else "not_met"


def _cell(cell: Mapping[str, Any], unit: str, direction: str, lang: str) -> html.Td:
    status = cell_status(cell)
    value, target = cell.get("value"), cell.get("target")
    lines: list[Any] = [
        html.Span(STATUS_MARKS[status], className="dxmap-cell-mark", **{"aria-hidden": "true"}),
        html.Span(format_value(value, unit, lang) if value is not None else t("no_data", lang)),
    ]
    if target is not None:
        sign = "≤" if direction == "lower" else "≥"
        lines.append(
            html.Span(f"{sign} {format_value(target, unit, lang)}", className="dxmap-cell-target")
        )
    return html.Td(
        lines,
        className=f"dxmap-num dxmap-cell dxmap-cell--{status}",
        title=t(f"status_{status}", lang),
    )


def matrix(
    data: Mapping[str, Any],
    pillars: Mapping[str, Sequence[str]],
    period: str,
    lang: str,
    current: str | None = None,
    not_measured: Collection[str] = (),
) -> html.Table:
    """Return the matrix: one row per indicator (by pillar), one column per unit.

    Indicators in ``not_measured`` (measured only above the units' level) get one muted cell.
    """
    units = data["units"]
    head = html.Thead(
        html.Tr(
            [html.Th(t("indicator", lang), scope="col", className="dxmap-matrix-corner")]
            + [
                html.Th(
                    [
                        html.Span(u["name"], className="dxmap-row-name"),
                        html.Span(u["code"], className="dxmap-code"),
                    ],
                    scope="col",
                    className="dxmap-matrix-unit",
                    **{"data-code": u["code"]},
                )
                for u in units
            ]
        )
    )
    col = 0 if lang == "vi" else 1
    groups = []
    for pillar, names in pillars.items():
        rows = [row for row in data["rows"] if row["pillar"] == pillar]
        if not rows:
            continue
        body = [
            html.Tr(
                html.Th(names[col], colSpan=len(units) + 1, scope="colgroup"),
                className="dxmap-card-group",
            )
        ]
        for row in rows:
            cells: list[Any]
            if row["key"] in not_measured and all(
                cell_status(c) == "no_data" for c in row["cells"].values()
            ):
                cells = [
                    html.Td(
                        t("status_not_applicable", lang),
                        colSpan=len(units),
                        className="dxmap-cell dxmap-cell--na",
                    )
                ]
            else:
                cells = [
                    _cell(row["cells"][u["code"]], row["unit"], row.get("direction") or "", lang)
                    for u in units
                ]
            body.append(
                html.Tr(
                    [html.Th(indicator_name(row, lang), scope="row", className="dxmap-card-name")]
                    + cells,
                    className="dxmap-card-row"
                    + (" dxmap-card-row--current" if row["key"] == current else ""),
                    **{"data-key": row["key"]},
                )
            )
        groups.append(html.Tbody(body))
    return html.Table(
        [html.Caption(t("compare_caption", lang, n=len(units), period=period)), head, *groups],
        className="dxmap-table dxmap-matrix",
        **{"data-units": len(units)},
    )


def _hover_lines(row: Mapping[str, Any], unit: str, lang: str) -> list[str]:
    lines = [
        f"{row['name']} ({row['code']})",
        f"{t('value', lang)}: {format_value(row['value'], unit, lang)}",
    ]
    if row.get("target") is not None:
        lines.append(f"{t('target', lang)}: {format_value(row['target'], unit, lang)}")
    return lines


def rank_label(rank: float | int) -> str:
    """Return a rank as shown before a name ("1."); tied units share the same rank."""
    return f"{int(rank)}."


def ties(rows: Sequence[Mapping[str, Any]]) -> int:
    """Return how many ranked units share their rank with another one."""
    ranks = [row["rank"] for row in rows if row.get("value") is not None]
    return sum(1 for rank in ranks if ranks.count(rank) > 1)


def fitted_range(values: Sequence[float], unit: str) -> list[float]:
    """Return an axis range around ``values`` (room left for the value labels), not 0–100 %.

    Starts at zero only when zero is close to the data (counts, or a spread wider than the
    lowest value), so that small differences between units stay visible.
    """
    low, high = min(values), max(values)
    span = high - low
    if span == 0:
        span = abs(high) * 0.1 or 1.0
    start = low - 0.25 * span
    if low >= 0 and (start <= 0 or (unit != "%" and low <= span)):
        start = 0.0
    return [start, high + 0.3 * span]


def ranking_figure(
    rows: Sequence[Mapping[str, Any]],
    selected: Sequence[str],
    unit: str,
    lang: str,
) -> go.Figure:
    """Return the horizontal bar chart of every unit, best at the top, the selected ones dark.

    Each bar carries its value; the axis is fitted to the values and targets; tied units share
    a rank ("1.", "1.", "3.").
    """
    picked = set(selected)
    shown = [row for row in rows if row.get("value") is not None]
    names = [plotly_text(f"{rank_label(row['rank'])} {row['name']}") for row in shown]
    hover = [
        "<br>".join(plotly_text(part) for part in _hover_lines(row, unit, lang)) for row in shown
    ]
    targets = [row.get("target") for row in shown]
    limits = [float(row["value"]) for row in shown] + [float(v) for v in targets if v is not None]
    axis_range = fitted_range(limits, unit) if limits else None
    figure = go.Figure(
        go.Bar(
            x=[row["value"] for row in shown],
            y=names,
            orientation="h",
            customdata=[row["code"] for row in shown],
            text=[format_value(row["value"], unit, lang) for row in shown],
            textposition=[
                text_position(row["value"], target, axis_range)
                for row, target in zip(shown, targets, strict=True)
            ],
            cliponaxis=False,
            textfont={"size": 11, "color": "#1f2328"},
            insidetextfont={
                "size": 11,
                "color": ["#ffffff" if row["code"] in picked else "#1f2328" for row in shown],
            },
            insidetextanchor="end",
            constraintext="none",
            marker={
                "color": [BAR_SELECTED if row["code"] in picked else BAR_COLOR for row in shown],
                "line": {
                    "color": "#08306b",
                    "width": [1.5 if row["code"] in picked else 0 for row in shown],
                },
            },
            hovertext=hover,
            hoverinfo="text",
            name=t("value", lang),
        )
    )
    marks = [
        (target, name) for target, name in zip(targets, names, strict=True) if target is not None
    ]
    if marks:
        figure.add_trace(
            go.Scatter(
                x=[value for value, _ in marks],
                y=[name for _, name in marks],
                mode="markers",
                marker={
                    "symbol": "line-ns",
                    "size": 16,
                    "line": {"width": 3, "color": TARGET_COLORS[0]},
                },
                hoverinfo="skip",
                name=t("target", lang),
            )
        )
    figure.update_layout(
        height=60 + BAR_HEIGHT * max(len(shown), 1),
        margin={"l": 8, "r": 16, "t": 8, "b": 32},
        showlegend=False,
        plot_bgcolor="#ffffff",
        paper_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 12},
        separators=plotly_separators(lang),
        bargap=0.25,
        xaxis={
            "gridcolor": "#e3e7ec",
            "ticksuffix": " %" if unit == "%" else "",
            "zeroline": False,
            "range": axis_range,
            "side": "top",
        },
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "tickfont": {"size": 11},
            "fixedrange": True,
        },
        clickmode="event",
        dragmode=False,
    )
    figure.update_xaxes(fixedrange=True)
    return figure


TEXT_SPAN = 0.16  # about the width of a value label ("122.9 %"), as a share of the axis range


def text_position(value: Any, target: Any, axis_range: Sequence[float] | None) -> str:
    """Put a bar's value label where its target mark is not.

    Inside the bar's end when the mark falls just past the end (where the label would be),
    otherwise past the end; a bar too short to hold its label keeps it outside.
    """
    if target is None or not axis_range:
        return "outside"
    low, high = axis_range
    span = TEXT_SPAN * (high - low)
    value, target = float(value), float(target)
    if value < target < value + span and value - low > span:
        return "inside"
    return "outside"


def ranking_note(rows: Sequence[Mapping[str, Any]], unit: str, lang: str) -> str:
    """Return the sentence on ties under the ranking ("" when every rank is distinct)."""
    shown = [row for row in rows if row.get("value") is not None]
    tied = ties(shown)
    if not tied:
        return ""
    if len({row["value"] for row in shown}) == 1:
        return t(
            "ranking_all_tied",
            lang,
            n=format_number(len(shown), lang, 0),
            value=format_value(shown[0]["value"], unit, lang),
        )
    return t("ranking_ties", lang, n=format_number(tied, lang, 0))


def empty_figure() -> go.Figure:
    """Return a blank, small figure (no axes) for when there is nothing to chart."""
    figure = go.Figure()
    figure.update_layout(
        height=40,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False},
        yaxis={"visible": False},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return figure
