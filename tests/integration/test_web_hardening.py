"""HTTP hardening through the real app: headers, CORS, tampered callback bodies, /geo params."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.factory import create_app
from app.settings import Settings
from layers import ids

HUGE = "x" * 300_000
ODD_VALUES: list[Any] = [
    0,
    -1,
    10**30,
    1.5,
    True,
    "",
    "bogus",
    "\x00",
    "<script>alert(1)</script>",
    HUGE,
    [],
    [1, {"a": None}],
    {},
    {"properties": "x", "points": 3},
    {"vintage": "nope"},
]


@pytest.fixture
def app(store_url: str, tmp_path):
    return create_app(Settings(database_url=store_url, instance_dir=tmp_path))


@pytest.fixture
def client(app):
    return app.server.test_client()


def _sent(declared: dict[str, Any], value: Any) -> Any:
    """A sent input or state as the renderer builds it (a list for ALL patterns)."""
    ident = declared["id"]
    if ident.startswith("{"):
        pattern = json.loads(ident)
        concrete = {k: ("0" if isinstance(v, list) else v) for k, v in pattern.items()}
        return [{"id": concrete, "property": declared["property"], "value": value}]
    return {"id": ident, "property": declared["property"], "value": value}


def _outputs(key: str, spec: dict[str, Any]) -> list[dict[str, Any]] | dict[str, Any]:
    if spec.get("no_output"):
        return []
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        if ident.startswith("{"):  # a pattern output (ALL): the renderer sends the matches
            pattern = json.loads(ident)
            concrete = {k: ("app_title" if isinstance(v, list) else v) for k, v in pattern.items()}
            outs.append([{"id": concrete, "property": prop}])
        else:
            outs.append({"id": ident, "property": prop})
    return outs if key.startswith("..") else outs[0]


def _body(key: str, spec: dict[str, Any], values: dict[int, Any] | None = None) -> dict:
    values = values or {}
    declared = [*spec["inputs"], *spec["state"]]
    sent = [_sent(d, values.get(i)) for i, d in enumerate(declared)]
    n = len(spec["inputs"])
    first = spec["inputs"][0]
    return {
        "output": key,
        "outputs": _outputs(key, spec),
        "inputs": sent[:n],
        "state": sent[n:],
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def tampered_bodies(app) -> list[tuple[str, Any]]:
    """Bodies built from the app's own callback list, each tampered in one way."""
    out: list[tuple[str, Any]] = [
        ("not an object", []),
        ("a string", "hello"),
        ("empty object", {}),
        ("unknown output", {"output": "nope.children", "inputs": [], "state": []}),
        ("output not a string", {"output": ["x"], "inputs": []}),
    ]
    for key, spec in app.callback_map.items():
        if "callback" not in spec:
            out.append((f"{key[:40]} clientside", _body(key, spec)))
            continue
        base = _body(key, spec)
        for missing in ("outputs", "inputs", "state", "changedPropIds"):
            body = {k: v for k, v in base.items() if k != missing}
            if missing != "state" or spec["state"]:
                out.append((f"{key[:40]} without {missing}", body))
        out.append((f"{key[:40]} one input short", {**base, "inputs": base["inputs"][:-1]}))
        out.append((f"{key[:40]} inputs not a list", {**base, "inputs": {"a": 1}}))
        out.append((f"{key[:40]} changed not strings", {**base, "changedPropIds": [1, None]}))
        wrong_id = json.loads(json.dumps(base))
        first = wrong_id["inputs"][0]
        (first[0] if isinstance(first, list) else first)["id"] = "no-such-component"
        out.append((f"{key[:40]} unknown input id", wrong_id))
        for i, _declared in enumerate([*spec["inputs"], *spec["state"]]):
            for value in ODD_VALUES:
                out.append(
                    (f"{key[:40]} arg {i} = {str(value)[:20]!r}", _body(key, spec, {i: value}))
                )
    return out


def test_every_tampered_callback_body_gets_no_update_or_a_4xx(app, client) -> None:
    bodies = tampered_bodies(app)
    arguments = sum(
        len(spec.get("inputs", [])) + len(spec.get("state", []))
        for spec in app.callback_map.values()
    )
    assert len(bodies) > 5 * arguments  # every callback, every argument, several odd values
    failures = []
    for name, body in bodies:
        response = client.post("/_dash-update-component", json=body)
        if response.status_code >= 500:
            failures.append((name, response.status_code))
    assert failures == []
    raw = client.post("/_dash-update-component", data=b"{not json", content_type="application/json")
    assert raw.status_code == 400


def test_a_valid_body_still_updates_the_map(app, client) -> None:
    key = next(k for k in app.callback_map if f"{ids.MAP_DATA}.data" in k)
    spec = app.callback_map[key]
    declared = [*spec["inputs"], *spec["state"]]
    stored_view = next(
        i for i, d in enumerate(declared) if d["id"] == ids.VIEW and d["property"] == "data"
    )
    search = "?indicator=fibre_households&period=2024&vintage=2020"
    response = client.post("/_dash-update-component", json=_body(key, spec, {0: search}))
    assert response.status_code == 200
    drawn = response.get_json()["response"][ids.MAP_DATA]["data"]["layers"][ids.UNITS]
    assert len(drawn["hideout"]["values"]) == 8  # the 8 districts of vintage 2020
    state = {
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "1999",  # no such vintage: a tampered stored view
        "unit": None,
        "scheme": "quantiles",
        "lang": "vi",
        "compare": None,
    }
    forged = client.post(
        "/_dash-update-component", json=_body(key, spec, {0: search, stored_view: state})
    )
    # The stored view is only the view before the event: the URL's view is drawn, never 1999's.
    assert forged.status_code == 200
    redrawn = forged.get_json()["response"][ids.MAP_DATA]["data"]["layers"][ids.UNITS]
    assert redrawn["hideout"]["values"] == drawn["hideout"]["values"]
    assert "1999" not in json.dumps(forged.get_json())


@pytest.mark.parametrize(
    "query",
    ["parent=%00", "parent=%27%3B--", "parent=" + "7" * 40, "parent=%E2%80%AE77"],
)
def test_geo_parameters_are_refused_before_they_reach_the_database(client, query) -> None:
    for level in ("district", "villages"):
        response = client.get(f"/geo/2020/{level}.geojson?{query}")
        assert response.status_code == 400, (level, query)


@pytest.mark.parametrize(
    "query",
    [
        "vintage=2020&level=district&parent=%00",
        "vintage=%00&level=district",
        "vintage=2020&level=%00",
        "indicator=%00&period=2024&vintage=2020&level=district",
        "indicator=fibre_households&period=%00&vintage=2020&level=district",
        "indicator=fibre_households&period=2024&vintage=2020&level=district&below_target=%00",
    ],
)
def test_api_parameters_with_control_characters_are_400(client, query) -> None:
    for endpoint in ("units", "values", "geojson"):
        response = client.get(f"/api/v1/{endpoint}?{query}")
        assert response.status_code in (400, 404), (endpoint, query, response.status_code)
        assert response.get_json()["error"]["message"]


def test_every_response_has_the_security_headers(client) -> None:
    for url in ("/", "/assets/dxmap.js", "/_dash-layout", "/geo/2020/district.geojson", "/nope"):
        response = client.get(url)
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["X-Frame-Options"] == "DENY", url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        scripts = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
        assert "Access-Control-Allow-Origin" not in response.headers, url


def test_cors_only_on_get_of_the_api(client) -> None:
    assert client.get("/api/v1/vintages").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.post("/api/v1/vintages").headers
    page = client.get("/")
    assert "Access-Control-Allow-Origin" not in page.headers


def test_the_tile_server_is_the_only_other_image_source(sqlite_store_url, tmp_path) -> None:
    settings = Settings(
        database_url=sqlite_store_url,
        instance_dir=tmp_path,
        tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png",
    )
    csp = create_app(settings).server.test_client().get("/").headers["Content-Security-Policy"]
    images = next(d for d in csp.split(";") if d.strip().startswith("img-src"))
    assert images.split()[1:] == ["'self'", "data:", "https://*.tile.example.org"]
