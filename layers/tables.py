"""The table of units or villages on the map, and the summary of the selected unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from layers.i18n import format_number, format_value, t


def _met_cell(met: bool | None, lang: str) -> html.Td:
    if met is None:
        return html.Td("–", className="dxmap-met dxmap-met--none", title=t("no_data", lang))
    if met:
        return html.Td("✓", className="dxmap-met dxmap-met--yes", title=t("met", lang))
    return html.Td("✗", className="dxmap-met dxmap-met--no", title=t("not_met", lang))


def _num_den(rec: Mapping[str, Any], lang: str) -> str:
    if rec.get("numerator") is None or rec.get("denominator") is None:
        return "–"
    return (
        f"{format_number(rec['numerator'], lang, 0)} / {format_number(rec['denominator'], lang, 0)}"
    )


def sort_rows(
    rows: Sequence[Mapping[str, Any]], direction: str = "higher"
) -> list[Mapping[str, Any]]:
    """Rank rows best first by value (no data last, then by name)."""
    sign = -1 if direction == "higher" else 1

    def key(row: Mapping[str, Any]) -> tuple[int, float, str]:
        value = row.get("value")
        return (value is None, 0.0 if value is None else sign * value, str(row.get("name")))

    return sorted(rows, key=key)


def unit_table(rows: Sequence[Mapping[str, Any]], caption: str, unit: str, lang: str) -> list[Any]:
    """Return a caption and a table with one row per unit or village (name, value, target…)."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(key, lang), scope="col", className=f"dxmap-col-{key}")
                for key in ("name", "value", "num_den", "target", "met_short", "provenance")
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(
                        [
                            html.Span(row.get("name") or row["code"], className="dxmap-row-name"),
                            html.Span(row["code"], className="dxmap-code"),
                        ]
                    ),
                    html.Td(format_value(row.get("value"), unit, lang), className="dxmap-num"),
                    html.Td(_num_den(row, lang), className="dxmap-num"),
                    html.Td(
                        "–"
                        if row.get("target") is None
                        else format_value(row["target"], unit, lang),
                        className="dxmap-num",
                    ),
                    _met_cell(row.get("met"), lang),
                    html.Td(
                        t(row["provenance"], lang) if row.get("provenance") else "–",
                        className=f"dxmap-prov dxmap-prov--{row.get('provenance') or 'none'}",
                    ),
                ],
                className="dxmap-row",
                **{"data-code": row["code"]},
            )
            for row in rows
        ]
    )
    return [
        html.H2(caption, className="dxmap-table-caption"),
        html.Table([head, body], className="dxmap-table"),
    ]


def summary(
    name: str, indicator_name: str, period: str, rec: Mapping[str, Any] | None, unit: str, lang: str
) -> list[Any]:
    """Return the headline value of the selected unit (or the whole area) against its target."""
    rec = rec or {}
    value = rec.get("value")
    target = rec.get("target")
    parts: list[Any] = [
        html.Div(name, className="dxmap-summary-name"),
        html.Div(f"{indicator_name} · {period}", className="dxmap-summary-indicator"),
        html.Div(format_value(value, unit, lang), className="dxmap-summary-value"),
    ]
    facts: list[Any] = []
    if rec.get("numerator") is not None and rec.get("denominator") is not None:
        facts += [html.Dt(t("num_den", lang)), html.Dd(_num_den(rec, lang))]
    if target is not None:
        facts += [html.Dt(t("target", lang)), html.Dd(format_value(target, unit, lang))]
        if value is not None:
            facts += [
                html.Dt(t("gap", lang)),
                html.Dd(
                    ("+" if value >= target else "") + format_value(value - target, unit, lang)
                ),
            ]
    if rec.get("provenance"):
        facts += [html.Dt(t("provenance", lang)), html.Dd(t(rec["provenance"], lang))]
    if rec.get("published_value") is not None:  # shown beside, never instead of, the value
        facts += [
            html.Dt(t("published_value", lang)),
            html.Dd(format_value(rec["published_value"], unit, lang)),
        ]
    if facts:
        parts.append(html.Dl(facts, className="dxmap-summary-facts"))
    if value is not None and unit == "%" and value > 100:
        parts.append(html.Div(t("over_100", lang), className="dxmap-flag"))
    return parts
