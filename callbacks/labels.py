"""Language switch: every static label and every option list follows ``lang``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dash import ALL, Dash, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from geodata.areas.text import search_key
from layers import controls, ids
from layers.i18n import dropdown_labels, normalise_lang, t

MAX_SEARCH_OPTIONS = 500
"""A search list longer than this (the country's 3,356 units) is filled as the user types:
thousands of options in the page would block the browser."""
MATCHES = 50


class Catalogue(Protocol):
    """The part of ``MapService`` the labels need."""

    def indicators(self) -> tuple[dict[str, Any], ...]: ...
    def indicator(self, key: str) -> dict[str, Any] | None: ...
    def pillars(self) -> dict[str, tuple[str, str]]: ...
    def periods(self) -> tuple[str, ...]: ...
    def vintages(self) -> tuple[dict[str, Any], ...]: ...
    def search_entries(self, vintage: str) -> tuple[dict[str, Any], ...]: ...


def options(lang: str, vintage: str, indicator: str, service: Catalogue) -> dict[str, Any]:
    """Return every option list and help text of the control panel in ``lang``."""
    lang = normalise_lang(lang)
    return {
        "indicator": controls.indicator_options(service.indicators(), service.pillars(), lang),
        "indicator_help": controls.indicator_help(service.indicator(indicator), lang),
        "period": [{"label": p, "value": p} for p in service.periods()],
        "vintage": controls.vintage_options(service.vintages(), lang),
        "scheme": controls.scheme_options(lang),
        "search": controls.search_options(shown_entries(service.search_entries(vintage)), lang),
    }


def shown_entries(
    entries: Sequence[Mapping[str, Any]], typed: str | None = None
) -> Sequence[Mapping[str, Any]]:
    """Return the search entries to offer (all of them for a short list).

    For a long list: the matches of ``typed`` (at most :data:`MATCHES`), and before typing the
    units above communes.
    """
    if len(entries) <= MAX_SEARCH_OPTIONS:
        return entries
    key = search_key(typed or "")
    if len(key) < 2:
        upper = [e for e in entries if e["level"] not in ("commune", "village")]
        return upper[:MAX_SEARCH_OPTIONS]
    words = key.split()
    return [e for e in entries if all(w in e["search"] for w in words)][:MATCHES]


def label_texts(
    keys: Sequence[str], lang: str, own: Mapping[str, Mapping[str, str]] | None = None
) -> list[str]:
    """Return the text of each label key in ``lang`` (``own``: texts of the area, by key)."""
    lang = normalise_lang(lang)
    own = own or {}
    return [own[key].get(lang, "") if key in own else t(key, lang) for key in keys]


def area_names(service: Any) -> dict[str, str]:
    """Return the stored area's name per language (``{}`` when the service has none)."""
    area = service.area() if hasattr(service, "area") else None
    return {"vi": area.name_vi, "en": area.name_en} if area else {}


def register(app: Dash, service: Catalogue) -> None:
    """Register the translation callback."""

    @app.callback(
        Output({"type": ids.LABEL, "key": ALL}, "children"),
        Output(ids.INDICATOR, "options"),
        Output(ids.INDICATOR_HELP, "children"),
        Output(ids.VINTAGE, "options"),
        Output(ids.SCHEME, "options"),
        Output(ids.SEARCH, "options"),
        Output(ids.SEARCH, "placeholder"),
        Output(ids.SYNTHETIC_BADGE, "title"),
        Output(ids.SEARCH, "labels"),
        Output(ids.INDICATOR, "labels"),
        Input(ids.LANG, "value"),
        Input(ids.VINTAGE, "value"),
        Input(ids.INDICATOR, "value"),
        prevent_initial_call=True,
    )
    def translate(lang: str, vintage: str, indicator: str) -> tuple[Any, ...]:
        """Redraw labels and option lists in the chosen language."""
        keys = [item["id"]["key"] for item in ctx.outputs_list[0]]
        opts = options(lang, vintage, indicator, service)
        return (
            label_texts(keys, lang, {"app_area": area_names(service)}),
            opts["indicator"],
            opts["indicator_help"],
            opts["vintage"],
            opts["scheme"],
            opts["search"],
            t("search_placeholder", normalise_lang(lang)),
            t("synthetic_help", normalise_lang(lang)),
            dropdown_labels(lang),
            dropdown_labels(lang),
        )

    vintages = [v["key"] for v in service.vintages()]
    if not any(len(service.search_entries(v)) > MAX_SEARCH_OPTIONS for v in vintages):
        return  # short lists are searched in the browser, with no server round trip

    @app.callback(
        Output(ids.SEARCH, "options", allow_duplicate=True),
        Input(ids.SEARCH, "search_value"),
        State(ids.LANG, "value"),
        State(ids.VINTAGE, "value"),
        prevent_initial_call=True,
    )
    def search_more(typed: str | None, lang: str, vintage: str) -> list[dict[str, Any]]:
        """Offer the units matching what is typed (long lists only)."""
        entries = service.search_entries(vintage)
        if len(entries) <= MAX_SEARCH_OPTIONS:
            raise PreventUpdate
        return controls.search_options(shown_entries(entries, typed), normalise_lang(lang))
