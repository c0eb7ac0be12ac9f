"""Compare: which units are compared (state rules) and what the compare tab shows; pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dash import html

from callbacks.map_view import map_frame
from callbacks.view_state import MAX_COMPARE, is_root
from layers import comparison
from layers.i18n import DROPDOWN_LABELS, t

COMPARE_LEVELS = ("district", "commune")


class Units(Protocol):
    """Unit look-ups (satisfied by ``MapService``)."""

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None: ...


def same_level(codes: Sequence[str] | None, vintage: str, units: Units) -> list[str] | None:
    """Return the distinct, existing codes of the newest code's level (``None`` when none).

    Units of different levels cannot be compared: picking a commune after two districts starts
    a comparison of communes.
    """
    found = []
    for code in dict.fromkeys(str(c) for c in codes or ()):
        unit = units.unit(vintage, code)
        if unit is not None and not is_root(unit):
            found.append((code, unit.get("level")))
    if not found:
        return None
    level = found[-1][1]
    kept = [code for code, unit_level in found if unit_level == level]
    return kept[-MAX_COMPARE:]


def toggled(codes: Sequence[str] | None, code: str | None) -> list[str]:
    """Return ``codes`` with ``code`` removed if present, else appended."""
    current = list(codes or ())
    if not code:
        return current
    return [c for c in current if c != code] if code in current else [*current, code]


def ranking_code(click: Mapping[str, Any] | None) -> str | None:
    """Return the unit code of a clicked ranking bar (its ``customdata``)."""
    points = (click or {}).get("points") or []
    code = points[0].get("customdata") if points else None
    return str(code) if code else None


def compare_level(state: Mapping[str, Any], service: Any) -> str | None:
    """Return the level being compared: the compared units', else the level the map shows."""
    for code in state.get("compare") or ():
        unit = service.unit(state["vintage"], code)
        if unit is not None:
            return unit["level"]
    level = map_frame(state, service).get("level")
    return level if level in COMPARE_LEVELS else None


def compare_options(entries: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Return the multi-select's options: units by level, a disabled heading before each level."""
    options: list[dict[str, Any]] = []
    for level in COMPARE_LEVELS:
        members = [e for e in entries if e["level"] == level and not e.get("former")]
        if not members:
            continue
        heading = t(f"level_{level}", lang)
        options.append(
            {
                "label": html.Span(heading, className="dxmap-optgroup"),
                "value": f"level:{level}",
                "disabled": True,
                "search": heading,
            }
        )
        options += [
            {
                "label": f"{e['name']} · {e['code']}",
                "value": e["code"],
                "search": f"{e['search']} {e['name']}",
            }
            for e in members
        ]
    return options


def not_measured(indicators: Sequence[Mapping[str, Any]], level: str) -> set[str]:
    """Return the indicators whose finest level is coarser than ``level`` (province-only ones)."""
    depth = {"country": 0, "province": 1, "district": 2, "commune": 3, "village": 4}
    return {
        ind["key"]
        for ind in indicators
        if depth.get(ind.get("finest_level") or "village", 4) < depth.get(level, 0)
    }


def compare_button(state: Mapping[str, Any] | None, lang: str) -> tuple[str, bool]:
    """Return the detail tab's add/remove button text and whether it is disabled."""
    unit = (state or {}).get("unit")
    if not unit:
        return t("compare_add", lang), True
    picked = unit in ((state or {}).get("compare") or ())
    return t("compare_remove" if picked else "compare_add", lang), False


def compare_panel(state: Mapping[str, Any], service: Any) -> dict[str, Any]:
    """Return the compare tab: the matrix, the ranking figure and its title, the options."""
    lang = state["lang"]
    codes = list(state.get("compare") or ())
    indicator = service.indicator(state["indicator"]) or {
        "name_vi": state["indicator"],
        "name_en": state["indicator"],
        "unit": "%",
    }
    name = indicator["name_vi"] if lang == "vi" else indicator["name_en"]
    matrix: list[Any]
    if not codes:
        matrix = [html.P(t("compare_empty", lang), className="dxmap-empty")]
    else:
        data = service.analysis.compare(codes, state["period"], state["vintage"])
        matrix = (
            [
                comparison.matrix(
                    data,
                    service.pillars(),
                    state["period"],
                    lang,
                    state["indicator"],
                    not_measured(service.indicators(), data["units"][0]["level"]),
                )
            ]
            if data
            else [html.P(t("no_data", lang), className="dxmap-empty")]
        )
        if len(codes) == 1:
            matrix.insert(0, html.P(t("compare_one", lang), className="dxmap-hint"))
    level = compare_level(state, service)
    rows = (
        service.analysis.ranking(state["indicator"], state["period"], state["vintage"], level)
        if level
        else []
    )
    has_values = any(row.get("value") is not None for row in rows)
    figure = (
        comparison.ranking_figure(rows, codes, indicator["unit"], lang)
        if has_values
        else comparison.empty_figure()
    )
    title = t("ranking_title", lang, indicator=name, period=state["period"])
    if level:
        title += f" · {t(f'level_{level}', lang)}"
    return {
        "matrix": matrix,
        "figure": figure,
        "title": [
            html.H3(title, className="dxmap-panel-subtitle"),
            html.P(
                t("ranking_help", lang) if has_values else t("ranking_empty", lang),
                className="dxmap-hint",
            ),
            html.P(
                comparison.ranking_note(rows, indicator["unit"], lang),
                className="dxmap-hint dxmap-ranking-ties",
            ),
        ],
    }


def picker(state: Mapping[str, Any], service: Any) -> tuple[Any, ...]:
    """Return the compare list's options, placeholder and labels (its value: the view's compare)."""
    lang = state["lang"]
    options = compare_options(service.search_entries(state["vintage"]), lang)
    labels = DROPDOWN_LABELS.get(lang, DROPDOWN_LABELS["en"])
    return options, t("compare_placeholder", lang), labels
