"""``/api/v1/docs``: the API's OpenAPI document as a readable page, served by the app itself.

The page uses Swagger UI from the ``swagger-ui-bundle`` package (files served from this
process, no CDN) and a small start-up script file (no inline script, so a strict
Content-Security-Policy holds). Without JavaScript the page still lists every endpoint.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from typing import Any

from flask import Blueprint, Response, abort, request, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.api.factory import ApiFactory

DOCS_PATH = "/api/v1/docs"
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")
STATIC_CACHE = "public, max-age=86400"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dxmap API · /api/v1</title>
<link rel="stylesheet" href="{docs}/swagger-ui.css">
<link rel="stylesheet" href="{docs}/api-docs.css">
</head>
<body>
<header class="dxmap-docs-header">
<strong>dxmap HTTP API</strong> · <code>/api/v1</code> ·
<a href="{home}">Bản đồ · Map</a> ·
<a href="{api}/openapi.json">OpenAPI JSON</a>
</header>
<div id="swagger-ui" data-spec="{docs}/openapi-3.0.json">
<noscript><h1>dxmap HTTP API</h1><ul>{endpoints}</ul></noscript>
</div>
<script src="{docs}/swagger-ui-bundle.js"></script>
<script src="{docs}/api-docs.js"></script>
</body></html>
"""


def _nullable(out: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, {type: null}]`` (pydantic's ``X | None``) as 3.0's ``X`` + ``nullable``."""
    options = out.get("anyOf")
    if not isinstance(options, list) or {"type": "null"} not in options:
        return out
    kept = [option for option in options if option != {"type": "null"}]
    rest = {key: value for key, value in out.items() if key != "anyOf"}
    if len(kept) == 1 and "$ref" in kept[0]:
        return {**rest, "allOf": kept, "nullable": True}  # 3.0 ignores a $ref's siblings
    if len(kept) == 1:
        return {**rest, **kept[0], "nullable": True}
    return {**rest, "anyOf": kept, "nullable": True}


def as_openapi_30(node: Any) -> Any:
    """Return an OpenAPI 3.1 document written as 3.0 (Swagger UI 4 reads 3.0 only).

    Only what this API's document uses is rewritten: ``X | None`` (``anyOf`` with
    ``{type: null}``, or ``type: [T, "null"]``) becomes ``X`` with ``nullable: true`` and
    ``const: X`` becomes ``enum: [X]``; the info's summary (3.1) joins its description and the
    licence keeps its name only.
    """
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = _nullable({key: as_openapi_30(value) for key, value in node.items()})
    types = out.get("type")
    if isinstance(types, list):
        kept = [t for t in types if t != "null"]
        out["type"] = kept[0] if len(kept) == 1 else kept
        if len(kept) < len(types):
            out["nullable"] = True
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if isinstance(out.get("openapi"), str):
        out["openapi"] = "3.0.3"
        info = {key: value for key, value in out["info"].items() if key != "summary"}  # 3.1
        info["description"] = f"{out['info']['summary']}\n\n{info['description']}"
        out["info"] = {**info, "license": {"name": info["license"]["name"]}}  # no identifier
    return out


def _endpoint_list(api_url: str, api: ApiFactory) -> str:
    return "".join(
        f"<li><code>GET {escape(api_url + op.path)}</code> {escape(op.summary)}</li>"
        for op in api.operations
    )


def make_docs_blueprint(api: ApiFactory, home: str = "/") -> Blueprint:
    """Return the blueprint of the documentation page of ``api`` and its files."""
    bp = Blueprint("dxmap_api_docs", __name__)
    api_url = home.rstrip("/") + api.prefix
    docs = home.rstrip("/") + DOCS_PATH
    page = PAGE.format(docs=docs, api=api_url, home=home, endpoints=_endpoint_list(api_url, api))
    own = resources.files("app.api") / "static"

    @bp.get(DOCS_PATH)
    def docs_page() -> Response:
        return Response(page, mimetype="text/html")

    @bp.get(f"{DOCS_PATH}/openapi-3.0.json")
    def docs_spec() -> Response:
        document, _, _ = api.document_of(request.script_root + api.prefix)
        spec = as_openapi_30(document)
        return Response(json.dumps(spec, ensure_ascii=False), mimetype="application/json")

    @bp.get(f"{DOCS_PATH}/<name>")
    def docs_file(name: str) -> Response:
        if name in SWAGGER_FILES:
            response = send_from_directory(str(swagger_ui_path), name)
        elif name in ("api-docs.js", "api-docs.css"):
            response = send_from_directory(str(own), name)
        else:
            abort(404)
        response.headers["Cache-Control"] = STATIC_CACHE
        return response

    return bp
