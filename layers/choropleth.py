"""The dash-leaflet map: container, unit polygons, village points and their ``hideout``.

The browser fetches geometry by URL (cached, compressed) and styles it with the functions in
``assets/dxmap.js``; the server only ever sends a hideout (values and classes) to restyle. The
layers' own ``hideout`` prop stays as the layout set it: ``dxmap.applyMap`` keeps the newest
one per geometry URL and restyles drawn layers in place (a changed prop would make dash-leaflet
rebuild every layer), and hands fetched geometry to the layer's ``data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_leaflet as dl
from dash import html
from dash_extensions.javascript import Namespace

from layers import ids
from layers.i18n import t

JS = Namespace("dxmap", "choropleth")
NO_DATA_COLOR = "#c9c9c9"
TOOLTIP_KEYS = (
    "value",
    "num_den",
    "target",
    "gap",
    "provenance",
    "published",
    "synthetic",
    "no_data",
    "met",
    "not_met",
    "over_100",
    "covered",
    "not_covered",
)
DEFAULT_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]  # Vietnam, until the area's bounds are known
HOVER_STYLE = {"weight": 3, "color": "#1a1a1a"}
# Keep the bottom strip (inset on the left, legend on the right) clear of the fitted area.
FIT_OPTIONS = {"paddingTopLeft": [16, 16], "paddingBottomRight": [16, 190]}
INSET_FIT_OPTIONS = {"padding": [6, 6]}  # the inset is small: a large padding would give NaN
# Above this many polygons at the finest level (national scale) Leaflet draws on a canvas:
# measured faster to draw and restyle than thousands of SVG paths (bench/).
CANVAS_FROM_UNITS = 1000
ZOOM_SNAP = 0.25
INSET_ZOOM_SNAP = 0.1


def prefers_canvas(n_units: int) -> bool:
    """Tell whether an area with ``n_units`` units is drawn on a canvas rather than as SVG."""
    return n_units > CANVAS_FROM_UNITS


def compact_values(
    records: Mapping[str, Mapping[str, Any]], classes: Mapping[str, int | None]
) -> dict[str, dict[str, Any]]:
    """Return code → the short record the browser reads (v, n, d, t, m, p, c); no geometry."""
    return {
        code: {
            "v": rec.get("value"),
            "n": rec.get("numerator"),
            "d": rec.get("denominator"),
            "t": rec.get("target"),
            "m": rec.get("met"),
            "p": rec.get("provenance"),
            "c": classes.get(code),
        }
        for code, rec in records.items()
    }


def hideout(
    records: Mapping[str, Mapping[str, Any]],
    classes: Mapping[str, int | None],
    colors: Sequence[str],
    *,
    unit: str,
    lang: str,
    selected: str | None = None,
    focus: str | None = None,
    marked: Sequence[str] = (),
    stamp: int = 0,
    binary: bool = False,
) -> dict[str, Any]:
    """Return the ``hideout`` of a layer: values, class colours, selection and tooltip labels.

    ``focus`` is the feature a gap-register row points to (outlined), ``marked`` the units being
    compared (dashed outline). ``stamp`` (server time in ms) lets the browser tell the newest
    hideout from a stale one. ``binary`` (villages of a share-of-villages indicator) makes the
    tooltip read covered / not covered instead of 100 % / 0 %.
    """
    return {
        "stamp": stamp,
        "binary": binary,
        "values": compact_values(records, classes),
        "colors": list(colors),
        "noData": NO_DATA_COLOR,
        "selected": selected,
        "focus": focus,
        "marked": list(marked),
        "unit": unit,
        "lang": lang,
        "labels": {key: t(key, lang) for key in TOOLTIP_KEYS},
    }


def attribution_parts(layers: Sequence[Mapping[str, Any]], lang: str) -> list[str]:
    """Return one line per distinct boundary source: attribution and licence (plain text)."""
    parts: list[str] = []
    for layer in layers:
        text = layer["attribution"]
        if ":" not in text.split(",")[0]:  # a store loaded before attributions were neutral
            text = f"{t('boundaries_source', lang)}: {text}"
        if layer.get("redistributable") is False and "redistribut" not in text:
            text += f" ({t('not_redistributable', lang)})"
        text += f" · {t('licence', lang)}: {layer['licence']}"
        if text not in parts:
            parts.append(text)
    return parts


def attribution_children(parts: Sequence[str]) -> list[Any]:
    """Return the attribution box content; Dash renders it as text, so data cannot inject HTML."""
    children: list[Any] = [html.A("Leaflet", href="https://leafletjs.com", target="_blank")]
    for part in parts:
        children += [" | ", html.Span(part, className="dxmap-attribution-part")]
    return children


def attribution_box(children: list[Any]) -> html.Div:
    """Return the map's attribution control (boundary sources and licences)."""
    return html.Div(
        children,
        id=ids.ATTRIBUTION,
        className="dxmap-attribution leaflet-control-attribution",
    )


POINTS_PANE = "dxmapPoints"  # assets/dxmap.js POINTS_PANE


def units_layer(layer_id: str = ids.UNITS) -> dl.GeoJSON:
    """Return the polygons of the current level (drawn by ``dxmap.applyMap``, styled in JS)."""
    return dl.GeoJSON(
        id=layer_id,
        data=None,
        hideout={},
        style=JS("style"),
        onEachFeature=JS("onEachFeature"),
        hoverStyle=HOVER_STYLE,
        bubblingMouseEvents=False,
    )


def villages_layer() -> dl.GeoJSON:
    """Return the village points (circle markers) of the selected leaf unit."""
    return dl.GeoJSON(
        id=ids.VILLAGES,
        data=None,
        hideout={},
        style=JS("style"),
        pointToLayer=JS("pointToLayer"),
        onEachFeature=JS("onEachFeature"),
        bubblingMouseEvents=False,
    )


def gap_layer() -> dl.GeoJSON:
    """Return the layer of every gap village of the area (drawn while the gap tab is open)."""
    return dl.GeoJSON(
        id=ids.GAP_VILLAGES,
        data=None,
        pointToLayer=JS("gapPoint"),
        onEachFeature=JS("gapFeature"),
        bubblingMouseEvents=False,
    )


def map_container(
    units: dl.GeoJSON,
    villages: dl.GeoJSON,
    bounds: Sequence[Sequence[float]] | None,
    *,
    tile_url: str = "",
    tile_attribution: str = "",
    prefer_canvas: bool = False,
) -> dl.MapContainer:
    """Return the map: no basemap unless ``tile_url`` is set (it then goes under the polygons)."""
    children: list[Any] = []
    if tile_url:
        children.append(dl.TileLayer(url=tile_url, attribution=tile_attribution or None))
    # Points in their own pane above the polygons (their svg is at z-index 200 in leaflet.css):
    # a unit redrawn later never covers a village.
    points = dl.Pane(
        [villages, gap_layer()], name=POINTS_PANE, pane="overlayPane", style={"zIndex": 300}
    )
    children.extend([units, points, dl.ScaleControl(position="bottomleft", imperial=False)])
    return dl.MapContainer(
        id=ids.MAP,
        children=children,
        bounds=[list(corner) for corner in (bounds or DEFAULT_BOUNDS)],
        boundsOptions=FIT_OPTIONS,
        trackViewport=False,  # nothing listens to pans and zooms: keep them in the browser
        preferCanvas=prefer_canvas,
        zoomSnap=ZOOM_SNAP,
        attributionControl=bool(tile_url),  # tiles credit themselves; boundaries: our box
        className="dxmap-map" + ("" if tile_url else " dxmap-map--plain"),
        style={"width": "100%", "height": "100%"},
    )


def inset(
    layer: dl.GeoJSON, bounds: Sequence[Sequence[float]] | None, names: Sequence[str]
) -> html.Div:
    """Return the inset for far-away islands: a small fixed map of the same layer."""
    return html.Div(
        [
            html.Div(", ".join(names), id=ids.INSET_LABEL, className="dxmap-inset-label"),
            dl.MapContainer(
                id=ids.INSET_MAP,
                children=[layer],
                bounds=[list(corner) for corner in (bounds or DEFAULT_BOUNDS)],
                boundsOptions=INSET_FIT_OPTIONS,
                trackViewport=False,
                zoomSnap=INSET_ZOOM_SNAP,
                zoomControl=False,
                attributionControl=False,
                dragging=False,
                scrollWheelZoom=False,
                doubleClickZoom=False,
                boxZoom=False,
                keyboard=False,
                touchZoom=False,
                className="dxmap-map--plain",
                style={"width": "100%", "height": "100%"},
            ),
        ],
        id=ids.INSET,
        className="dxmap-inset",
        style=inset_style(bool(bounds)),
    )


def inset_style(visible: bool) -> dict[str, str]:
    """Return the inset's style; hidden keeps its size so Leaflet needs no re-measure."""
    return {"visibility": "visible" if visible else "hidden"}


def viewport(
    bounds: Sequence[Sequence[float]] | None, options: Mapping[str, Any] | None = None
) -> dict[str, Any] | None:
    """Return the ``viewport`` that fits ``bounds`` (``None`` leaves the map where it is)."""
    if not bounds:
        return None
    return {"bounds": [list(corner) for corner in bounds], "options": dict(options or FIT_OPTIONS)}
