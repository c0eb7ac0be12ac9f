"""Language switch: every static label and every option list follows ``lang``.

Part of the one view callback (``callbacks.navigation``): sent only when the language, vintage
or indicator changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dash import ALL, ClientsideFunction, Dash, Input, Output, State
from dash.exceptions import PreventUpdate

from callbacks.downloads import control_options
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


#: The header's and the map's tool buttons (output name: text key): titles follow the language.
TOOL_TITLES = {
    "print_title": "print_brief_help",
    "png_title": "png_help",
    "copy_link_title": "copy_link",
    "import_link_title": "import_link_title",
}

LABEL_OUTPUTS = {
    "label_texts": Output(ids.LABEL_TEXTS, "data"),  # the page's labels (set by register_labels)
    "indicator_options": Output(ids.INDICATOR, "options"),
    "indicator_help": Output(ids.INDICATOR_HELP, "children"),
    "vintage_options": Output(ids.VINTAGE, "options"),
    "scheme_options": Output(ids.SCHEME, "options"),
    "search_options": Output(ids.SEARCH, "options"),
    "search_placeholder": Output(ids.SEARCH, "placeholder"),
    "synthetic_title": Output(ids.SYNTHETIC_BADGE, "title"),
    "search_labels": Output(ids.SEARCH, "labels"),
    "indicator_labels": Output(ids.INDICATOR, "labels"),
    "download_scope_options": Output(ids.DOWNLOAD_SCOPE, "options"),
    "download_below_options": Output(ids.DOWNLOAD_BELOW, "options"),
    "download_crs_options": Output(ids.DOWNLOAD_CRS, "options"),
    "print_title": Output(ids.PRINT_BUTTON, "title"),
    "png_title": Output(ids.PNG_BUTTON, "title"),
    "copy_link_title": Output(ids.COPY_LINK, "title"),
    "import_link_title": Output(ids.IMPORT_LINK, "title"),
}


def label_outputs(
    view: Mapping[str, Any], before: Mapping[str, Any], keys: Sequence[str], service: Catalogue
) -> dict[str, Any]:
    """Return the values of :data:`LABEL_OUTPUTS` that differ from the view ``before``, by name.

    The language changes every label and option list, the vintage the search entries, the
    indicator its help text; anything else leaves them as they are (not sent). ``keys`` are the
    text keys of the page's labels (:func:`label_keys`): their texts go out as one
    ``{key: text}`` object, which the browser hands to each label.
    """
    lang, vintage, indicator = view["lang"], view["vintage"], view["indicator"]
    new_lang = lang != before.get("lang")
    new_vintage = new_lang or vintage != before.get("vintage")
    new_indicator = new_lang or indicator != before.get("indicator")
    if not (new_vintage or new_indicator):
        return {}
    opts = options(lang, vintage, indicator, service)
    sent: dict[str, Any] = {}
    if new_vintage:
        sent["search_options"] = opts["search"]
    if new_indicator:
        sent["indicator_help"] = opts["indicator_help"]
    if new_lang:
        sent.update(_language_outputs(normalise_lang(lang), opts, keys, service))
    return sent


def _language_outputs(
    lang: str, opts: Mapping[str, Any], keys: Sequence[str], service: Catalogue
) -> dict[str, Any]:
    """Return the outputs a new language changes: every label, option list and title."""
    scope, below, crs, _ = control_options(lang, None)
    own = {"app_area": area_names(service)}
    titles = label_texts(list(TOOL_TITLES.values()), lang)
    return {
        "label_texts": dict(zip(keys, label_texts(keys, lang, own), strict=True)),
        "indicator_options": opts["indicator"],
        "vintage_options": opts["vintage"],
        "scheme_options": opts["scheme"],
        "search_placeholder": t("search_placeholder", lang),
        "synthetic_title": t("synthetic_help", lang),
        "search_labels": dropdown_labels(lang),
        "indicator_labels": dropdown_labels(lang),
        "download_scope_options": scope,
        "download_below_options": below,
        "download_crs_options": crs,
        **dict(zip(TOOL_TITLES, titles, strict=True)),
    }


def label_keys(layout: Any) -> tuple[str, ...]:
    """Return the text keys of the labels in a page layout (ids of :func:`layers.ids.label`)."""
    found = []
    for component in layout._traverse():  # noqa: SLF001 - Dash's own walk of a component tree
        ident = getattr(component, "id", None)
        if isinstance(ident, dict) and ident.get("type") == ids.LABEL:
            found.append(str(ident["key"]))
    return tuple(dict.fromkeys(found))


def register_labels(app: Dash) -> None:
    """Hand each label its text when the language changes (in the browser: no round trip)."""
    app.clientside_callback(
        ClientsideFunction("dxmap", "labels"),
        Output({"type": ids.LABEL, "key": ALL}, "children"),
        Input(ids.LABEL_TEXTS, "data"),
        prevent_initial_call=True,
    )


def register_search(app: Dash, service: Catalogue) -> None:
    """Register the search box's server matches, for an area with a long unit list only.

    A short list is searched in the browser (no round trip); the country's 3,356 units are
    matched on the server as the user types (not on a view change).
    """
    vintages = [v["key"] for v in service.vintages()]
    if not any(len(service.search_entries(v)) > MAX_SEARCH_OPTIONS for v in vintages):
        return

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
