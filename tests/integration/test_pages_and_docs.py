"""The app's own pages: the map at ``/``, the API documentation at ``/api/v1/docs``, and 404 for
any other path (Dash alone would serve the map for every path)."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate as validate_spec
from openapi_spec_validator.validation import OpenAPIV30SpecValidator

from app.factory import create_app
from app.settings import Settings


@pytest.fixture
def client(sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    return app.server.test_client()


@pytest.mark.parametrize("path", ["/nope", "/api", "/index.html", "/assets/missing.js", "/x/y"])
def test_unknown_paths_answer_404_with_a_way_back(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    if not path.startswith("/assets/"):
        body = response.get_data(as_text=True)
        assert 'href="/"' in body and "Page not found" in body


def test_the_typed_path_is_escaped_on_the_404_page(client) -> None:
    body = client.get("/<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert" not in body and "&lt;script&gt;" in body


@pytest.mark.parametrize("path", ["/", "/?lang=en&indicator=fibre_households", "/_dash-layout"])
def test_the_map_and_dash_routes_still_answer(client, path: str) -> None:
    assert client.get(path).status_code == 200


def test_api_docs_page_is_served_locally_with_no_inline_script(client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "/api/v1/values" in page  # the endpoint list, readable without JavaScript
    scripts = [part.split(">", 1)[0] for part in page.split("<script")[1:]]
    assert scripts and all('src="/api/v1/docs/' in tag for tag in scripts)
    assert "http://" not in page.replace('href="http', "") and "https://" not in page
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "api-docs.js", "api-docs.css"):
        file = client.get(f"/api/v1/docs/{name}")
        assert file.status_code == 200 and len(file.data) > 100, name
    assert client.get("/api/v1/docs/../settings.py").status_code == 404


def test_api_docs_read_the_same_endpoints_as_openapi_written_for_swagger_ui(client) -> None:
    spec = client.get("/api/v1/docs/openapi-3.0.json").get_json()
    original = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.0") and original["openapi"].startswith("3.1")
    assert spec["paths"].keys() == original["paths"].keys()
    text = json.dumps(spec)
    assert '"null"' not in text and '"const"' not in text
    validate_spec(spec, cls=OpenAPIV30SpecValidator)  # what Swagger UI 4 reads
    assert spec["components"]["parameters"] == original["components"]["parameters"]


def test_the_page_links_to_the_api_documentation(client) -> None:
    layout = json.dumps(client.get("/_dash-layout").get_json())
    assert '"href": "/api/v1/docs"' in layout


@pytest.mark.parametrize("page", ["/", "/login", "/nope"])
def test_every_page_finds_the_icon(client, page: str) -> None:
    body = client.get(page).get_data(as_text=True)
    linked = re.search(r'<link rel="icon"[^>]* href="([^"?]+)', body)
    path = linked.group(1) if linked else "/favicon.ico"  # where a browser looks without a link
    response = client.get(path)
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert b"\x89PNG" in response.data[:64]
