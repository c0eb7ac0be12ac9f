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

from dash import ALL, ClientsideFunction, Dash, Input, Output, State

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

MAP_OUTPUTS = {
    "map_data": Output(ids.MAP_DATA, "data"),
    "viewport": Output(ids.MAP, "viewport"),
    "inset_viewport": Output(ids.INSET_MAP, "viewport"),
    "inset_style": Output(ids.INSET, "style"),
    "inset_label": Output(ids.INSET_LABEL, "children"),
    "breadcrumb": Output(ids.BREADCRUMB, "children"),
    "legend": Output(ids.LEGEND, "children"),
    "synthetic_hidden": Output(ids.SYNTHETIC_BADGE, "hidden"),
    "summary": Output(ids.SUMMARY, "children"),
    "notice": Output(ids.NOTICE, "children"),
    "attribution": Output(ids.ATTRIBUTION, "children"),
    "village_hidden": Output(ids.VILLAGE_CARD, "hidden"),
    "village_body": Output(ids.VILLAGE_BODY, "children"),
}
TABLE_OUTPUTS = {"table": Output(ids.TABLE, "children")}  # the table tab's: sent while it is shown


def _refits(fit: dict[str, Any] | None, old: Mapping[str, Any] | None) -> bool:
    """Tell whether a map must move to ``fit`` (it is not already fitted to those bounds)."""
    return fit is not None and not (old and old.get("bounds") == fit["bounds"])


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
    playing: bool = False,
) -> dict[str, Any]:
    """Return the values of :data:`MAP_OUTPUTS` for ``view``, by name.

    A map already fitted to the frame (``old_fit``, ``old_inset_fit``: the viewports it holds)
    is not moved, and the inset's label is sent only when there is an inset: those names are
    left out. ``playing``: the period slider plays, so the classes are held fixed across periods.
    """
    frame = map_frame(view, service)
    stamp = time.time_ns() // 1_000_000
    styled = restyle(view, frame, service, stamp=stamp, table=False, playing=playing)
    inset = frame["inset"]
    fit = viewport(frame["bounds"])
    inset_fit = viewport(inset["bounds"], INSET_FIT_OPTIONS) if inset else None
    sent = {
        "map_data": map_payload(frame, styled, service, prefix),
        "inset_style": inset_style(bool(inset)),
        "breadcrumb": breadcrumb(
            frame, view["lang"], whole_area_name(service, view["vintage"], view["lang"])
        ),
        "legend": styled["legend"],
        "synthetic_hidden": not styled["synthetic"],
        "summary": styled["summary"],
        "notice": styled["notice"],
        "attribution": styled["attribution"],
        **_village_outputs(view, service),
    }
    if _refits(fit, old_fit):
        sent["viewport"] = fit
    if _refits(inset_fit, old_inset_fit):
        sent["inset_viewport"] = inset_fit
    if inset:
        sent["inset_label"] = ", ".join(inset["names"])
    return sent


def table_outputs(view: Mapping[str, Any], service: Service) -> dict[str, Any]:
    """Return the value of :data:`TABLE_OUTPUTS` for ``view``: the table of the shown units."""
    return {"table": restyle(view, map_frame(view, service), service, table=True)["table"]}


def _village_outputs(view: Mapping[str, Any], service: Any) -> dict[str, Any]:
    """Return the village card's ``hidden`` and body for the view (hidden without a village)."""
    code = view.get("village")
    card = service.village_card(view["period"], view["vintage"], code) if code else None
    if card is None:
        return {"village_hidden": True, "village_body": []}
    parent = service.unit(view["vintage"], card["parent_code"])
    return {"village_hidden": False, "village_body": village_card(card, parent, view["lang"])}


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
