"""The village card over the map: register entry and each village indicator's status.

Opened by a click (or Enter) on a village point; ``village=CODE`` in the URL reopens it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import html

from layers import ids
from layers.i18n import format_number, format_value, t


def status_text(row: Mapping[str, Any], lang: str) -> str:
    """Return an indicator's status for one village: covered / not covered, or its value."""
    if row.get("kind") == "share_of_villages":
        if row.get("covered") is None:
            return t("no_data", lang)
        return t("covered" if row["covered"] else "not_covered", lang)
    return format_value(row.get("value"), row.get("unit") or "", lang)


def _indicator_item(row: Mapping[str, Any], lang: str) -> html.Li:
    facts: list[Any] = []
    counted = row.get("numerator") is not None and row.get("denominator") is not None
    if row.get("kind") != "share_of_villages" and counted:
        facts.append(
            f"{format_number(row['numerator'], lang, 0)} / "
            f"{format_number(row['denominator'], lang, 0)}"
        )
    if row.get("met") is not None:
        facts.append(t("met" if row["met"] else "not_met", lang))
    if row.get("provenance"):
        facts.append(f"{t('provenance', lang)}: {t(row['provenance'], lang)}")
    if row.get("source_title") or row.get("source"):  # numbered: the sources follow the list
        facts.append(f"{t('village_source', lang)} [{row['source_number']}]")
    status = "none" if row.get("value") is None else ("yes" if row.get("covered") else "value")
    if row.get("covered") is False:
        status = "no"
    return html.Li(
        [
            html.Div(row["name_vi" if lang == "vi" else "name_en"], className="dxmap-vc-name"),
            html.Div(
                status_text(row, lang),
                className=f"dxmap-vc-status dxmap-vc-status--{status}",
            ),
            html.Div(" · ".join(facts), className="dxmap-vc-facts") if facts else None,
        ],
        className="dxmap-vc-indicator",
        **{"data-key": row["key"]},
    )


def village_card(
    card: Mapping[str, Any] | None, parent: Mapping[str, Any] | None, lang: str
) -> list[Any]:
    """Return the card's children (empty when no village is open)."""
    if not card:
        return []
    level = (parent or {}).get("level") or "commune"
    facts = [
        html.Dt(t(f"unit_level_{level}", lang)),
        html.Dd((parent or {}).get("name") or card["parent_code"]),
        html.Dt(t("village_households", lang)),
        html.Dd(format_number(card.get("households"), lang, 0)),
        html.Dt(t("village_adults", lang)),
        html.Dd(format_number(card.get("adults"), lang, 0)),
    ]
    if card.get("provenance"):
        facts += [html.Dt(t("village_register", lang)), html.Dd(t(card["provenance"], lang))]
    sources: list[str] = []
    rows = []
    for row in card.get("indicators") or ():
        title = row.get("source_title") or row.get("source")
        if title and title not in sources:
            sources.append(title)
        rows.append({**row, "source_number": sources.index(title) + 1 if title else None})
    items = [_indicator_item(row, lang) for row in rows]
    return [
        html.H2(card["name"], id=ids.VILLAGE_TITLE, className="dxmap-vc-title"),
        html.Div(card["code"], className="dxmap-code"),
        html.Dl(facts, className="dxmap-vc-facts-list"),
        html.H3(t("village_indicators", lang), className="dxmap-vc-subtitle"),
        html.Ul(items, className="dxmap-vc-indicators")
        if items
        else html.P(t("village_none", lang), className="dxmap-empty"),
        html.Ol(
            [html.Li(title) for title in sources],
            className="dxmap-vc-sources",
            **{"aria-label": t("village_source", lang)},
        )
        if sources
        else None,
    ]


def card_box(lang: str) -> html.Section:
    """Return the (hidden) container of the village card, placed over the map.

    The close button stays in the page (the view callback fills only the body).
    """
    return html.Section(
        [
            html.Button(
                [
                    html.Span("×", **{"aria-hidden": "true"}),
                    html.Span(
                        t("village_close", lang),
                        id=ids.label("village_close"),
                        className="dxmap-sr-only",
                    ),
                ],
                id=ids.VILLAGE_CLOSE,
                n_clicks=0,
                className="dxmap-vc-close",
            ),
            html.Div([], id=ids.VILLAGE_BODY, className="dxmap-vc-body"),
        ],
        id=ids.VILLAGE_CARD,
        hidden=True,
        className="dxmap-village-card",
        role="region",
        **{"aria-live": "polite", "aria-labelledby": ids.VILLAGE_TITLE},
    )
