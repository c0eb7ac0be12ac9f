"""``create_app(settings)``: the composition root of the web app."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import dash
from flask import g
from flask_compress import Compress
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.api import ApiFactory, make_docs_blueprint
from app.area import settings_area
from app.layout import build_layout
from app.settings import PREFIX, Settings, SettingsError, assets_dir
from app.web import install_web
from app.web.geo_routes import GEOJSON, register_geo_routes
from app.web.not_found import register_favicon, register_not_found
from app.web.secret_key import resolve_secret_key
from app.web.security import SafeDash
from callbacks import analysis, brief, downloads, labels, navigation
from callbacks import map as map_callbacks
from callbacks.view_state import Choices, default_state
from geodata.analysis.classify import DEFAULT_SCHEME
from geodata.areas.stored import stored_area
from geodata.bootstrap import init_store
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine, schema_exists
from geodata.store.models import Unit
from geodata.store.schema import check_schema
from layers.i18n import DEFAULT_LANG, t
from layers.lazy_grid import defer_bundle

log = logging.getLogger(__name__)
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    GEOJSON,
]


def _store_is_empty(engine: Engine) -> bool:
    try:
        if not schema_exists(engine):
            return True
        with Session(engine) as session:
            return not session.scalar(select(func.count(Unit.id)))
    except OperationalError:
        # SQLite is locked while another process commits its init: decide under the init lock.
        return True


def ensure_store(engine: Engine, settings: Settings) -> None:
    """Initialise an empty store (boundaries, catalogue, demo data) so the first serve works.

    Safe when several processes start at once: the load runs under the store's init lock and
    only if the store is still empty then (the others wait and find it loaded).
    """
    if _store_is_empty(engine):
        log.info("empty store at %s: running init", engine.url.render_as_string())
        settings.require_geodata_dir()
        for step in init_store(engine, settings_area(settings), if_empty=True).steps:
            log.info("%s", step)
        return
    check_schema(engine)  # a store of an earlier dxmap: say to run `dxmap db upgrade`
    with Session(engine) as session:
        stored = stored_area(session)
    wanted = settings_area(settings)
    if stored is not None and stored.key != wanted.key:
        raise SettingsError(
            f"{PREFIX}AREA is {settings.area!r} (area {wanted.key!r}) but the store at "
            f"{engine.url.render_as_string()} holds area {stored.key!r}; set "
            f"{PREFIX}DATABASE_URL to that area's store"
        )


def make_choices(service: MapService, settings: Settings) -> Choices:
    """Return the allowed view values with the settings' defaults (falling back to the data's)."""
    indicators = tuple(row["key"] for row in service.indicators())
    periods = service.periods()
    vintages = tuple(v["key"] for v in service.vintages())

    def pick(wanted: str, allowed: tuple[str, ...]) -> str:
        return (
            wanted if wanted in allowed or not allowed else allowed[-1 if allowed is periods else 0]
        )

    defaults = {
        "indicator": pick(settings.default_indicator, indicators),
        "period": pick(settings.default_period, periods),
        "vintage": pick(settings.default_vintage, vintages),
        "scheme": DEFAULT_SCHEME,
        "lang": DEFAULT_LANG,
    }
    return Choices(
        indicators=indicators,
        periods=periods,
        vintages=vintages,
        defaults=defaults,
        unit_exists=lambda vintage, code: service.unit(vintage, code) is not None,
        village_unit=service.village_unit,
    )


def create_app(settings: Settings) -> dash.Dash:
    """Build the engine, make sure the store is loaded, and return the Dash app."""
    defer_bundle()  # the gap register's grid script loads when its tab opens
    engine = make_engine(settings.database_url)
    ensure_store(engine, settings)
    service = MapService(engine)
    # Periods, vintages and indicators follow the store (an import adds a period) without a
    # restart: the choices are read per request, cached by the store's data version.
    by_version = lru_cache(maxsize=2)(lambda _version: make_choices(service, settings))

    def choices() -> Choices:
        return by_version(service.data_version())

    app = SafeDash(
        __name__,
        assets_folder=str(assets_dir()),
        title=" – ".join(filter(None, [t("app_title", DEFAULT_LANG), service.area().name_vi])),
        update_title=None,
        compress=False,  # configured below, with GeoJSON added to the compressed types
        suppress_callback_exceptions=False,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    server = app.server
    server.config.update(
        SECRET_KEY=resolve_secret_key(settings),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        COMPRESS_MIMETYPES=COMPRESS_MIMETYPES,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=500,
    )
    Compress(server)
    server.extensions["dxmap.service"] = service
    server.extensions["dxmap.engine"] = engine

    def _pin_data_version() -> None:  # a request sees one data version, read at most once
        g.dxmap_pin = service.pin()

    # first, before Dash's own first-request setup (which builds the layout)
    server.before_request_funcs.setdefault(None, []).insert(0, _pin_data_version)

    @server.teardown_request
    def _unpin_data_version(_error: BaseException | None) -> None:
        service.unpin(g.pop("dxmap_pin", None))

    prefix = app.config.requests_pathname_prefix
    register_geo_routes(server, service, app.config.routes_pathname_prefix)
    api = ApiFactory(engine)
    server.register_blueprint(api.blueprint)
    server.register_blueprint(make_docs_blueprint(api, prefix))
    register_not_found(app)
    register_favicon(app)

    def layout() -> Any:
        """Build the page per visit, so its option lists follow the store."""
        return build_layout(
            default_state(choices()),
            service,
            prefix,
            tile_url=settings.tile_url,
            tile_attr=settings.tile_attribution,
        )

    app.layout = layout
    navigation.register(app, choices, service, prefix)
    server.extensions["dxmap.warm"] = lambda: navigation.warm_first_view(choices, service, prefix)
    map_callbacks.register(app)
    labels.register_search(app, service)
    labels.register_labels(app)
    analysis.register(app, service)
    downloads.register(app, service)
    brief.register(app, service)
    install_web(app, settings, engine, choices)  # accounts, import page, guards, headers: last
    return app
