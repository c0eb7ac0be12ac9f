"""The scorecard of a unit: targets met per pillar ("Xã hội số 5/7") and each indicator's row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import html

from layers.i18n import format_value, t

# No dash for "no target": beside a count it read as a minus sign ("– 94").
STATUS_MARKS = {"met": "✓", "not_met": "✗", "no_target": "○", "no_data": "∅"}


def pillar_name(row: Mapping[str, Any], lang: str) -> str:
    """Return a pillar's name in ``lang``."""
    return str(row["pillar_vi"] if lang == "vi" else row["pillar_en"])


def indicator_name(row: Mapping[str, Any], lang: str) -> str:
    """Return an indicator's name in ``lang``."""
    return str(row["name_vi"] if lang == "vi" else row["name_en"])


def pillar_count(row: Mapping[str, Any]) -> str:
    """Return a pillar's "met/with target" text ("–" when nothing has a target at this level)."""
    return f"{row['met']}/{row['with_target']}" if row["with_target"] else "–"


def _chip_class(row: Mapping[str, Any]) -> str:
    if not row["with_target"]:
        return "dxmap-pillar dxmap-pillar--na"
    return "dxmap-pillar" + (" dxmap-pillar--all" if row["met"] == row["with_target"] else "")


def pillar_chips(pillars: Sequence[Mapping[str, Any]], lang: str) -> html.Ul:
    """Return one chip per pillar: name and "met/with target", details in the title."""
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(pillar_name(row, lang), className="dxmap-pillar-name"),
                    html.Strong(pillar_count(row), className="dxmap-pillar-count"),
                ],
                className=_chip_class(row),
                title=t(
                    "scorecard_pillar_help",
                    lang,
                    met=row["met"],
                    not_met=row["not_met"],
                    no_data=row["no_data"],
                    no_target=row["no_target"],
                )
                if row["total"]
                else t("status_not_applicable", lang),
                **{"data-pillar": row["pillar"]},
            )
            for row in pillars
        ],
        className="dxmap-pillars",
    )


def published_chips(
    pillars: Sequence[Mapping[str, Any]], published: Mapping[str, Mapping[str, Any]], lang: str
) -> html.Div | None:
    """Return the officially published counts per pillar ("12/15"), labelled with their source.

    ``pillars`` gives the order and names (dxmap's own pillar rows); ``published`` maps a pillar
    key to ``met``, ``total`` and the source's name. ``None`` when nothing was published.
    """
    if not published:
        return None
    chips = []
    sources: list[str] = []
    for row in pillars:
        entry = published.get(row["pillar"])
        if not entry:
            continue
        source = str(entry.get(f"source_{'vi' if lang == 'vi' else 'en'}") or "")
        if source and source not in sources:
            sources.append(source)
        chips.append(
            html.Li(
                [
                    html.Span(pillar_name(row, lang), className="dxmap-pillar-name"),
                    html.Strong(f"{entry['met']}/{entry['total']}", className="dxmap-pillar-count"),
                ],
                className="dxmap-pillar dxmap-pillar--published",
                **{"data-pillar": row["pillar"]},
            )
        )
    if not chips:
        return None
    label = t("scorecard_published", lang)
    if sources:
        label += f" ({'; '.join(sources)})"
    return html.Div(
        [
            html.Div(label, className="dxmap-pillars-label"),
            html.Ul(chips, className="dxmap-pillars"),
        ],
        className="dxmap-pillars-box dxmap-pillars-box--published",
    )


def pillar_line(name: str, pillars: Sequence[Mapping[str, Any]], lang: str) -> html.P:
    """Return a compact line of another unit's counts ("Toàn tỉnh: Kinh tế số 2/3 · …")."""
    counts = " · ".join(f"{pillar_name(row, lang)} {pillar_count(row)}" for row in pillars)
    return html.P(
        [html.Span(f"{name}: ", className="dxmap-pillar-line-name"), counts],
        className="dxmap-pillar-line",
    )


def _gap_text(row: Mapping[str, Any], lang: str) -> str:
    gap = row.get("gap")
    if gap is None:
        return "–"
    return ("+" if gap >= 0 else "") + format_value(gap, row["unit"], lang)


def _target_cell(row: Mapping[str, Any], lang: str) -> html.Td:
    target = row.get("target")
    if target is None:
        return html.Td("–", className="dxmap-num")
    comparator = row.get("comparator") or ">="
    text = ("" if comparator == ">=" else f"{comparator} ") + format_value(
        target, row["unit"], lang
    )
    parts: list[Any] = [text]
    scope = row.get("target_scope")
    if scope and scope != "*":  # an area-specific threshold (e.g. an island district)
        parts.append(
            html.Span(
                t("target_specific", lang),
                className="dxmap-target-local",
                title=t("target_specific_help", lang, scope=scope),
            )
        )
    return html.Td(parts, className="dxmap-num")


def status_key(row: Mapping[str, Any]) -> str:
    """Return the status shown for a row (``not_applicable`` when not measured at this level)."""
    if not row.get("applicable", True) and row.get("status") == "no_data":
        return "not_applicable"
    return str(row["status"])


def _status_cell(row: Mapping[str, Any], lang: str) -> html.Td:
    key = status_key(row)
    mark = STATUS_MARKS.get(key, "")
    return html.Td(
        [html.Span(mark, **{"aria-hidden": "true"}), " ", t(f"status_{key}", lang)],
        className=f"dxmap-status dxmap-status--{key}",
    )


def _indicator_row(row: Mapping[str, Any], lang: str, current: str | None) -> html.Tr:
    value = row.get("value")
    return html.Tr(
        [
            html.Th(indicator_name(row, lang), scope="row", className="dxmap-card-name"),
            html.Td(
                "–" if value is None else format_value(value, row["unit"], lang),
                className="dxmap-num",
            ),
            _target_cell(row, lang),
            html.Td(_gap_text(row, lang), className="dxmap-num"),
            _status_cell(row, lang),
        ],
        className="dxmap-card-row"
        + (" dxmap-card-row--current" if row["key"] == current else "")
        + ("" if row.get("applicable", True) else " dxmap-card-row--na"),
        **{"data-key": row["key"], "data-status": status_key(row)},
    )


def card_table(
    rows: Sequence[Mapping[str, Any]],
    pillars: Sequence[Mapping[str, Any]],
    lang: str,
    current: str | None = None,
) -> html.Table:
    """Return the table of every indicator (grouped by pillar): value, target, gap, status."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(key, lang), scope="col")
                for key in ("indicator", "value", "goal", "gap", "status")
            ]
        )
    )
    groups = []
    for pillar in pillars:
        members = [row for row in rows if row["pillar"] == pillar["pillar"]]
        heading = html.Tr(
            html.Th(pillar_name(pillar, lang), colSpan=5, scope="colgroup"),
            className="dxmap-card-group",
        )
        groups.append(
            html.Tbody([heading, *(_indicator_row(row, lang, current) for row in members)])
        )
    return html.Table(
        [html.Caption(t("scorecard_caption", lang)), head, *groups],
        className="dxmap-table dxmap-card-table",
    )


def scorecard(
    card: Mapping[str, Any] | None,
    area: Mapping[str, Any] | None,
    lang: str,
    current: str | None = None,
) -> list[Any]:
    """Return the scorecard of a unit, with the whole area's counts beside it when given."""
    if not card:
        return [html.P(t("no_data", lang), className="dxmap-empty")]
    name = card["unit"]["name"] or card["unit"]["unit"]
    published = published_chips(card["pillars"], card.get("published") or {}, lang)
    own: Any = pillar_chips(card["pillars"], lang)
    if published is not None:
        own = html.Div(
            [html.Div(t("scorecard_own", lang), className="dxmap-pillars-label"), own],
            className="dxmap-pillars-box dxmap-pillars-box--own",
        )
    parts: list[Any] = [
        html.H2(
            t("scorecard_title", lang, name=name, period=card["period"]),
            className="dxmap-panel-title",
        ),
        own,
    ]
    if published is not None:
        parts.append(published)
    if area:
        parts.append(pillar_line(t("whole_area", lang), area["pillars"], lang))
    parts.append(card_table(card["rows"], card["pillars"], lang, current))
    notes = [t("scorecard_note", lang)]
    if published is not None:
        notes.append(t("scorecard_published_note", lang))
    if card.get("example_targets"):
        notes.append(t("examples_note", lang))
    parts.append(html.P(" ".join(notes), className="dxmap-note"))
    return parts
