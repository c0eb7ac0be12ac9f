"""The shared, read-only map service: cached geometry, values, catalogue and unit tree.

One :class:`MapService` is created by ``create_app`` and shared by every request. It holds no
per-user state; every cache is keyed by immutable arguments. Geometry never changes while the
app runs (it changes only with ``dxmap init``); value caches are also keyed by the store's data
version (the import batches), so a committed or rolled-back import shows without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar, Token
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.areas import crosswalk, unit_tree
from geodata.areas.stored import StoredArea, stored_area
from geodata.areas.vintages import stored_vintages
from geodata.catalogue.indicators import INDICATOR_TEXT_FIELDS, PILLARS, catalogue_indicators
from geodata.exports import write as exports
from geodata.rollups import queries as value_queries
from geodata.rollups.read import stored_periods
from geodata.service import features, village_card
from geodata.service.analysis import AnalysisCache
from geodata.store.models import Layer
from geodata.store.version import read_data_version
from geodata.values.cells import plain
from geodata.view import Choices, View

log = logging.getLogger(__name__)
# The data versions read in this request, by service (see MapService.pin); None: not pinned.
_PINNED: ContextVar[dict[int, int] | None] = ContextVar("dxmap_pinned_versions", default=None)
LEVEL_ORDER = ("country", "province", "district", "commune")
INDICATOR_FIELDS = ("key", *INDICATOR_TEXT_FIELDS, "source_key")
VALUE_FIELDS = (
    "name",
    "value",
    "numerator",
    "denominator",
    "target",
    "met",
    "provenance",
    "source",
    "published_value",
)


def _records(frame: Any) -> dict[str, dict[str, Any]]:
    """Code → value record (no geometry) from a values DataFrame."""
    return {
        str(row["code"]): {field: plain(row.get(field)) for field in VALUE_FIELDS}
        for row in frame.to_dict("records")
    }


class MapService:
    """Read-only access to the store for the web map, with caches keyed by immutable arguments.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An initialised store.

    Notes
    -----
    Returned dicts and lists are shared cache entries: callers must not mutate them.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._root = lru_cache(maxsize=8)(self._find_root)  # the unit tree never changes
        self.units_index: Callable[[str], dict[str, dict[str, Any]]] = lru_cache(maxsize=8)(
            lambda vintage: self._read(unit_tree.units_index, vintage)
        )
        # Geometry per level of detail (zoom band), computed once per process and level.
        self.geometry: Callable[..., dict[str, Any]] = lru_cache(maxsize=512)(
            lambda vintage, level, parent, lod=features.DEFAULT_LOD: self._read(
                features.unit_features, vintage, level, parent, lod
            )
        )
        self.geometry_json: Callable[..., tuple[bytes, str]] = lru_cache(maxsize=512)(
            lambda vintage, level, parent, lod=features.DEFAULT_LOD: features.encode(
                self.geometry(vintage, level, parent, lod)
            )
        )
        # Village points change with a village-register import: keyed by the data version too.
        self._villages = lru_cache(maxsize=512)(
            lambda _version, vintage, code: self._read(features.village_features, vintage, code)
        )
        self._villages_json = lru_cache(maxsize=512)(
            lambda version, vintage, code: features.encode(self._villages(version, vintage, code))
        )
        self.search_entries: Callable[[str], tuple[dict[str, Any], ...]] = lru_cache(maxsize=8)(
            lambda vintage: self._read(unit_tree.search_entries, vintage, self.units_index(vintage))
        )
        self._extent = lru_cache(maxsize=64)(
            lambda vintage, codes: self._read(features.unit_extent, vintage, codes)
        )
        self.main_bounds: Callable[[str, str], list[list[float]] | None] = lru_cache(maxsize=512)(
            lambda vintage, code: self._read(features.unit_main_bounds, vintage, code)
        )
        self.attribution: Callable[[str], tuple[dict[str, Any], ...]] = lru_cache(maxsize=8)(
            self._attribution
        )
        self._geometry_version = lru_cache(maxsize=16)(
            lambda _version, vintage: self._read(features.geometry_version, vintage)
        )
        # The catalogue and the vintages change only with `dxmap init`; periods with imports.
        self._indicators = lru_cache(maxsize=1)(self._load_indicators)
        self._periods = lru_cache(maxsize=4)(lambda _version: self._load_periods())
        self._vintages = lru_cache(maxsize=1)(self._load_vintages)
        self._vintage_specs = lru_cache(maxsize=1)(lambda: self._read(stored_vintages))
        self._area = lru_cache(maxsize=1)(lambda: self._read(stored_area))
        self._values = lru_cache(maxsize=1024)(self._unit_values)
        self._village_values = lru_cache(maxsize=1024)(self._villages_values)
        self._pooled = lru_cache(maxsize=256)(self._pool)
        self._village = lru_cache(maxsize=1024)(
            lambda _version, vintage, code: self._read(village_card.village_record, vintage, code)
        )
        self._sources = lru_cache(maxsize=2)(
            lambda _version: self._read(village_card.source_titles)
        )
        # Scorecards, comparisons, gap registers and trends (keyed by the data version too).
        self.analysis = AnalysisCache(engine, self.data_version)

    def _read(self, query: Callable[..., Any], *args: Any) -> Any:
        with Session(self.engine) as session:
            return query(session, *args)

    def geometry_version(self, vintage: str) -> str:
        """Return a short token naming the boundaries of ``vintage`` as loaded (no geometry read).

        It changes when ``dxmap init`` loads another file (or the simplification changes): the
        geometry URLs carry it, so a browser caches each level's polygons until then.
        """
        return self._geometry_version(self.data_version(), vintage)

    def villages(self, vintage: str, code: str) -> dict[str, Any]:
        """Return the village points lying directly in a unit (GeoJSON, current data)."""
        return self._villages(self.data_version(), vintage, code)

    def villages_json(self, vintage: str, code: str) -> tuple[bytes, str]:
        """Return :meth:`villages` encoded, with its ETag (which changes with the data)."""
        return self._villages_json(self.data_version(), vintage, code)

    def data_version(self) -> int:
        """Return the store's data version (:mod:`geodata.store.version`): every write bumps it.

        Between :meth:`pin` and :meth:`unpin` (one request) it is read from the store once and
        then kept: the request sees one version of the data throughout, and asks once.
        """
        pinned = _PINNED.get()
        if pinned is None:
            return self._read_version()
        if id(self) not in pinned:
            pinned[id(self)] = self._read_version()
        return pinned[id(self)]

    @staticmethod
    def pin() -> Token:
        """Start a request: :meth:`data_version` is read at most once until :meth:`unpin`."""
        return _PINNED.set({})

    @staticmethod
    def unpin(token: Token | None = None) -> None:
        """End the request :meth:`pin` started."""
        try:
            _PINNED.reset(token) if token is not None else _PINNED.set(None)
        except ValueError:  # the token came from another context: forget the pin all the same
            _PINNED.set(None)

    def _read_version(self) -> int:
        with self.engine.connect() as connection:
            return read_data_version(connection)

    # -- catalogue ------------------------------------------------------------------------------

    def _load_indicators(self) -> tuple[dict[str, Any], ...]:
        with Session(self.engine) as session:
            rows = catalogue_indicators(session)
            return tuple({field: getattr(row, field) for field in INDICATOR_FIELDS} for row in rows)

    def indicators(self) -> tuple[dict[str, Any], ...]:
        """Return the catalogue as dicts, in catalogue order."""
        return self._indicators()

    def indicator(self, key: str) -> dict[str, Any] | None:
        """Return one catalogue entry, or ``None`` for an unknown key."""
        return next((row for row in self.indicators() if row["key"] == key), None)

    @staticmethod
    def pillars() -> dict[str, tuple[str, str]]:
        """Return pillar key → (Vietnamese name, English name)."""
        return dict(PILLARS)

    def periods(self) -> tuple[str, ...]:
        """Return every period with at least one stored value, oldest first (follows imports)."""
        return self._periods(self.data_version())

    def _load_periods(self) -> tuple[str, ...]:
        with Session(self.engine) as session:
            return stored_periods(session)

    def vintages(self) -> tuple[dict[str, Any], ...]:
        """Return the stored boundary vintages (key, names, levels), oldest first."""
        return self._vintages()

    def _load_vintages(self) -> tuple[dict[str, Any], ...]:
        return tuple(
            {"key": v.key, "name_vi": v.name_vi, "name_en": v.name_en, "levels": v.levels}
            for v in self._vintage_specs()
        )

    def extent(self, vintage: str, codes: tuple[str, ...]) -> dict[str, Any]:
        """Return the main land's bounds of some units and their far-away islands (cached)."""
        return self._extent(vintage, tuple(sorted(codes)))

    def area(self) -> StoredArea:
        """Return the area the store serves (its key and names)."""
        return self._area() or StoredArea("", "", "")

    def _attribution(self, vintage: str) -> tuple[dict[str, Any], ...]:
        """Each boundary layer of ``vintage``: level, attribution, licence, upstream."""
        with Session(self.engine) as session:
            rows = session.scalars(select(Layer).where(Layer.vintage_key == vintage))
            order = {level: i for i, level in enumerate(LEVEL_ORDER)}
            return tuple(
                {
                    "level": layer.level,
                    "attribution": layer.attribution,
                    "licence": layer.licence,
                    "upstream": layer.upstream,
                    "redistributable": layer.redistributable,
                }
                for layer in sorted(rows, key=lambda layer: order.get(layer.level, 99))
            )

    # -- the unit tree --------------------------------------------------------------------------

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        """Return one unit (code, name, type, level, parent_code, bounds, children) or ``None``."""
        if not code:
            return None
        return self.units_index(vintage).get(str(code))

    def root(self, vintage: str) -> dict[str, Any] | None:
        """Return the root unit of ``vintage`` (the unit without a parent), or ``None``."""
        return self._root(vintage)

    def _find_root(self, vintage: str) -> dict[str, Any] | None:
        return next((u for u in self.units_index(vintage).values() if not u["parent_code"]), None)

    def child_level(self, vintage: str, code: str) -> str | None:
        """Return the level of ``code``'s child units, or ``None`` for a leaf (no units below)."""
        unit = self.unit(vintage, code)
        if unit is None or not unit["children"]:
            return None
        return self.units_index(vintage)[unit["children"][0]]["level"]

    def lineage(self, vintage: str, code: str | None) -> list[dict[str, Any]]:
        """Return the chain root → ``code`` (empty for an unknown code)."""
        chain: list[dict[str, Any]] = []
        unit = self.unit(vintage, code)
        while unit is not None and len(chain) < 10:
            chain.append(unit)
            unit = self.unit(vintage, unit["parent_code"])
        return chain[::-1]

    def translate_unit(self, code: str, from_vintage: str, to_vintage: str) -> str | None:
        """Return the unit of ``to_vintage`` that ``code`` (of ``from_vintage``) became, if one."""
        if from_vintage == to_vintage:
            return code if self.unit(to_vintage, code) else None
        targets = self._read(crosswalk.crosswalk_targets, code, from_vintage, to_vintage)
        if len(targets) == 1:
            return targets.pop()
        if self.unit(to_vintage, code) is not None:
            return code  # an unchanged code (most districts between 2020 and 2025-01)
        return None

    # -- values ---------------------------------------------------------------------------------

    def _unit_values(
        self, _version: object, indicator: str, period: str, vintage: str, level: str, parent: str
    ) -> dict[str, dict[str, Any]]:
        try:
            frame = self._read(
                value_queries.unit_values, indicator, period, vintage, level, parent or None
            )
        except ValueError as error:  # e.g. 2025 unit rows asked on the 2020 boundaries
            log.info("no values: %s", error)
            return {}
        return _records(frame)

    def values(
        self, indicator: str, period: str, vintage: str, level: str, parent_code: str | None
    ) -> dict[str, dict[str, Any]]:
        """Return code → value, numerator, denominator, target, met, provenance, source.

        Parameters
        ----------
        indicator, period, vintage, level : str
            What to show; values of another vintage are re-aggregated through the crosswalk.
        parent_code : str or None
            Only the children of this unit.

        Returns
        -------
        dict
            One entry per unit (no geometry); missing values are ``None``; ``{}`` when the
            period cannot be shown on the vintage.
        """
        return self._values(self.data_version(), indicator, period, vintage, level, parent_code)

    def pooled_values(
        self, indicator: str, vintage: str, level: str, parent_code: str | None
    ) -> dict[str, float]:
        """Return every value of one indicator on one level over all periods (``code@period``).

        Class breaks computed over these stay fixed across periods, so that colours compare
        while the period slider plays (cached per data version).
        """
        return self._pooled(self.data_version(), indicator, vintage, level, parent_code)

    def _pool(
        self, _version: object, indicator: str, vintage: str, level: str, parent: str | None
    ) -> dict[str, float]:
        return {
            f"{code}@{period}": rec["value"]
            for period in self.periods()
            for code, rec in self.values(indicator, period, vintage, level, parent).items()
            if rec.get("value") is not None
        }

    def _villages_values(
        self, _version: object, indicator: str, period: str, vintage: str, unit_code: str
    ) -> dict[str, dict[str, Any]]:
        try:
            frame = self._read(value_queries.village_values, indicator, period, vintage, unit_code)
        except ValueError as error:
            log.info("no village values: %s", error)
            return {}
        return _records(frame)

    def village_values(
        self, indicator: str, period: str, vintage: str, unit_code: str
    ) -> dict[str, dict[str, Any]]:
        """Return village code → value record for the villages of ``unit_code``."""
        return self._village_values(self.data_version(), indicator, period, vintage, unit_code)

    def village(self, vintage: str, code: str | None) -> dict[str, Any] | None:
        """Return a village of the register (code, name, households, adults, parent_code…)."""
        if not code:
            return None
        return self._village(self.data_version(), vintage, str(code))

    def village_unit(self, vintage: str, code: str | None) -> str | None:
        """Return the unit of ``vintage`` that village ``code`` lies in (``None``: no village)."""
        village = self.village(vintage, code)
        return str(village["parent_code"]) if village else None

    def village_card(self, period: str, vintage: str, code: str) -> dict[str, Any] | None:
        """Return a village's card: its register entry and its status on each village indicator.

        Parameters
        ----------
        period, vintage : str
            What the map shows.
        code : str
            The village code.

        Returns
        -------
        dict or None
            See :func:`geodata.service.village_card.village_card`; ``None`` for an unknown
            village.
        """
        village = self.village(vintage, code)
        if village is None:
            return None
        measured = [i for i in self.indicators() if i.get("finest_level") == "village"]
        return village_card.village_card(
            village,
            measured,
            lambda key: self.village_values(key, period, vintage, village["parent_code"]),
            self._sources(self.data_version()),
        )

    # -- the view -------------------------------------------------------------------------------

    def view_choices(self) -> Choices:
        """Return what a view may be on this store, from the cached catalogue and unit tree.

        Returns
        -------
        geodata.view.Choices
            Indicators in catalogue order, the stored vintages, units and villages looked up in
            the cached unit tree and village register; any well-formed period (the page may
            restrict them to :meth:`periods`).
        """
        return Choices(
            indicators=tuple(row["key"] for row in self.indicators()),
            vintages=self._vintage_specs(),
            unit_level=self._unit_level,
            village_unit=self.village_unit,
        )

    def _unit_level(self, vintage: str, code: str) -> str | None:
        if vintage not in {spec.key for spec in self._vintage_specs()}:
            return None
        unit = self.unit(vintage, code)
        return None if unit is None else unit["level"]

    # -- exports --------------------------------------------------------------------------------

    def export(self, view: View, *, fmt: str, crs: str | None = None) -> bytes:
        """Export a view in one format: the same implementation as the CLI and the API.

        Parameters
        ----------
        view : geodata.view.View
            What to export, parsed by the caller (:meth:`geodata.view.View.parse` with
            :meth:`view_choices`), with a ``level``.
        fmt : str
            ``geojson``, ``csv``, ``xlsx`` or ``gpkg``.
        crs : str, optional
            GeoPackage only (see :func:`geodata.exports.write.export_view`).

        Returns
        -------
        bytes
            The file's content; not cached (exports are rare and may be large).

        Raises
        ------
        geodata.view.ViewError
            Naming ``format``, ``crs`` or the part of the view that cannot be exported.
        """
        with Session(self.engine) as session:
            return exports.export_view(session, view, fmt=fmt, crs=crs)
