"""Header, control panel and breadcrumb builders; options come in as plain dicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layers import ids
from layers.i18n import LANGS, dropdown_labels, t

SCHEMES = ("quantiles", "equal", "jenks", "target")


def text(key: str, lang: str, tag: type[html.Span] = html.Span, **props: Any) -> Any:
    """Return an element whose text the language switch translates (id ``label(key)``)."""
    return tag(t(key, lang), id=ids.label(key), **props)


def indicator_options(
    indicators: Sequence[Mapping[str, Any]], pillars: Mapping[str, Sequence[str]], lang: str
) -> list[dict[str, Any]]:
    """Return indicator options grouped by pillar (a disabled heading before each group)."""
    col = 0 if lang == "vi" else 1
    options: list[dict[str, Any]] = []
    for pillar, names in pillars.items():
        members = [ind for ind in indicators if ind["pillar"] == pillar]
        if not members:
            continue
        options.append(
            {
                "label": html.Span(names[col], className="dxmap-optgroup"),
                "value": f"pillar:{pillar}",
                "disabled": True,
                "search": names[col],
            }
        )
        for ind in members:
            name = ind["name_vi"] if lang == "vi" else ind["name_en"]
            options.append(
                {
                    "label": html.Span(name, className="dxmap-option", title=name),
                    "value": ind["key"],
                    "search": f"{name} {ind['key']}",
                }
            )
    return options


def indicator_help(indicator: Mapping[str, Any] | None, lang: str) -> list[Any]:
    """Return the definition, numerator and denominator of the chosen indicator."""
    if indicator is None:
        return []
    suffix = "vi" if lang == "vi" else "en"
    rows = [
        html.P(
            indicator[f"definition_{suffix}"],
            className="dxmap-help-definition",
            title=indicator[f"definition_{suffix}"],  # in full where the text is clamped
        ),
    ]
    kind = t(f"kind_{indicator['kind']}", lang) if indicator["kind"] else ""
    details = []
    if indicator.get(f"numerator_{suffix}"):
        details += [html.Dt(t("numerator", lang)), html.Dd(indicator[f"numerator_{suffix}"])]
    if indicator.get(f"denominator_{suffix}"):
        details += [html.Dt(t("denominator", lang)), html.Dd(indicator[f"denominator_{suffix}"])]
    if details:
        rows.append(html.Dl(details, className="dxmap-help-terms"))
    rows.append(html.P(f"{kind} · {indicator['unit']}", className="dxmap-help-kind"))
    return rows


def vintage_options(vintages: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, str]]:
    """Return the boundary-vintage options in ``lang``."""
    key = "name_vi" if lang == "vi" else "name_en"
    return [{"label": v[key], "value": v["key"]} for v in vintages]


def scheme_options(lang: str) -> list[dict[str, str]]:
    """Return the classification options in ``lang``."""
    return [{"label": t(f"scheme_{s}", lang), "value": s} for s in SCHEMES]


def search_options(entries: Sequence[Mapping[str, Any]], lang: str) -> list[dict[str, str]]:
    """Return search options: every unit, plus former names pointing to their current unit."""
    options = []
    for entry in entries:
        level = t(f"level_{entry['level']}", lang)
        if entry.get("former"):
            label = f"{entry['former']} ({t('former_name', lang)}) → {entry['name']}"
        else:
            label = f"{entry['name']} · {entry['code']}"
        options.append(
            {
                "label": label,
                "value": entry["value"],
                "search": f"{entry['search']} {entry.get('former') or entry['name']} {level}",
            }
        )
    return options


def header(
    lang: str,
    synthetic: bool,
    area_name: Mapping[str, str] | None = None,
    tools: Any = None,
) -> html.Header:
    """Return the page header: title, the area's name, synthetic badge, ``tools``, language."""
    names = area_name or {}
    return html.Header(
        [
            html.Div(
                [
                    text("app_title", lang, html.H1, className="dxmap-title"),
                    html.Span(
                        names.get(lang, ""), id=ids.label("app_area"), className="dxmap-area"
                    ),
                ],
                id=ids.TITLE,
                className="dxmap-brand",
            ),
            html.Div(
                text("synthetic_badge", lang),
                id=ids.SYNTHETIC_BADGE,
                className="dxmap-badge",
                title=t("synthetic_help", lang),
                hidden=not synthetic,
                role="status",
            ),
            tools,
            html.Div(
                [
                    text("language", lang, html.Label, className="dxmap-sr-only", htmlFor=ids.LANG),
                    dcc.RadioItems(
                        id=ids.LANG,
                        options=[{"label": code.upper(), "value": code} for code in LANGS],
                        value=lang,
                        inline=True,
                        className="dxmap-lang",
                    ),
                ],
                className="dxmap-lang-box",
            ),
        ],
        className="dxmap-header",
    )


def field(key: str, lang: str, control: Any, extra: Any = None) -> html.Div:
    """Return a labelled control."""
    return html.Div(
        [text(key, lang, html.Label, className="dxmap-field-label"), control, extra],
        className="dxmap-field",
    )


def control_panel(
    state: Mapping[str, Any], options: Mapping[str, Any], extra: Sequence[Any] = ()
) -> html.Aside:
    """Return the left panel: search, indicator, period, vintage, classification, then ``extra``."""
    lang = state["lang"]
    return html.Aside(
        [
            field(
                "search",
                lang,
                dcc.Dropdown(
                    id=ids.SEARCH,
                    options=options["search"],
                    value=None,
                    placeholder=t("search_placeholder", lang),
                    clearable=True,
                    searchable=True,
                    maxHeight=320,
                    labels=dropdown_labels(lang),
                ),
            ),
            field(
                "indicator",
                lang,
                dcc.Dropdown(
                    id=ids.INDICATOR,
                    options=options["indicator"],
                    value=state["indicator"],
                    clearable=False,
                    searchable=True,
                    maxHeight=420,
                    optionHeight=34,
                    labels=dropdown_labels(lang),
                ),
                html.Div(options["indicator_help"], id=ids.INDICATOR_HELP, className="dxmap-help"),
            ),
            field(
                "period",
                lang,
                dcc.Dropdown(
                    id=ids.PERIOD,
                    options=options["period"],
                    value=state["period"],
                    clearable=False,
                    searchable=False,
                ),
            ),
            field(
                "vintage",
                lang,
                dcc.Dropdown(
                    id=ids.VINTAGE,
                    options=options["vintage"],
                    value=state["vintage"],
                    clearable=False,
                    searchable=False,
                ),
            ),
            field(
                "scheme",
                lang,
                dcc.RadioItems(
                    id=ids.SCHEME,
                    options=options["scheme"],
                    value=state["scheme"],
                    className="dxmap-scheme",
                ),
            ),
            html.Div(id=ids.NOTICE, className="dxmap-notice", role="status"),
            *extra,
        ],
        className="dxmap-controls",
    )


def breadcrumb(chain: Sequence[Mapping[str, str]]) -> list[Any]:
    """Return breadcrumb items: buttons for ancestors, plain text for the current unit."""
    items: list[Any] = []
    for i, crumb in enumerate(chain):
        last = i == len(chain) - 1
        if i:
            items.append(html.Span("›", className="dxmap-crumb-sep", **{"aria-hidden": "true"}))
        if last:
            items.append(html.Span(crumb["name"], className="dxmap-crumb dxmap-crumb--current"))
        else:
            items.append(
                html.Button(
                    crumb["name"], id=ids.crumb(crumb["code"]), className="dxmap-crumb", n_clicks=0
                )
            )
    return items
