"""The index page drops Dash's @babel/polyfill for dxmap's app only."""

from __future__ import annotations

import dash
from dash import html

from app.web.security import SafeDash


def scripts(app: dash.Dash) -> list[str]:
    app.layout = html.Div("x")
    page = app.server.test_client().get("/").get_data(as_text=True)
    return [line for line in page.split("<script") if "src=" in line.split(">")[0]]


def test_dxmaps_page_has_no_polyfill_and_other_dash_apps_keep_theirs() -> None:
    plain = scripts(dash.Dash("plain"))
    ours = scripts(SafeDash("ours"))
    assert any("/deps/polyfill@" in tag for tag in plain)  # what Dash does by default
    assert not any("polyfill@" in tag for tag in ours)
    assert len(ours) == len(plain) - 1  # React, the renderer and the rest are all still there
    assert any("/deps/polyfill@" in tag for tag in scripts(dash.Dash("after")))
