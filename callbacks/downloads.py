"""Download of the current view: the map's view state → the one export implementation."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, no_update

from callbacks.map_view import Service, map_frame
from geodata.exports.write import MEDIA_TYPES, export_filename
from geodata.view import Choices, View, ViewError
from layers import ids
from layers.downloads import (
    BELOW,
    DEFAULT_CRS,
    DEFAULT_FORMAT,
    below_options,
    crs_hidden,
    crs_options,
    download_message,
    scope_options,
)
from layers.i18n import normalise_lang, t

log = logging.getLogger(__name__)


class ExportService(Service, Protocol):
    """The map service plus the view's choices and the export (satisfied by ``MapService``)."""

    def view_choices(self) -> Choices: ...

    def export(self, view: View, *, fmt: str, crs: str | None = None) -> bytes: ...


def export_request(
    state: Mapping[str, Any],
    frame: Mapping[str, Any],
    choices: Choices,
    *,
    fmt: str = DEFAULT_FORMAT,
    scope: str = "indicator",
    below_target: bool = False,
    crs: str | None = None,
) -> dict[str, Any]:
    """Return the export's arguments (``view``, ``fmt``, ``crs``) for what the map draws.

    ``frame`` is ``map_frame(state, service)``: its level and parent are what is drawn; at a
    leaf (a commune, or a unit with no units below it) the map's subject is the leaf's
    villages, so the export is the villages under it. The view store's data reach this
    callback as they were sent (a State is not checked by the page's guard), so the view is
    parsed here against ``choices``: a forged value is a :class:`ViewError` naming it.
    """
    if frame.get("leaf"):
        level, parent = "village", frame["leaf"]
    elif frame.get("level"):
        level, parent = frame["level"], frame.get("parent")
    else:
        raise ViewError("level", "the map shows no units for this view")
    every = scope == "all"
    values = {
        "level": level,
        "vintage": state.get("vintage"),
        "period": state.get("period"),
        "indicator": None if every else state.get("indicator"),
        "all_indicators": every,
        "parent": parent or None,
        "below_target": below_target,
    }
    return {
        "view": View.parse(values, choices),
        "fmt": fmt,
        "crs": (crs or DEFAULT_CRS) if fmt == "gpkg" else None,
    }


def download(
    state: Mapping[str, Any],
    choices: Mapping[str, Any],
    service: ExportService,
) -> tuple[dict[str, Any] | None, Any]:
    """Return the ``dcc.Download`` data (or ``None``) and the status line for one click.

    ``choices`` holds the control's ``fmt``, ``scope``, ``below`` (checklist values) and ``crs``.
    """
    lang = normalise_lang(state.get("lang"))
    try:
        request = export_request(
            state,
            map_frame(state, service),
            service.view_choices(),
            fmt=choices.get("fmt") or DEFAULT_FORMAT,
            scope=choices.get("scope") or "indicator",
            below_target=BELOW in (choices.get("below") or ()),
            crs=choices.get("crs"),
        )
        name = export_filename(**request)
        content = service.export(**request)
    except ViewError as exc:
        message = t("download_failed", lang, parameter=exc.parameter, message=str(exc))
        return None, download_message(message, ok=False)
    except Exception:  # a bug must not leave the user waiting on a button that did nothing
        log.exception("download failed for %s", dict(state))
        return None, download_message(t("download_error", lang), ok=False)
    data = dcc.send_bytes(content, name, type=MEDIA_TYPES[request["fmt"]])
    return data, download_message(t("download_ready", lang, name=name), ok=True)


def control_options(lang: str | None, fmt: str | None) -> tuple[Any, ...]:
    """Return the control's option lists in ``lang`` and whether the CRS choice is hidden."""
    lang = normalise_lang(lang)
    return scope_options(lang), below_options(lang), crs_options(lang), crs_hidden(fmt)


def register(app: Dash, service: ExportService) -> None:
    """Register the download and the control's language/format callbacks."""

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Output(ids.DOWNLOAD_MESSAGE, "children"),
        Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.VIEW, "data"),
        State(ids.DOWNLOAD_FORMAT, "value"),
        State(ids.DOWNLOAD_SCOPE, "value"),
        State(ids.DOWNLOAD_BELOW, "value"),
        State(ids.DOWNLOAD_CRS, "value"),
        prevent_initial_call=True,
        running=[(Output(ids.DOWNLOAD_BUTTON, "disabled"), True, False)],
    )
    def download_view(
        n_clicks: int | None,
        state: dict[str, Any] | None,
        fmt: str | None,
        scope: str | None,
        below: Sequence[str] | None,
        crs: str | None,
    ) -> tuple[Any, Any]:
        """Build the file of what the map shows and hand it to the browser."""
        if not n_clicks or not state:
            return no_update, no_update
        choices = {"fmt": fmt, "scope": scope, "below": below, "crs": crs}
        data, message = download(state, choices, service)
        return (data if data is not None else no_update), message

    # The option lists follow the language in the one view callback; the CRS choice follows
    # the format in the browser (GeoPackage only), so neither costs a round trip.
    app.clientside_callback(
        ClientsideFunction("dxmap", "crsHidden"),
        Output(ids.DOWNLOAD_CRS_BOX, "hidden"),
        Input(ids.DOWNLOAD_FORMAT, "value"),
        prevent_initial_call=True,
    )
