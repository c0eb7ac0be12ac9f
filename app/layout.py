"""The page layout, rendered complete for the default view (callbacks then follow the URL)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from callbacks.labels import options
from callbacks.map_view import Service, breadcrumb, geometry_url, map_frame, restyle
from callbacks.map_view import villages_url as villages_url_of
from layers import choropleth, controls, ids, panels
from layers.brief import brief_box, map_tools
from layers.downloads import download_box
from layers.header_tools import header_tools
from layers.legend import legend_box


def build_layout(
    state: dict[str, Any], service: Service, prefix: str, tile_url: str = "", tile_attr: str = ""
) -> html.Div:
    """Return the page for ``state`` (the default view): header, controls, map, table."""
    lang = state["lang"]
    opts = options(lang, state["vintage"], state["indicator"], service)  # type: ignore[arg-type]
    frame = map_frame(state, service)
    units_url = geometry_url(prefix, frame, service)
    villages_url = villages_url_of(prefix, frame, service)
    styled = restyle(state, frame, service)
    units = choropleth.units_layer(units_url, styled["units_hideout"])
    villages = choropleth.villages_layer(villages_url, styled["villages_hideout"])
    the_map = choropleth.map_container(
        units, villages, frame["bounds"], tile_url=tile_url, tile_attribution=tile_attr
    )
    inset = frame["inset"] or {}
    inset_map = choropleth.inset(
        choropleth.units_layer(
            units_url if inset else None, styled["units_hideout"], layer_id=ids.INSET_UNITS
        ),
        inset.get("bounds"),
        inset.get("names", []),
    )
    attribution = choropleth.attribution_box(styled["attribution"])
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.VIEW, data=None),
            panels.skip_link(lang),
            controls.header(lang, styled["synthetic"], header_tools(lang, prefix)),
            html.Main(
                [
                    controls.control_panel(state, opts, extra=[download_box(lang)]),
                    html.Section(
                        [
                            html.Nav(
                                breadcrumb(frame, lang),
                                id=ids.BREADCRUMB,
                                className="dxmap-breadcrumb",
                                **{"aria-label": "breadcrumb"},
                            ),
                            html.Div(
                                [the_map, inset_map, legend_box(styled["legend"]), map_tools(lang)],
                                className="dxmap-map-box",
                            ),
                            attribution,
                            controls.text("click_hint", lang, html.P, className="dxmap-hint"),
                        ],
                        className="dxmap-map-column",
                    ),
                    panels.analysis_column(lang, styled["summary"], styled["table"]),
                ],
                className="dxmap-main",
            ),
            brief_box(lang),
        ],
        className="dxmap-page",
        lang=lang,
    )
