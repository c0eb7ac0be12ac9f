"""What the detail (scorecard) and trends tabs show for a view state; pure over the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from callbacks.compare_view import compare_button
from layers import scorecards, trend_chart
from layers.comparison import empty_figure
from layers.i18n import t

TABS = ("detail", "compare", "gaps", "trends", "table")
DEFAULT_TAB = "detail"


def active_tab(panel: str | None) -> str:
    """Return the active tab's key (the detail tab until one is chosen)."""
    return panel if panel in TABS else DEFAULT_TAB


def scorecard_unit(state: Mapping[str, Any], service: Any) -> tuple[str | None, str | None]:
    """Return the code whose scorecard is shown and the root's code (the whole area's card)."""
    root = service.root(state["vintage"])
    root_code = root["code"] if root else None
    unit = service.unit(state["vintage"], state.get("unit"))
    return (unit["code"] if unit else root_code), root_code


def detail_panel(state: Mapping[str, Any], service: Any) -> dict[str, Any]:
    """Return the scorecard of the selected unit (or the whole area) and the compare button."""
    lang = state["lang"]
    code, root_code = scorecard_unit(state, service)
    card = service.analysis.scorecard(state["period"], state["vintage"], code) if code else None
    area = None
    if code and root_code and code != root_code:
        area = service.analysis.scorecard(state["period"], state["vintage"], root_code)
    text, disabled = compare_button(state, lang)
    return {
        "scorecard": scorecards.scorecard(card, area, lang, state["indicator"]),
        "button": text,
        "disabled": disabled,
    }


def vintage_name(vintages: Sequence[Mapping[str, Any]], key: str | None, lang: str) -> str:
    """Return a vintage's name in ``lang`` (the key if unknown)."""
    entry = next((v for v in vintages if v["key"] == key), None)
    if entry is None:
        return str(key)
    return str(entry["name_vi"] if lang == "vi" else entry["name_en"])


def change_note(
    rows: Sequence[Mapping[str, Any]], name: str, vintages: Sequence[Mapping[str, Any]], lang: str
) -> str | None:
    """Return the sentence explaining the first vintage change of the series, if any."""
    for row in rows:
        if not row.get("vintage_change_before") or row.get("value") is None:
            continue
        method = row.get("method")
        if method == "villages":
            how = t("trend_how_villages", lang)
        elif method == "successor":
            how = t("trend_how_successor", lang, name=row.get("value_name") or "")
        else:
            how = t("trend_how_crosswalk", lang)
        return t(
            "trend_note",
            lang,
            period=row["period"],
            vintage=vintage_name(vintages, row.get("period_vintage"), lang),
            name=name,
            how=how,
        )
    return None


def trends_panel(state: Mapping[str, Any], service: Any) -> dict[str, Any]:
    """Return the trends tab: the small multiples, the title and the vintage-change note."""
    lang = state["lang"]
    code, _ = scorecard_unit(state, service)
    rows = service.analysis.trend(code, state["vintage"]) if code else None
    unit = service.unit(state["vintage"], code) or {"name": code or ""}
    vintages = service.vintages()
    title = html.H2(
        f"{t('trend_title', lang, name=unit['name'])} · "
        f"{vintage_name(vintages, state['vintage'], lang)}",
        className="dxmap-panel-title",
    )
    if not rows or not any(row.get("value") is not None for row in rows):
        return {
            "figure": empty_figure(),
            "note": [title, html.P(t("trend_empty", lang), className="dxmap-empty")],
            "table": None,
        }
    note = change_note(rows, unit["name"], vintages, lang)
    children: list[Any] = [title]
    if note:
        children.append(html.P(note, className="dxmap-trend-note", role="note"))
    return {
        "figure": trend_chart.trend_figure(rows, lang, state["indicator"]),
        "note": children,
        "table": trend_chart.trend_table(rows, lang, state["indicator"]),
    }
