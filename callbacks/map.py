"""Map callbacks: the frame (geometry URLs, fit, breadcrumb) and the restyle (hideout only)."""

from __future__ import annotations

import time
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from callbacks.map_view import Service, breadcrumb, geometry_url, map_frame, restyle, villages_url
from layers import ids
from layers.choropleth import INSET_FIT_OPTIONS, inset_style, viewport


def _changed(new: Any, old: Any) -> Any:
    return no_update if new == old else new


def _refit(fit: dict[str, Any] | None, old: dict[str, Any] | None) -> Any:
    if fit is None or (old and old.get("bounds") == fit["bounds"]):
        return no_update
    return fit


def frame_outputs(
    state: dict[str, Any], service: Service, prefix: str, current: tuple[Any, ...]
) -> tuple[Any, ...]:
    """Return the frame's outputs (see ``FRAME_OUTPUTS``), ``no_update`` where unchanged.

    ``current`` holds the present units URL, villages URL, viewport and inset viewport.
    """
    frame = map_frame(state, service)
    units_url = geometry_url(prefix, frame, service)
    village_url = villages_url(prefix, frame, service)
    old_units, old_villages, old_fit, old_inset_fit = current
    inset = frame["inset"]
    return (
        _changed(units_url, old_units),
        _changed(village_url, old_villages),
        _refit(viewport(frame["bounds"]), old_fit),
        breadcrumb(frame, state["lang"]),
        units_url if inset else no_update,
        _refit(viewport(inset["bounds"], INSET_FIT_OPTIONS) if inset else None, old_inset_fit),
        inset_style(bool(inset)),
        ", ".join(inset["names"]) if inset else no_update,
    )


def register(app: Dash, service: Service, prefix: str) -> None:
    """Register the frame and restyle callbacks, and the browser's record of newest hideouts."""
    app.clientside_callback(
        ClientsideFunction("dxmap", "remember"),
        Input(ids.UNITS, "hideout"),
        Input(ids.INSET_UNITS, "hideout"),
        Input(ids.VILLAGES, "hideout"),
    )

    @app.callback(
        Output(ids.UNITS, "url"),
        Output(ids.VILLAGES, "url"),
        Output(ids.MAP, "viewport"),
        Output(ids.BREADCRUMB, "children"),
        Output(ids.INSET_UNITS, "url"),
        Output(ids.INSET_MAP, "viewport"),
        Output(ids.INSET, "style"),
        Output(ids.INSET_LABEL, "children"),
        Input(ids.VIEW, "data"),
        State(ids.UNITS, "url"),
        State(ids.VILLAGES, "url"),
        State(ids.MAP, "viewport"),
        State(ids.INSET_MAP, "viewport"),
    )
    def show_frame(state: dict[str, Any] | None, *current: Any) -> tuple[Any, ...]:
        """Point the layers at the geometry of the selected unit and fit the map to it."""
        if not state:
            return (no_update,) * 8
        return frame_outputs(state, service, prefix, current)

    @app.callback(
        Output(ids.UNITS, "hideout"),
        Output(ids.INSET_UNITS, "hideout"),
        Output(ids.VILLAGES, "hideout"),
        Output(ids.LEGEND, "children"),
        Output(ids.SYNTHETIC_BADGE, "hidden"),
        Output(ids.TABLE, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.NOTICE, "children"),
        Output(ids.ATTRIBUTION, "children"),
        Input(ids.VIEW, "data"),
    )
    def restyle_map(state: dict[str, Any] | None) -> tuple[Any, ...]:
        """Send values and classes only; the browser restyles the geometry it already has."""
        if not state:
            return (no_update,) * 9
        out = restyle(state, map_frame(state, service), service, stamp=time.time_ns() // 1_000_000)
        return (
            out["units_hideout"],
            out["units_hideout"],
            out["villages_hideout"],
            out["legend"],
            not out["synthetic"],
            out["table"],
            out["summary"],
            out["notice"],
            out["attribution"],
        )
