"""The read-only HTTP API under ``/api/v1``: a factory of one small method per endpoint.

The shape is titiler's endpoint factory (``titiler.core.factory``): :class:`ApiFactory` holds the
injected dependencies (a session on the store, the view's choices, the store's fingerprint) and
``register_routes()`` calls one method per endpoint. Each method declares its endpoint once
(:meth:`ApiFactory.endpoint`: path, query model, answer model): the same declaration is the
Flask route and the OpenAPI operation. Every answer is JSON (GeoJSON for ``geojson``), errors
included; data answers carry a weak ETag of the request and the store's data version, so a
client that revalidates gets ``304 Not Modified`` without the server computing the view again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, abort, request, url_for
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.api.caching import DATA_CACHE, STATIC_CACHE, conditional, etag
from app.api.models import FeatureCollection as FeatureCollectionModel
from app.api.models import Index, IndicatorList, UnitList, ValueList, VintageList
from app.api.openapi import API_VERSION, Operation, build_openapi
from app.api.params import Query, UnitsQuery, ViewQuery, parse_query
from app.api.payloads import JSON, items_of, json_response, provenance_summary
from app.web.outage import is_outage, outage_response
from geodata.areas.stored import stored_area
from geodata.areas.vintages import vintage_for_period
from geodata.exports.metadata import SYNTHETIC_WARNING
from geodata.exports.rows import view_values
from geodata.exports.write import export_filename, export_view
from geodata.rollups.read import stored_periods
from geodata.service.listing import (
    indicator_records,
    pillar_records,
    store_fingerprint,
    unit_records,
    vintage_records,
)
from geodata.store.models import Unit
from geodata.view import Choices, View, ViewError, store_choices

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"
GEOJSON = "application/geo+json"
READ_ONLY = "GET, HEAD, OPTIONS"


def error_response(status: int, parameter: str | None, message: str) -> Response:
    """Answer an error as JSON: ``{"error": {"status", "parameter", "message"}}``."""
    payload = {"status": status, "parameter": parameter, "message": message}
    return json_response({"error": payload}, status=status)


def examples_of(session: Session, choices: Choices) -> dict[str, Any]:
    """Return parameter examples that work on this store (a vintage, a level, a unit, a period).

    The first vintage; its communes (or its lowest unit level); the first unit of the level
    above as the parent; the latest period with values in force on that vintage.
    """
    if not choices.vintages or not choices.indicators:
        return {}
    vintage = choices.vintage_keys[0]
    levels = choices.levels_of(vintage)[:-1]  # unit levels, top down
    level = "commune" if "commune" in levels else levels[-1]
    examples: dict[str, Any] = {"vintage": vintage, "level": level}
    if levels.index(level) > 0:
        above = levels[levels.index(level) - 1]
        examples["parent"] = session.scalar(
            select(Unit.code)
            .where(Unit.vintage_key == vintage, Unit.level == above)
            .order_by(Unit.code)
            .limit(1)
        )
    in_force = [p for p in stored_periods(session) if _in_force(p, choices) == vintage]
    if in_force:
        examples["period"] = in_force[-1]
    if "fibre_households" not in choices.indicators:  # the declared example
        examples["indicator"] = choices.indicators[0]
    return {name: value for name, value in examples.items() if value is not None}


def _in_force(period: str, choices: Choices) -> str | None:
    try:
        return vintage_for_period(period, choices.vintages)
    except ValueError:
        return None


@dataclass
class ApiFactory:
    """The ``/api/v1`` blueprint, its endpoints and its OpenAPI document.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    prefix : str
        Where the blueprint is mounted.
    session_dependency : callable
        ``session_dependency(engine)`` opens a session (a context manager) for one answer.
    choices_dependency : callable
        ``choices_dependency(session)`` is what a view may be (:func:`geodata.view.store_choices`).
    fingerprint_dependency : callable
        ``fingerprint_dependency(session)`` changes whenever the data change (ETags, caches).

    Attributes
    ----------
    blueprint : flask.Blueprint
        Register it on the app.
    operations : list of Operation
        The endpoints, in the order they were declared (the OpenAPI document's paths).
    """

    engine: Engine
    prefix: str = API_PREFIX
    session_dependency: Callable[[Engine], AbstractContextManager[Session]] = Session
    choices_dependency: Callable[[Session], Choices] = store_choices
    fingerprint_dependency: Callable[[Session], str] = store_fingerprint
    blueprint: Blueprint = field(init=False)
    operations: list[Operation] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint("dxmap_api", __name__, url_prefix=self.prefix)
        self._documents = lru_cache(maxsize=8)(self._document)  # by URL and data version
        self.register_routes()
        self.register_handlers()

    def register_routes(self) -> None:
        """Register every endpoint (one method each) and the read-only answers."""
        self.index()
        self.vintages()
        self.indicators()
        self.units()
        self.values()
        self.geojson()
        self.openapi()
        self.read_only()

    # -- declaring an endpoint ------------------------------------------------------------------

    def endpoint(
        self,
        path: str,
        *,
        summary: str,
        answered: str,
        query: type[Query] = Query,
        answer: type[Any] | None = None,
        media: str = JSON,
        not_found: bool = False,
    ) -> Callable[[Callable[[Any], Response]], Callable[[Any], Response]]:
        """Declare a ``GET`` endpoint: its route, and its operation in the OpenAPI document.

        The decorated function receives the request's query read by ``query``
        (:func:`app.api.params.parse_query`).
        """
        name = path.strip("/").replace(".", "_") or "index"
        self.operations.append(
            Operation(path, name, summary, query, answer, answered, media, not_found)
        )

        def register(handler: Callable[[Any], Response]) -> Callable[[Any], Response]:
            def answer_request() -> Response:
                return handler(parse_query(query, request.args.to_dict(flat=False)))

            self.blueprint.add_url_rule(path, name, answer_request, methods=["GET"])
            return handler

        return register

    # -- dependencies ---------------------------------------------------------------------------

    def session(self) -> AbstractContextManager[Session]:
        """Open a session on the store for one answer."""
        return self.session_dependency(self.engine)

    def data_tag(self, session: Session, endpoint: str, parts: Any) -> str:
        """Return the ETag of an answer: the endpoint, its parameters, the data version."""
        return etag(API_VERSION, endpoint, parts, self.fingerprint_dependency(session))

    def view(self, session: Session, query: ViewQuery) -> View:
        """Return the View a view query asks for, checked against the store's choices."""
        return View.parse(query.model_dump(), self.choices_dependency(session))

    # -- endpoints ------------------------------------------------------------------------------

    def index(self) -> None:
        """Register ``GET /``: links to every endpoint."""

        @self.endpoint(
            "/", summary="Links to every endpoint.", answered="Endpoint links.", answer=Index
        )
        def index(_query: Query) -> Response:
            links = {
                op.path.lstrip("/"): url_for(f".{op.name}")
                for op in self.operations
                if op.path != "/"
            }
            docs = request.script_root + self.prefix + "/docs"  # app/api/docs.py
            payload = {"name": "dxmap HTTP API", "version": API_VERSION, "endpoints": links}
            response = json_response(payload | {"documentation": docs})
            response.headers["Cache-Control"] = STATIC_CACHE
            return response

    def vintages(self) -> None:
        """Register ``GET /vintages``: the boundary vintages with their levels and unit counts."""

        @self.endpoint(
            "/vintages",
            summary="Boundary vintages with their levels and unit counts.",
            answered="The vintages, oldest first.",
            answer=VintageList,
        )
        def vintages(_query: Query) -> Response:
            with self.session() as session:
                return conditional(
                    self.data_tag(session, "vintages", None),
                    DATA_CACHE,
                    lambda: json_response({"items": vintage_records(session)}),
                )

    def indicators(self) -> None:
        """Register ``GET /indicators``: the catalogue, its targets and periods with values."""

        @self.endpoint(
            "/indicators",
            summary="The indicator catalogue with targets and the periods that hold values.",
            answered="The catalogue, in catalogue order.",
            answer=IndicatorList,
        )
        def indicators(_query: Query) -> Response:
            with self.session() as session:

                def build() -> Response:
                    items = indicator_records(session)
                    return json_response({"pillars": pillar_records(), "items": items})

                return conditional(self.data_tag(session, "indicators", None), DATA_CACHE, build)

    def units(self) -> None:
        """Register ``GET /units``: the units (or villages) of a vintage."""

        @self.endpoint(
            "/units",
            summary="Units (or villages) of a vintage, optionally of one level inside one unit.",
            answered="Units sorted by code.",
            query=UnitsQuery,
            answer=UnitList,
            not_found=True,
        )
        def units(query: UnitsQuery) -> Response:
            with self.session() as session:
                choices = self.choices_dependency(session)
                vintage = choices.vintage(query.vintage)
                level = None if query.level is None else choices.level(query.level, vintage)
                parent = choices.parent(query.parent, vintage, level)

                def build() -> Response:
                    items = unit_records(session, vintage, level, parent)
                    answer = {"vintage": vintage, "level": level, "parent": parent}
                    return json_response(answer | {"count": len(items), "items": items})

                tag = self.data_tag(session, "units", [vintage, level, parent])
                return conditional(tag, DATA_CACHE, build)

    def values(self) -> None:
        """Register ``GET /values``: an indicator's values per unit, as the map shows them."""

        @self.endpoint(
            "/values",
            summary="An indicator's values per unit for one period, as the map shows them.",
            answered="One item per unit, sorted by code.",
            query=ViewQuery,
            answer=ValueList,
            not_found=True,
        )
        def values(query: ViewQuery) -> Response:
            with self.session() as session:
                view = self.view(session, query)

                def build() -> Response:
                    items = items_of(view_values(session, view, str(view.indicator)))
                    if view.below_target:
                        items = [item for item in items if item["met"] is False]
                    summary = provenance_summary(items)
                    synthetic = summary["synthetic"] > 0
                    payload = view.as_dict(ViewQuery.model_fields) | {
                        "provenance_summary": summary,
                        "synthetic": synthetic,
                        "warning": SYNTHETIC_WARNING if synthetic else None,
                        "count": len(items),
                        "items": items,
                    }
                    return json_response(payload)

                return conditional(self.data_tag(session, "values", view), DATA_CACHE, build)

    def geojson(self) -> None:
        """Register ``GET /geojson``: the same view as the GeoJSON export."""

        @self.endpoint(
            "/geojson",
            summary="The same view as RFC 7946 GeoJSON: exactly the GeoJSON export.",
            answered="A FeatureCollection.",
            query=ViewQuery,
            answer=FeatureCollectionModel,
            media=GEOJSON,
            not_found=True,
        )
        def geojson(query: ViewQuery) -> Response:
            with self.session() as session:
                view = self.view(session, query)

                def build() -> Response:
                    response = Response(export_view(session, view, fmt="geojson"), mimetype=GEOJSON)
                    name = export_filename(view, fmt="geojson")
                    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
                    return response

                return conditional(self.data_tag(session, "geojson", view), DATA_CACHE, build)

    def openapi(self) -> None:
        """Register ``GET /openapi.json``: this API's OpenAPI document."""

        @self.endpoint("/openapi.json", summary="This document.", answered="OpenAPI 3.1 document.")
        def openapi_json(_query: Query) -> Response:
            _, body, digest = self.document_of(request.script_root + self.prefix)
            return conditional(digest, STATIC_CACHE, lambda: Response(body, mimetype=JSON))

    def read_only(self) -> None:
        """Register the answers to other methods (405: read-only) and unknown paths (404)."""
        known = {op.path.lstrip("/") for op in self.operations}

        def refuse(rest: str = "") -> Response:
            if rest in known:
                response = error_response(405, None, "the API is read-only")
                response.headers["Allow"] = READ_ONLY
                return response
            document = url_for(".openapi_json")
            abort(404, description=f"no API resource {request.path!r}; see {document}")

        self.blueprint.add_url_rule(
            "/", "index_other", refuse, methods=["POST", "PUT", "PATCH", "DELETE"]
        )
        self.blueprint.add_url_rule(
            "/<path:rest>", "fallback", refuse, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
        )

    # -- the document ---------------------------------------------------------------------------

    def document_of(self, server_url: str) -> tuple[dict[str, Any], bytes, str]:
        """Return the OpenAPI document for ``server_url``, its JSON and its digest (cached)."""
        with self.session() as session:
            version = self.fingerprint_dependency(session)
        return self._documents(server_url, version)

    def _document(self, server_url: str, _version: str) -> tuple[dict[str, Any], bytes, str]:
        with self.session() as session:
            area = stored_area(session)
            choices = self.choices_dependency(session)
            document = build_openapi(
                self.operations,
                server_url,
                area_name=area.name_en if area else "",
                choices=choices,
                examples=examples_of(session, choices),
            )
        body = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        return document, body, etag(body.decode("utf-8"))

    # -- errors and headers ---------------------------------------------------------------------

    def register_handlers(self) -> None:
        """Answer every error as JSON and mark every answer public and read-only."""
        bp = self.blueprint

        @bp.errorhandler(ViewError)
        def view_error(error: ViewError) -> Response:
            return error_response(404 if error.not_found else 400, error.parameter, error.message)

        @bp.errorhandler(HTTPException)
        def http_error(error: HTTPException) -> Response:
            return error_response(error.code or 500, None, str(error.description))

        @bp.errorhandler(Exception)
        def server_error(error: Exception) -> Response:
            if is_outage(error):
                return outage_response()
            log.exception("API error on %s", request.full_path)
            return error_response(500, None, "internal error")

        @bp.after_request
        def public_headers(response: Response) -> Response:
            # Read-only, public data: scripts and notebooks on other origins may read it (GET only).
            if request.method in ("GET", "HEAD"):
                response.headers["Access-Control-Allow-Origin"] = "*"
            if request.method == "OPTIONS":  # Flask lists every rule's methods; only these work
                response.headers["Allow"] = READ_ONLY
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response


def make_api_blueprint(engine: Engine) -> Blueprint:
    """Return the ``/api/v1`` blueprint reading from ``engine`` (:class:`ApiFactory`'s)."""
    return ApiFactory(engine).blueprint
