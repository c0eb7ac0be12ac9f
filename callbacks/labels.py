"""Language switch: every static label and every option list follows ``lang``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from dash import ALL, Dash, Input, Output, ctx

from layers import controls, ids
from layers.i18n import dropdown_labels, normalise_lang, t


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
        "search": controls.search_options(service.search_entries(vintage), lang),
    }


def label_texts(keys: Sequence[str], lang: str) -> list[str]:
    """Return the text of each label key in ``lang``."""
    return [t(key, normalise_lang(lang)) for key in keys]


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
        Output(ids.PRINT_BUTTON, "title"),
        Output(ids.PNG_BUTTON, "title"),
        Output(ids.COPY_LINK, "title"),
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
            label_texts(keys, lang),
            opts["indicator"],
            opts["indicator_help"],
            opts["vintage"],
            opts["scheme"],
            opts["search"],
            t("search_placeholder", normalise_lang(lang)),
            t("synthetic_help", normalise_lang(lang)),
            dropdown_labels(lang),
            dropdown_labels(lang),
            *label_texts(("print_brief_help", "png_help", "copy_link"), lang),
        )
