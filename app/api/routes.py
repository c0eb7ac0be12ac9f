"""The read-only HTTP API under ``/api/v1``: a Flask blueprint over the store.

``make_api_blueprint(engine)`` returns the blueprint; ``create_app`` registers it on the Dash
app's Flask server. Every answer is JSON (GeoJSON for ``geojson``), errors included. Data answers
carry a weak ETag built from the request and a fingerprint of the store, so a client that
revalidates gets ``304 Not Modified`` without the server computing the view again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, request, url_for
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.api.openapi import API_VERSION, build_openapi
from app.api.params import (
    ApiError,
    BadParameter,
    NotFound,
    ViewParams,
    check_known,
    check_parent_level,
    parse_units,
    parse_view,
)
from app.api.payloads import JSON, items_of, json_response, provenance_summary
from app.web.outage import is_outage, outage_response
from geodata.areas.stored import stored_area
from geodata.areas.vintages import stored_vintages
from geodata.exports.metadata import SYNTHETIC_WARNING
from geodata.exports.rows import view_values
from geodata.exports.write import export_filename, export_view
from geodata.service.listing import (
    indicator_records,
    pillar_records,
    store_fingerprint,
    unit_record,
    unit_records,
    vintage_records,
)
from geodata.store.models import Indicator
from geodata.view import View, ViewError

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
GEOJSON = "application/geo+json"
ENDPOINTS = ("vintages", "indicators", "units", "values", "geojson", "openapi.json")
DATA_CACHE = "public, no-cache"  # always revalidate: an import may change any answer
STATIC_CACHE = "public, max-age=3600"


def error_response(error: ApiError) -> Response:
    """Answer an :class:`ApiError` as JSON."""
    return json_response(error.as_dict(), status=error.status)


def _etag(*parts: Any) -> str:
    text = json.dumps([API_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def conditional(tag: str, cache_control: str, build: Callable[[], Response]) -> Response:
    """Answer 304 when the client holds ``tag``; otherwise build the answer and tag it."""
    response = Response(status=304) if request.if_none_match.contains_weak(tag) else build()
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response


def _openapi_body(
    server_url: str, area_name: str, vintage_keys: tuple[str, ...]
) -> tuple[bytes, str]:
    document = build_openapi(server_url, area_name=area_name, vintage_keys=vintage_keys)
    body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    return body, hashlib.sha256(body).hexdigest()[:32]


def make_api_blueprint(engine: Engine) -> Blueprint:
    """Return the ``/api/v1`` blueprint reading from ``engine``."""
    bp = Blueprint("dxmap_api", __name__, url_prefix=API_PREFIX)
    openapi_body = lru_cache(maxsize=8)(_openapi_body)  # keyed by URL, area and vintages

    def args() -> dict[str, list[str]]:
        return request.args.to_dict(flat=False)

    def indicator_keys(session: Session) -> set[str]:
        return set(session.scalars(select(Indicator.key)))

    def check_parent(session: Session, vintage: str, parent: str | None, level: str | None) -> None:
        if parent is None:
            return
        unit = unit_record(session, vintage, parent)
        if unit is None:
            raise NotFound(f"no unit with code {parent!r} in vintage {vintage}", "parent")
        if level is not None:
            check_parent_level(level, parent, unit["level"])

    def view_params(session: Session) -> ViewParams:
        params = parse_view(args(), indicator_keys(session), stored_vintages(session))
        check_parent(session, params.vintage, params.parent, params.level)
        return params

    def data_tag(session: Session, endpoint: str, params: Any) -> str:
        return _etag(endpoint, params, store_fingerprint(session))

    def view_of(params: ViewParams) -> View:
        return View(
            indicator=params.indicator,
            period=params.period,
            vintage=params.vintage,
            level=params.level,
            parent=params.parent,
            below_target=params.below_target,
        )

    def export_call(function: Callable[..., Any], *a: Any, **kw: Any) -> Any:
        try:
            return function(*a, **kw)
        except ViewError as exc:
            raise BadParameter(str(exc), exc.parameter) from None

    @bp.get("/")
    def index() -> Response:
        check_known(args(), ())
        links = {name: url_for(f".{name.replace('.', '_')}") for name in ENDPOINTS}
        payload = {"name": "dxmap HTTP API", "version": API_VERSION, "endpoints": links}
        payload["documentation"] = request.script_root + API_PREFIX + "/docs"  # app/api/docs.py
        response = json_response(payload)
        response.headers["Cache-Control"] = STATIC_CACHE
        return response

    @bp.get("/vintages")
    def vintages() -> Response:
        check_known(args(), ())
        with Session(engine) as session:
            return conditional(
                data_tag(session, "vintages", None),
                DATA_CACHE,
                lambda: json_response({"items": vintage_records(session)}),
            )

    @bp.get("/indicators")
    def indicators() -> Response:
        check_known(args(), ())
        with Session(engine) as session:

            def build() -> Response:
                items = indicator_records(session)
                return json_response({"pillars": pillar_records(), "items": items})

            return conditional(data_tag(session, "indicators", None), DATA_CACHE, build)

    @bp.get("/units")
    def units() -> Response:
        with Session(engine) as session:
            params = parse_units(args(), stored_vintages(session))
            check_parent(session, params.vintage, params.parent, params.level)

            def build() -> Response:
                items = unit_records(session, params.vintage, params.level, params.parent)
                return json_response(
                    {
                        "vintage": params.vintage,
                        "level": params.level,
                        "parent": params.parent,
                        "count": len(items),
                        "items": items,
                    }
                )

            return conditional(data_tag(session, "units", params), DATA_CACHE, build)

    @bp.get("/values")
    def values() -> Response:
        with Session(engine) as session:
            params = view_params(session)

            def build() -> Response:
                frame = export_call(view_values, session, view_of(params), params.indicator)
                items = items_of(frame)
                if params.below_target:
                    items = [item for item in items if item["met"] is False]
                summary = provenance_summary(items)
                synthetic = summary["synthetic"] > 0
                payload = params.as_dict() | {
                    "provenance_summary": summary,
                    "synthetic": synthetic,
                    "warning": SYNTHETIC_WARNING if synthetic else None,
                    "count": len(items),
                    "items": items,
                }
                return json_response(payload)

            return conditional(data_tag(session, "values", params), DATA_CACHE, build)

    @bp.get("/geojson")
    def geojson() -> Response:
        with Session(engine) as session:
            params = view_params(session)

            def build() -> Response:
                body = export_call(export_view, session, view_of(params), fmt="geojson")
                name = export_filename(view_of(params), fmt="geojson")
                response = Response(body, mimetype=GEOJSON)
                response.headers["Content-Disposition"] = f'inline; filename="{name}"'
                return response

            return conditional(data_tag(session, "geojson", params), DATA_CACHE, build)

    @bp.get("/openapi.json")
    def openapi_json() -> Response:
        check_known(args(), ())
        with Session(engine) as session:
            area = stored_area(session)
            keys = tuple(v.key for v in stored_vintages(session))
        name = area.name_en if area else ""
        body, digest = openapi_body(request.script_root + API_PREFIX, name, keys)
        return conditional(digest, STATIC_CACHE, lambda: Response(body, mimetype=JSON))

    @bp.route("/", methods=["POST", "PUT", "PATCH", "DELETE"], endpoint="index_other")
    @bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def fallback(rest: str = "") -> Response:
        if rest in ENDPOINTS or rest == "":
            response = json_response(
                {"error": {"status": 405, "parameter": None, "message": "the API is read-only"}},
                status=405,
            )
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
            return response
        raise NotFound(f"no API resource {request.path!r}; see {url_for('.openapi_json')}")

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError) -> Response:
        return error_response(error)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        payload = {"status": error.code, "parameter": None, "message": error.description}
        return json_response({"error": payload}, status=error.code or 500)

    @bp.errorhandler(Exception)
    def server_error(error: Exception) -> Response:
        if is_outage(error):
            return outage_response()
        log.exception("API error on %s", request.full_path)
        payload = {"status": 500, "parameter": None, "message": "internal error"}
        return json_response({"error": payload}, status=500)

    @bp.after_request
    def public_headers(response: Response) -> Response:
        # Read-only, public data: scripts and notebooks on other origins may read it (GET only).
        if request.method in ("GET", "HEAD"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    return bp
