"""The page layout: controls and an empty map; the one view callback fills it for the URL.

Nothing of the default view is drawn here (no geometry URL, no legend): a shared link opens its
own view first, with one round trip, instead of the default view and then its own.
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from callbacks.labels import area_names, options
from callbacks.map_view import Service, map_frame
from layers import choropleth, controls, ids, panels
from layers.brief import brief_box, map_tools
from layers.downloads import download_box
from layers.header_tools import header_tools
from layers.legend import legend_box
from layers.period_bar import period_bar
from layers.village_card import card_box


def build_layout(
    state: dict[str, Any], service: Service, prefix: str, tile_url: str = "", tile_attr: str = ""
) -> html.Div:
    """Return the page for ``state`` (the default view): header, controls, map, table."""
    lang = state["lang"]
    opts = options(lang, state["vintage"], state["indicator"], service)  # type: ignore[arg-type]
    frame = map_frame(state, service)  # only the area's extent, for the first fit
    units = choropleth.units_layer()
    villages = choropleth.villages_layer()
    the_map = choropleth.map_container(
        units,
        villages,
        frame["bounds"],
        tile_url=tile_url,
        tile_attribution=tile_attr,
        prefer_canvas=choropleth.prefers_canvas(len(service.units_index(state["vintage"]))),
    )
    inset_map = choropleth.inset(choropleth.units_layer(layer_id=ids.INSET_UNITS), None, [])
    attribution = choropleth.attribution_box([])
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.VIEW, data=None),
            dcc.Store(id=ids.NAV, data=None),
            dcc.Store(id=ids.MAP_DATA, data=None),
            dcc.Store(id=ids.MAP_DRAWN, data=None),
            dcc.Store(id=ids.COMPARE_OPTIONS, data=None),
            dcc.Store(id=ids.LABEL_TEXTS, data=None),
            panels.skip_link(lang),
            controls.header(lang, False, area_names(service), header_tools(lang, prefix)),
            html.Main(
                [
                    controls.control_panel(state, opts, extra=[download_box(lang)]),
                    html.Section(
                        [
                            html.Nav(
                                [],
                                id=ids.BREADCRUMB,
                                className="dxmap-breadcrumb",
                                **{"aria-label": "breadcrumb"},
                            ),
                            html.Div(
                                [
                                    the_map,
                                    inset_map,
                                    legend_box([]),
                                    map_tools(lang),
                                    card_box(lang),
                                ],
                                className="dxmap-map-box",
                            ),
                            period_bar([o["value"] for o in opts["period"]], state["period"], lang),
                            attribution,
                            controls.text("click_hint", lang, html.P, className="dxmap-hint"),
                        ],
                        className="dxmap-map-column",
                    ),
                    panels.analysis_column(lang, [], []),
                ],
                className="dxmap-main",
            ),
            brief_box(lang),
        ],
        className="dxmap-page",
        lang=lang,
    )
