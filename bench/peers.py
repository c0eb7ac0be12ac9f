"""The apps a Dash user would write instead, on the same data as dxmap (for bench/run.py).

- ``plotly_app``: ``px.choropleth_map`` in a ``dcc.Graph``; the figure (geometry included) is
  rebuilt by the callback on every change — the usual Dash way.
- ``leaflet_app``: dash-leaflet with the class colour in each feature's properties; the callback
  re-sends the whole GeoJSON on every change.

Both show the same units, values and classes as dxmap's first view and restyle on the same
classification radio (``#scheme``); their drawn shapes are counted the same way.
"""

from __future__ import annotations

import copy
from typing import Any

import dash
import dash_leaflet as dl
import plotly.express as px
from dash import Input, Output, dcc, html
from dash_extensions.javascript import Namespace

from geodata.analysis.classify import classify

SCHEMES = ("quantiles", "equal", "jenks")
COLORS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494", "#081d58"]


def classes(values: dict[str, float | None], scheme: str) -> dict[str, int | None]:
    """Return the class of each code (dxmap's own classification, so peers draw the same)."""
    return dict(classify(values, scheme).classes)


def plotly_app(geojson: dict[str, Any], values: dict[str, float | None]) -> dash.Dash:
    """Return the px.choropleth_map peer."""
    # no assets: the default folder would be the working directory's, dxmap's own assets/
    app = dash.Dash(__name__ + ".plotly", serve_locally=True, include_assets_files=False)
    app.layout = html.Div(
        [
            dcc.RadioItems(SCHEMES, SCHEMES[0], id="scheme", inline=True),
            dcc.Graph(id="map", style={"height": "700px"}),
        ]
    )

    @app.callback(Output("map", "figure"), Input("scheme", "value"))
    def figure(scheme: str) -> Any:
        cls = classes(values, scheme)
        codes = list(values)
        fig = px.choropleth_map(
            geojson=geojson,
            locations=codes,
            featureidkey="properties.code",
            color=[str(cls.get(c)) for c in codes],
            color_discrete_sequence=COLORS,
            map_style="white-bg",
            zoom=8.5,
            center={"lat": 10.6, "lon": 107.25},
        )
        fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=True)
        return fig

    return app


def leaflet_app(geojson: dict[str, Any], values: dict[str, float | None], assets: str) -> dash.Dash:
    """Return the naive dash-leaflet peer (the whole GeoJSON per change)."""
    app = dash.Dash(__name__ + ".leaflet", serve_locally=True, assets_folder=assets)
    style = Namespace("peer", "leaflet")("style")
    app.layout = html.Div(
        [
            dcc.RadioItems(SCHEMES, SCHEMES[0], id="scheme", inline=True),
            dl.MapContainer(
                dl.GeoJSON(id="units", style=style),
                id="map",
                center=[10.6, 107.25],
                zoom=9,
                style={"height": "700px"},
            ),
        ]
    )

    @app.callback(Output("units", "data"), Input("scheme", "value"))
    def data(scheme: str) -> Any:
        cls = classes(values, scheme)
        doc = copy.deepcopy(geojson)
        for feature in doc["features"]:
            c = cls.get(feature["properties"]["code"])
            feature["properties"]["color"] = "#c9c9c9" if c is None else COLORS[c % len(COLORS)]
        return doc

    return app
