"""The map's part of a view change: one payload of geometry URLs and hideouts, and the rest.

The server sends values only; ``assets/dxmap.js`` (``dxmap.applyMap``) fetches geometry by URL
when it changed, ignores a response a newer view has overtaken, and otherwise restyles the
drawn layers in place (``setStyle``): dash-leaflet's ``hideout`` prop is never changed, because
a new ``hideout`` makes dash-leaflet 1.1 rebuild every layer.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, no_update

from callbacks.map_view import (
    Service,
    breadcrumb,
    geometry_url,
    map_frame,
    villages_url,
    whole_area_name,
)
from callbacks.restyle import restyle
from layers import ids
from layers.choropleth import (
    INSET_FIT_OPTIONS,
    INSET_ZOOM_SNAP,
    ZOOM_SNAP,
    inset_style,
    viewport,
)
from layers.village_card import village_card

MAP_OUTPUTS = (
    Output(ids.MAP_DATA, "data"),
    Output(ids.MAP, "viewport"),
    Output(ids.INSET_MAP, "viewport"),
    Output(ids.INSET, "style"),
    Output(ids.INSET_LABEL, "children"),
    Output(ids.BREADCRUMB, "children"),
    Output(ids.LEGEND, "children"),
    Output(ids.SYNTHETIC_BADGE, "hidden"),
    Output(ids.SUMMARY, "children"),
    Output(ids.NOTICE, "children"),
    Output(ids.ATTRIBUTION, "children"),
    Output(ids.VILLAGE_CARD, "hidden"),
    Output(ids.VILLAGE_BODY, "children"),
)


def _refit(fit: dict[str, Any] | None, old: Mapping[str, Any] | None) -> Any:
    if fit is None or (old and old.get("bounds") == fit["bounds"]):
        return no_update
    return fit


def map_payload(
    frame: Mapping[str, Any], styled: Mapping[str, Any], service: Service, prefix: str
) -> dict[str, Any]:
    """Return what the browser's layers draw: per layer id its geometry URL and hideout.

    ``key`` names the view's geometry (vintage, level, parent): the URL carries it, so a
    response for another view can be told apart and ignored.
    """
    units_url = geometry_url(prefix, frame, service)
    inset = frame["inset"]
    # The fit each map will make, so the browser picks the zoom band it will end at.
    fit = {"map": ids.MAP, "snap": ZOOM_SNAP, **(viewport(frame["bounds"]) or {})}
    inset_fit = {"map": ids.INSET_MAP, "snap": INSET_ZOOM_SNAP}
    if inset:
        inset_fit.update(viewport(inset["bounds"], INSET_FIT_OPTIONS) or {})
    return {
        "key": f"{frame['vintage']}/{frame.get('level')}/{frame.get('parent') or ''}",
        "layers": {
            ids.UNITS: {"url": units_url, "hideout": styled["units_hideout"], "fit": fit},
            ids.INSET_UNITS: {
                "url": units_url if inset else None,
                "like": ids.UNITS,
                "fit": inset_fit,
            },
            ids.VILLAGES: {
                "url": villages_url(prefix, frame, service),
                "hideout": styled["villages_hideout"],
            },
        },
    }


def map_outputs(
    view: Mapping[str, Any],
    service: Service,
    prefix: str,
    old_fit: Mapping[str, Any] | None = None,
    old_inset_fit: Mapping[str, Any] | None = None,
    *,
    table: bool = False,
    playing: bool = False,
) -> tuple[list[Any], Any]:
    """Return the values of ``MAP_OUTPUTS`` for ``view`` and the unit table (when ``table``).

    ``playing``: the period slider plays, so the classes are held fixed across periods.
    """
    frame = map_frame(view, service)
    stamp = time.time_ns() // 1_000_000
    styled = restyle(view, frame, service, stamp=stamp, table=table, playing=playing)
    inset = frame["inset"]
    values = [
        map_payload(frame, styled, service, prefix),
        _refit(viewport(frame["bounds"]), old_fit),
        _refit(viewport(inset["bounds"], INSET_FIT_OPTIONS) if inset else None, old_inset_fit),
        inset_style(bool(inset)),
        ", ".join(inset["names"]) if inset else no_update,
        breadcrumb(frame, view["lang"], whole_area_name(service, view["vintage"], view["lang"])),
        styled["legend"],
        not styled["synthetic"],
        styled["summary"],
        styled["notice"],
        styled["attribution"],
        *_village_outputs(view, service),
    ]
    return values, styled.get("table")


def _village_outputs(view: Mapping[str, Any], service: Any) -> list[Any]:
    """Return the village card's ``hidden`` and body for the view (hidden without a village)."""
    code = view.get("village")
    card = service.village_card(view["period"], view["vintage"], code) if code else None
    if card is None:
        return [True, []]
    parent = service.unit(view["vintage"], card["parent_code"])
    return [False, village_card(card, parent, view["lang"])]


def register(app: Dash) -> None:
    """Register the browser-side parts: draw, turn clicks into a target, move the period slider.

    The slider's ticks set the period control: one view change (one server callback) each.
    """
    app.clientside_callback(
        ClientsideFunction("dxmap", "periodSlider"),
        Output(ids.PERIOD, "value", allow_duplicate=True),
        Output(ids.PERIOD_SLIDER, "value"),
        Output(ids.PERIOD_TICK, "disabled"),
        Output(ids.PERIOD_PLAY, "aria-pressed"),
        Input(ids.PERIOD, "value"),
        Input(ids.PERIOD_SLIDER, "value"),
        Input(ids.PERIOD_TICK, "n_intervals"),
        Input(ids.PERIOD_PLAY, "n_clicks"),
        State(ids.PERIOD_SLIDER, "marks"),
        State(ids.PERIOD_TICK, "disabled"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("dxmap", "applyMap"),
        Input(ids.MAP_DATA, "data"),
    )
    app.clientside_callback(
        ClientsideFunction("dxmap", "navTarget"),
        Output(ids.NAV, "data"),
        Input(ids.UNITS, "clickData"),
        Input(ids.INSET_UNITS, "clickData"),
        Input(ids.VILLAGES, "clickData"),
        Input(ids.VILLAGE_CLOSE, "n_clicks"),
        Input({"type": ids.CRUMB, "index": ALL}, "n_clicks"),
        Input({"type": ids.PICK, "index": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
