"""The web app through Flask's test client: page, geometry resources, callbacks' payloads."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from app.factory import create_app
from app.settings import Settings
from layers import ids


@pytest.fixture
def app(store_url: str, tmp_path):
    return create_app(Settings(database_url=store_url, instance_dir=tmp_path))


@pytest.fixture
def client(app):
    return app.server.test_client()


def _find(node: Any, ident: str) -> dict | None:
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ident:
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find(child, ident)
        if found:
            return found
    return None


def test_the_page_and_its_layout_render(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b"/assets/dxmap.js" in page.data and b"/assets/dxmap.css" in page.data
    layout = client.get("/_dash-layout").get_json()
    units = _find(layout, ids.UNITS)
    assert units is not None
    # Nothing of the default view: the URL's own view is drawn by the first callback.
    assert not units["props"].get("url") and not units["props"].get("data")
    assert units["props"]["hideout"] == {}
    assert _find(layout, ids.LEGEND) is not None and not _find(layout, ids.LEGEND)["props"].get(
        "children"
    )


def test_assets_are_served_from_the_repositorys_assets_folder(client) -> None:
    script = client.get("/assets/dxmap.js")
    assert script.status_code == 200 and b"window.dxmap" in script.data


def test_the_district_geometry_is_a_cacheable_compressed_resource(client) -> None:
    plain = client.get("/geo/2020/district.geojson?parent=77")
    assert plain.status_code == 200
    assert plain.mimetype == "application/geo+json"
    features = json.loads(plain.data)["features"]
    assert len(features) == 8
    assert all(
        set(f["properties"]) == {"code", "name", "type", "level", "parent_code", "label"}
        for f in features
    )
    assert plain.headers["ETag"]
    assert plain.headers["Cache-Control"] == "no-cache"

    zipped = client.get("/geo/2020/district.geojson?parent=77", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.data)) == json.loads(plain.data)
    assert len(zipped.data) < len(plain.data) / 2
    assert "Accept-Encoding" in zipped.headers["Vary"]

    again = client.get(
        "/geo/2020/district.geojson?parent=77",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]},
    )
    assert again.status_code == 304 and not again.data


def test_a_versioned_geometry_url_is_cached_for_a_year(app, client) -> None:
    body = view_callback(app, client, search="")
    url = body[ids.MAP_DATA]["data"]["layers"][ids.UNITS]["url"]
    assert url.startswith("/geo/2020/district.geojson?parent=77&lod=1&v=")
    response = client.get(url)
    assert "immutable" in response.headers["Cache-Control"]


def test_a_drill_down_names_its_geometry_without_reading_it(app, client) -> None:
    """The view callback names the polygons' URL by the loaded boundaries' version: the
    geometry itself is read only when the browser asks for it (one request, cached)."""
    service = app.server.extensions["dxmap.service"]
    view_callback(app, client, search="")
    before = service.geometry.cache_info()
    body = view_callback(app, client, search="?unit=750")
    assert service.geometry.cache_info() == before  # not a single polygon read
    url = body[ids.MAP_DATA]["data"]["layers"][ids.UNITS]["url"]
    assert url.startswith("/geo/2020/commune.geojson?parent=750&lod=") and "&v=" in url
    response = client.get(url)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert service.geometry.cache_info().misses == before.misses + 1


def test_each_zoom_band_has_its_detail_and_neighbours_keep_one_border(client) -> None:
    import shapely

    bands = {}
    for lod in (0, 1, 2):
        response = client.get(
            f"/geo/2020/district.geojson?parent=77&lod={lod}", headers={"Accept-Encoding": "gzip"}
        )
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        assert response.headers["ETag"]
        bands[lod] = json.loads(gzip.decompress(response.data))["features"]
    vertices = {
        lod: sum(
            shapely.get_num_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))
            for f in features
        )
        for lod, features in bands.items()
    }
    assert vertices[0] < vertices[1] < vertices[2]  # coarse at country zoom, detailed close up
    for features in bands.values():
        shapes = [shapely.from_geojson(json.dumps(f["geometry"])) for f in features]
        assert len(shapes) == 8 and all(shape.is_valid for shape in shapes)
        # A coverage: neighbours share borders, so no two districts overlap.
        union = shapely.union_all(shapes)
        assert sum(shape.area for shape in shapes) == pytest.approx(union.area, rel=1e-3)
    assert client.get("/geo/2020/district.geojson?parent=77&lod=7").status_code == 400


def test_villages_are_points_of_their_commune(client) -> None:
    data = client.get("/geo/2020/villages.geojson?parent=26677").get_json(force=True)
    assert len(data["features"]) == 6
    assert {f["geometry"]["type"] for f in data["features"]} == {"Point"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/geo/1999/district.geojson", 404),
        ("/geo/2020/planet.geojson", 404),
        ("/geo/2020/villages.geojson", 400),
    ],
)
def test_bad_geometry_requests_are_refused(client, url: str, status: int) -> None:
    assert client.get(url).status_code == status


def _ids(node: Any, kind: str, found: list) -> list:
    """Collect the pattern-matching ids of type ``kind`` in a layout."""
    if isinstance(node, dict):
        ident = node.get("props", {}).get("id") if "props" in node else None
        if isinstance(ident, dict) and ident.get("type") == kind:
            found.append(ident)
        for child in node.values():
            _ids(child, kind, found)
    elif isinstance(node, list):
        for child in node:
            _ids(child, kind, found)
    return found


def view_callback(
    app, client, search: str = "", trigger: str | None = None, view: Any = None, **values: Any
) -> dict:
    """POST the one view callback as the browser does; return its response.

    Without ``trigger`` it is the page load; ``view`` is the stored view sent as State, and
    ``values`` keyed "id.property" give the other states (``None`` otherwise).
    """
    key = next(k for k in app.callback_map if f"{ids.VIEW}.data" in k and ids.URL in k)
    spec = app.callback_map[key]
    layout = client.get("/_dash-layout").get_json()
    labels = _ids(layout, ids.LABEL, [])

    def dep(item: dict, value: Any = None) -> dict:
        return {"id": item["id"], "property": item["property"], "value": value}

    outputs = []
    for part in key.strip(".").split("..."):
        ident, prop = part.rsplit(".", 1)
        if ident.startswith("{"):
            outputs.append([{"id": label, "property": prop} for label in labels])
        else:
            outputs.append({"id": ident, "property": prop})
    given = {ids.URL: search, **values}
    payload = {
        "output": key,
        "outputs": outputs,
        "inputs": [dep(i, given.get(i["id"])) for i in spec["inputs"]],
        "changedPropIds": [trigger] if trigger else [],
        "state": [
            dep(s, view if s["id"] == ids.VIEW else given.get(f"{s['id']}.{s['property']}"))
            for s in spec["state"]
        ],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:500]
    return response.get_json()["response"]


def test_changing_the_indicator_sends_values_only(app, client) -> None:
    body = view_callback(app, client, search="?indicator=smartphone_households&scheme=jenks")
    layers = body[ids.MAP_DATA]["data"]["layers"]
    hideout = layers[ids.UNITS]["hideout"]
    assert len(hideout["values"]) == 8
    assert all(v["c"] is not None for v in hideout["values"].values())
    text = json.dumps(body)
    assert "coordinates" not in text and "geometry" not in text
    assert body[ids.SYNTHETIC_BADGE]["hidden"] is False
    # The page load answers the map alone: no tab is computed before the map has drawn.
    tabs = {ids.SCORECARD, ids.RANKING, ids.GAP_GRID, ids.TREND, ids.TABLE}
    assert not tabs & set(body)
    # Then the browser says the map has drawn: the shown (detail) tab's content, and only it.
    drawn = {ids.MAP_DRAWN: {"at": 1}}
    tab = view_callback(app, client, "", f"{ids.MAP_DRAWN}.data", body[ids.VIEW]["data"], **drawn)
    assert ids.SCORECARD in tab
    assert not (tabs - {ids.SCORECARD}) & set(tab)
    assert not {ids.MAP_DATA, ids.URL, ids.LEGEND} & set(tab)


def test_the_first_serve_initialises_an_empty_store(tmp_path, geodata_dir) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'dxmap.sqlite'}"
    app = create_app(Settings(database_url=url, geodata_dir=geodata_dir, instance_dir=tmp_path))
    service = app.server.extensions["dxmap.service"]
    assert len(service.units_index("2020")) == 1 + 8 + 82
    assert app.server.test_client().get("/_dash-layout").status_code == 200


def test_a_tile_url_adds_a_basemap_under_the_polygons(store_url: str, tmp_path) -> None:
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    app = create_app(Settings(database_url=store_url, instance_dir=tmp_path, tile_url=tiles))
    layout = app.server.test_client().get("/_dash-layout").get_json()
    the_map = _find(layout, ids.MAP)
    kinds = [child["type"] for child in the_map["props"]["children"]]
    assert kinds[0] == "TileLayer" and the_map["props"]["children"][0]["props"]["url"] == tiles


def test_the_compare_list_is_not_sent_back_to_the_browser_that_just_changed_it(app, client):
    """A pick's answer leaves the list alone: an echo after a slow answer undoes later picks."""
    panel, pick = {ids.PANEL: "compare"}, f"{ids.COMPARE_PICK}.value"
    load = view_callback(app, client, "?compare=750", **panel, **{ids.COMPARE_PICK: ["750"]})
    drawn = {ids.MAP_DRAWN: {"at": 1}, **panel, ids.COMPARE_PICK: ["750"]}
    first = view_callback(app, client, "", f"{ids.MAP_DRAWN}.data", load[ids.VIEW]["data"], **drawn)
    first[ids.VIEW] = load[ids.VIEW]  # the tab's answer leaves the view as the load set it
    assert {o["value"] for o in first[ids.COMPARE_PICK]["options"]} >= {"750", "751"}
    held = {f"{ids.COMPARE_OPTIONS}.data": first[ids.COMPARE_OPTIONS]["data"]}
    picked = {ids.COMPARE_PICK: ["750", "751"], **held}
    body = view_callback(
        app, client, "?compare=750", pick, first[ids.VIEW]["data"], **panel, **picked
    )
    assert "compare=750,751" in body[ids.URL]["search"]
    assert "data-units" in json.dumps(body[ids.COMPARE_MATRIX])
    assert ids.COMPARE_PICK not in body  # neither its value nor its unchanged options
    # a new language relabels the options: they are sent, the unchanged value is not
    english = {**picked, ids.LANG: "en"}
    lang = f"{ids.LANG}.value"
    body = view_callback(app, client, "", lang, body[ids.VIEW]["data"], **panel, **english)
    assert set(body[ids.COMPARE_PICK]) == {"options", "placeholder", "labels"}
    assert body[ids.COMPARE_OPTIONS]["data"] != held[f"{ids.COMPARE_OPTIONS}.data"]


def test_the_compare_list_gets_its_options_whenever_the_browser_lacks_them(app, client):
    """The tab's first answer may be dropped by the browser (a click's call supersedes it): the
    next answer that sets the list's value sends its options too, or the list clears the value."""
    panel = {ids.PANEL: "compare"}
    load = view_callback(app, client, "?vintage=2020&compare=750,751", **panel)
    click = {ids.NAV: {"code": "752"}, **panel, ids.COMPARE_PICK: []}
    nav = f"{ids.NAV}.data"
    body = view_callback(app, client, "", nav, load[ids.VIEW]["data"], **click)
    assert body[ids.COMPARE_PICK]["value"] == ["750", "751"]
    offered = {o["value"] for o in body[ids.COMPARE_PICK]["options"]}
    assert {"750", "751", "752"} <= offered
    # once the browser holds them, the next answer leaves them alone
    held = {f"{ids.COMPARE_OPTIONS}.data": body[ids.COMPARE_OPTIONS]["data"]}
    again = {**click, ids.NAV: {"code": "753"}, ids.COMPARE_PICK: ["750", "751"], **held}
    body = view_callback(app, client, "", nav, body[ids.VIEW]["data"], **again)
    assert ids.COMPARE_PICK not in body and ids.COMPARE_OPTIONS not in body


def test_one_view_change_reads_the_data_version_once(app, client) -> None:
    """Every cache asks for the data version; within one request the store is asked once."""
    from sqlalchemy import event

    engine = app.server.extensions["dxmap.engine"]
    asked: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM data_version" in statement:
            asked.append(statement)
        assert "count(" not in statement.lower() or "FROM observation" not in statement

    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/_dash-layout")  # the page's layout: one request, one read
        assert len(asked) == 1
        load = view_callback(app, client, "?scheme=jenks")  # the layout again, then the POST
        assert len(asked) == 3
        scheme = {ids.SCHEME: "quantiles"}
        view_callback(app, client, "", f"{ids.SCHEME}.value", load[ids.VIEW]["data"], **scheme)
        assert len(asked) == 5
    finally:
        event.remove(engine, "before_cursor_execute", count)
