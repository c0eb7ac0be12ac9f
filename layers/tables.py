"""The table of units or villages on the map, and the summary of the selected unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from layers import ids
from layers.choropleth import NO_DATA_COLOR
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


def _value_text(value: float | None, unit: str, lang: str, binary: bool) -> str:
    if binary and value is not None:
        return t("covered" if value > 0 else "not_covered", lang)
    return format_value(value, unit, lang)


def sort_rows(
    rows: Sequence[Mapping[str, Any]], direction: str = "higher"
) -> list[Mapping[str, Any]]:
    """Rank rows best first by value (no data last, then by name)."""
    sign = -1 if direction == "higher" else 1

    def key(row: Mapping[str, Any]) -> tuple[int, float, str]:
        value = row.get("value")
        return (value is None, 0.0 if value is None else sign * value, str(row.get("name")))

    return sorted(rows, key=key)


def _name_cell(row: Mapping[str, Any], pickable: bool) -> html.Th:
    name = html.Span(row.get("name") or row["code"], className="dxmap-row-name")
    code = html.Span(row["code"], className="dxmap-code")
    if pickable:  # the keyboard's way to drill down, as a click on the map does
        name = html.Button(
            [name, code], id=ids.pick(row["code"]), n_clicks=0, className="dxmap-row-pick"
        )
        return html.Th(name, scope="row")
    return html.Th([name, code], scope="row")


def _class_cell(entry: tuple[str, str] | None, lang: str) -> html.Td:
    color, label = entry or (NO_DATA_COLOR, t("no_data", lang))
    return html.Td(
        [
            html.Span(className="dxmap-swatch", style={"backgroundColor": color}),
            html.Span(label, className="dxmap-class-label"),
        ],
        className="dxmap-class",
    )


def unit_table(
    rows: Sequence[Mapping[str, Any]],
    caption: str,
    unit: str,
    lang: str,
    classes: Mapping[str, tuple[str, str] | None] | None = None,
    pickable: bool = False,
    binary: bool = False,
) -> list[Any]:
    """Return the table of the units or villages on the map: values, targets and map classes.

    ``classes`` maps a code to its class's (colour, label) on the map; ``pickable`` makes each
    name a button that selects the unit; ``binary`` (villages of a share-of-villages indicator)
    lists each village as covered / not covered rather than 100 % / 0 %.
    """
    keys = ["name", "value", "num_den", "target", "met_short", "provenance"]
    if classes is not None:
        keys.insert(5, "table_class")
    head = html.Thead(
        html.Tr([html.Th(t(key, lang), scope="col", className=f"dxmap-col-{key}") for key in keys])
    )
    body = []
    for row in rows:
        cells = [
            _name_cell(row, pickable),
            html.Td(_value_text(row.get("value"), unit, lang, binary), className="dxmap-num"),
            html.Td(_num_den(row, lang), className="dxmap-num"),
            html.Td(
                "–" if row.get("target") is None else format_value(row["target"], unit, lang),
                className="dxmap-num",
            ),
            _met_cell(row.get("met"), lang),
        ]
        if classes is not None:
            cells.append(_class_cell(classes.get(row["code"]), lang))
        cells.append(
            html.Td(
                t(row["provenance"], lang) if row.get("provenance") else "–",
                className=f"dxmap-prov dxmap-prov--{row.get('provenance') or 'none'}",
            )
        )
        body.append(html.Tr(cells, className="dxmap-row", **{"data-code": row["code"]}))
    return [
        html.P(t("table_help", lang), className="dxmap-hint"),
        html.Table(
            [html.Caption(caption, className="dxmap-table-caption"), head, html.Tbody(body)],
            className="dxmap-table",
        ),
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
