"""The gap register tab: which rows the map selection scopes, the grid's rows, row → map; pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from callbacks.view_state import is_root
from layers import gap_register
from layers.i18n import format_number, noun_for, t

DEPTH = {"country": 0, "province": 1, "district": 2, "commune": 3, "village": 4}
DEFAULT_LEVEL = "village"
POINT_MARGIN = 0.02  # degrees around a village point (about 2 km) when the map fits it


def register_level(level: str | None, vintage_levels: Sequence[str]) -> str:
    """Return the register's level: the one asked for if the vintage has it, else communes."""
    allowed = {*vintage_levels[1:], "village"}  # not the root's level
    if level in allowed:
        return str(level)
    return "commune" if level == "district" else DEFAULT_LEVEL


def gap_scope(
    level: str, unit: Mapping[str, Any] | None, lineage: Sequence[Mapping[str, Any]]
) -> tuple[str | None, str | None]:
    """Return ``(parent_code, only_code)``: the rows of the register the map selection keeps.

    A unit above the register's level keeps the rows inside it; a unit at or below it keeps
    the one row of itself or of its ancestor at that level. ``lineage`` runs root → unit.
    """
    if unit is None or is_root(unit):
        return None, None
    if DEPTH.get(unit["level"], 9) < DEPTH.get(level, 0):
        return unit["code"], None
    at_level = next((u for u in lineage if u.get("level") == level), unit)
    return None, at_level["code"]


def focus_target(
    row: Mapping[str, Any] | None, parent: Mapping[str, Any] | None
) -> tuple[str | None, dict[str, Any]] | None:
    """Return the unit to select and the focus that fits the map to a clicked register row.

    The row is drawn by selecting its parent (a village's commune, a commune's district; the
    whole area for a district) and the map fits the row itself. ``parent`` is the row's parent
    unit (``None`` if unknown). Returns ``None`` for a row without a location.
    """
    if not row or row.get("lat") is None or row.get("lon") is None:
        return None
    if row.get("level") == "village":
        lat, lon = float(row["lat"]), float(row["lon"])
        bounds = [
            [lat - POINT_MARGIN, lon - POINT_MARGIN],
            [lat + POINT_MARGIN, lon + POINT_MARGIN],
        ]
    else:
        corners = [row.get(k) for k in ("min_lat", "min_lon", "max_lat", "max_lon")]
        if any(c is None for c in corners):
            return None
        bounds = [[corners[0], corners[1]], [corners[2], corners[3]]]
    select = None if parent is None or is_root(parent) else parent["code"]
    return select, {"code": str(row["code"]), "level": row.get("level"), "bounds": bounds}


def grid_rows(rows: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Return the grid's rows: the register's fields plus labels in ``lang``."""
    return [
        {
            **row,
            "level_label": t(f"unit_level_{row['level']}", lang),
            "provenance_label": t(row["provenance"], lang) if row.get("provenance") else "–",
        }
        for row in rows
    ]


def summary_text(
    rows: Sequence[Mapping[str, Any]] | None, level: str, scope_name: str | None, lang: str
) -> str:
    """Return the line above the grid: how many rows miss the target and the total shortfall."""
    if rows is None:
        return t("gap_no_values", lang)
    noun_key = "count_villages" if level == "village" else "count_units"
    noun = noun_for(len(rows or ()), noun_key, lang) if rows else t(noun_key, lang)
    scope = t("gap_scope", lang, name=scope_name) if scope_name else ""
    if not rows:
        return t("gap_none", lang, noun=noun, scope=scope)
    total = sum(row.get("shortfall") or 0 for row in rows)
    unit = rows[0].get("shortfall_unit_vi" if lang == "vi" else "shortfall_unit_en") or ""
    return t(
        "gap_summary",
        lang,
        count=format_number(len(rows), lang, 0),
        noun=noun,
        scope=scope,
        total=format_number(total, lang, 0),
        unit=unit,
    )


GROUPS = ("district", "commune")
SHORTFALL_COLORS = ("#fdcc8a", "#fc8d59", "#e34a33", "#b30000")  # ColorBrewer OrRd: more is darker


def group_rows(
    rows: Sequence[Mapping[str, Any]], group: str | None, vintage: str, service: Any
) -> list[dict[str, Any]]:
    """Return the rows with ``group``: the name of the district or commune each lies in.

    A row at or above the grouping level is its own group (a commune grouped by commune).
    """
    if group not in GROUPS:
        return [dict(row) for row in rows]
    out = []
    for row in rows:
        chain = service.lineage(vintage, row.get("parent_code"))
        if row.get("level") == group:
            name = row.get("name")
        else:
            name = next((u["name"] for u in chain if u.get("level") == group), None)
        out.append({**row, "group": name or "–"})
    return out


def gap_points(
    rows: Sequence[Mapping[str, Any]] | None, focus: str | None, lang: str
) -> dict[str, Any]:
    """Return every gap village as a GeoJSON point coloured by its shortfall (quantile classes).

    ``properties``: code, name, shortfall, ``fill`` (darker: larger shortfall) and ``focus``
    (the register row the map was moved to).
    """
    located = [r for r in rows or () if r.get("lat") is not None and r.get("lon") is not None]
    ranked = sorted({float(r.get("shortfall") or 0) for r in located})
    n = len(SHORTFALL_COLORS)

    def color(value: float) -> str:
        if len(ranked) <= 1:
            return SHORTFALL_COLORS[-1]
        return SHORTFALL_COLORS[min(n - 1, ranked.index(value) * n // len(ranked))]

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
            "properties": {
                "code": str(r["code"]),
                "name": r.get("name"),
                "level": "village",
                "shortfall": r.get("shortfall"),
                "shortfall_text": f"{t('gap_shortfall', lang)}: "
                f"{format_number(r.get('shortfall'), lang, 0)} "
                f"{r.get('shortfall_unit_vi' if lang == 'vi' else 'shortfall_unit_en') or ''}",
                "fill": color(float(r.get("shortfall") or 0)),
                "focus": str(r["code"]) == focus,
            },
        }
        for r in located
    ]
    return {"type": "FeatureCollection", "features": features}


def gaps_panel(
    state: Mapping[str, Any], level: str | None, service: Any, group: str | None = None
) -> dict[str, Any]:
    """Return the gap register tab for a view: rows, columns, summary and level choices.

    ``points`` is the map layer of every gap village of the area; ``group`` ("district" or
    "commune") groups the rows.
    """
    lang, vintage = state["lang"], state["vintage"]
    levels = next((v["levels"] for v in service.vintages() if v["key"] == vintage), ())
    level = register_level(level, levels)
    unit = service.unit(vintage, state.get("unit"))
    parent, only = gap_scope(level, unit, service.lineage(vintage, state.get("unit")))
    indicator = service.indicator(state["indicator"]) or {"unit": "%"}
    finest = indicator.get("finest_level") or "village"
    measured = DEPTH.get(finest, 3) >= DEPTH.get(level, 3)
    rows = (
        service.analysis.gaps(state["indicator"], state["period"], vintage, level, parent)
        if measured
        else []
    )
    if rows is not None and only is not None:
        rows = [row for row in rows if row["code"] == only]
    shortfall_unit = (rows or [{}])[0].get(
        "shortfall_unit_vi" if lang == "vi" else "shortfall_unit_en", ""
    )
    focus = (state.get("focus") or {}).get("code")
    area_rows = (
        service.analysis.gaps(state["indicator"], state["period"], vintage, "village", None)
        if DEPTH.get(finest, 3) >= DEPTH["village"]
        else None
    )
    levels_shown = {row["level"] for row in rows or ()}
    group = group if group in GROUPS and DEPTH.get(group, 0) < DEPTH.get(level, 0) else None
    rows = group_rows(rows or [], group, vintage, service)
    return {
        "level": level,
        "level_options": gap_register.level_options(list(levels), lang),
        "rows": grid_rows(rows or [], lang),
        "columns": gap_register.column_defs(
            lang, indicator["unit"], shortfall_unit or "", len(levels_shown) > 1, group
        ),
        "summary": gap_register.summary(
            t(
                "gap_title",
                lang,
                indicator=indicator.get("name_vi" if lang == "vi" else "name_en", ""),
                period=state["period"],
            ),
            summary_text(rows, level, unit["name"] if unit else None, lang)
            if measured
            else t("gap_not_measured", lang, level=t(f"unit_level_{level}", lang).lower()),
            t("gap_hint", lang) + (" " + t("gap_layer_legend", lang) if area_rows else ""),
        ),
        "grid_options": gap_register.grid_options(lang),
        "row_classes": gap_register.row_classes(focus),
        "scope": parent,
        "points": gap_points(area_rows, focus, lang),
        "group_options": gap_register.group_options(lang),
    }


def download_request(
    state: Mapping[str, Any], level: str | None, fmt: str, service: Any
) -> dict[str, Any]:
    """Return the export arguments of the register on screen (same scope as the grid)."""
    vintage = state["vintage"]
    levels = next((v["levels"] for v in service.vintages() if v["key"] == vintage), ())
    level = register_level(level, levels)
    unit = service.unit(vintage, state.get("unit"))
    parent, only = gap_scope(level, unit, service.lineage(vintage, state.get("unit")))
    return {
        "fmt": fmt,
        "indicator": state["indicator"],
        "period": state["period"],
        "vintage": vintage,
        "level": level,
        "parent_code": parent,
        "code": only,
    }
