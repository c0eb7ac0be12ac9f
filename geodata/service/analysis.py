"""Cached, JSON-ready answers of the analysis views (scorecard, compare, ranking, gaps, trend).

:class:`AnalysisCache` hangs off :class:`geodata.service.map_service.MapService`
(``service.analysis``), so
one instance serves every request. Each answer is computed once per set of immutable arguments
and per data version: the version token
(:meth:`geodata.service.map_service.MapService.data_version`) changes
when an import is committed or rolled back, so no other invalidation is needed within a process.
A store edited behind the application's back (``dxmap init`` while it serves) needs a restart.

Answers are plain lists and dicts (no pandas, NaN turned into ``None``) that the web layer can
turn into components; they are shared cache entries, so callers must not mutate them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.analysis.compare import CELL_FIELDS, cell_column, compare_units, ranking
from geodata.analysis.gaps import gap_register
from geodata.analysis.scorecard import pillar_summary, scorecard
from geodata.analysis.trends import trend
from geodata.areas.published import published_counts
from geodata.exports.cells import plain
from geodata.exports.gaps import export_gaps, gaps_filename
from geodata.store.models import Target
from geodata.view import View, store_choices

log = logging.getLogger(__name__)

RANKING_FIELDS = ("rank", "code", "name", "value", "target", "met", "provenance")
GAP_FIELDS = (
    *("code", "name", "level", "parent_code", "parent_name"),
    *("value", "numerator", "denominator", "target", "target_scope", "gap"),
    *("shortfall", "shortfall_unit_vi", "shortfall_unit_en"),
    *("lon", "lat", "min_lon", "min_lat", "max_lon", "max_lat", "provenance"),
)


def records(frame: pd.DataFrame, fields: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Return a frame's rows as plain dicts (NaN and NA as ``None``, numpy scalars as Python).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame.
    fields : iterable of str, optional
        Only these columns (default: all), in this order.

    Returns
    -------
    list of dict
        One dict per row.
    """
    columns = list(fields) if fields is not None else list(frame.columns)
    return [
        {column: plain(value) for column, value in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False, name=None)
    ]


def matrix_rows(matrix: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the compare matrix as one dict per indicator with ``cells`` keyed by unit code.

    Parameters
    ----------
    matrix : pandas.DataFrame
        From :func:`geodata.analysis.compare.compare_units`.

    Returns
    -------
    list of dict
        ``key``, ``name_vi``, ``name_en``, ``pillar``, ``kind``, ``unit``, ``direction`` and
        ``cells``: ``{code: {"value", "target", "met"}}``.
    """
    codes = [unit["code"] for unit in matrix.attrs.get("units", [])]
    out = []
    for row in records(matrix):
        cells = {
            code: {field: row.pop(cell_column(field, code)) for field in CELL_FIELDS}
            for code in codes
        }
        out.append({**row, "cells": cells})
    return out


class AnalysisCache:
    """The analysis answers of one store, cached per data version.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An initialised store.
    version : callable
        Returns the store's data version (a hashable token that changes with every import).
    """

    def __init__(self, engine: Engine, version: Callable[[], object]) -> None:
        self.engine = engine
        self.version = version
        self._scorecard = lru_cache(maxsize=256)(self._compute_scorecard)
        self._compare = lru_cache(maxsize=64)(self._compute_compare)
        self._ranking = lru_cache(maxsize=256)(self._compute_ranking)
        self._gaps = lru_cache(maxsize=128)(self._compute_gaps)
        self._trend = lru_cache(maxsize=128)(self._compute_trend)

    def _read(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with Session(self.engine) as session:
            return query(session, *args, **kwargs)

    # -- scorecard ------------------------------------------------------------------------------

    def _compute_scorecard(
        self, _version: object, period: str, vintage: str, unit_code: str
    ) -> dict[str, Any] | None:
        try:
            card = self._read(scorecard, period, vintage, unit_code)
        except ValueError as error:
            log.info("no scorecard: %s", error)
            return None
        examples = self._read(
            lambda session: session.scalar(
                select(Target.id)
                .where(Target.period == period, Target.is_example.is_(True))
                .limit(1)
            )
        )
        return {
            "unit": {key: card.attrs.get(key) for key in ("unit", "name", "level")},
            "period": period,
            "vintage": vintage,
            "rows": records(card),
            "pillars": records(pillar_summary(card)),
            "example_targets": examples is not None,
            "published": published_counts(vintage, str(unit_code), period),
        }

    def scorecard(self, period: str, vintage: str, unit_code: str) -> dict[str, Any] | None:
        """Return one unit's scorecard: ``unit``, ``rows`` (one per indicator), ``pillars``.

        Parameters
        ----------
        period, vintage : str
            Period and vintage keys.
        unit_code : str
            A unit of ``vintage`` (the province for the whole area).

        Returns
        -------
        dict or None
            ``rows`` are :func:`geodata.analysis.scorecard.scorecard` rows, ``pillars`` the
            :func:`geodata.analysis.scorecard.pillar_summary` rows, ``example_targets`` whether any
            target of the period is an example, ``published`` the officially published counts
            by pillar (:func:`geodata.areas.published.published_counts`); ``None`` for an
            unknown unit.
        """
        return self._scorecard(self.version(), period, vintage, str(unit_code))

    # -- compare and ranking --------------------------------------------------------------------

    def _compute_compare(
        self, _version: object, codes: tuple[str, ...], period: str, vintage: str
    ) -> dict[str, Any] | None:
        try:
            matrix = self._read(compare_units, list(codes), period, vintage)
        except ValueError as error:
            log.info("no comparison: %s", error)
            return None
        return {"units": list(matrix.attrs["units"]), "rows": matrix_rows(matrix)}

    def compare(self, codes: Sequence[str], period: str, vintage: str) -> dict[str, Any] | None:
        """Return the comparison matrix of units of one level across every indicator.

        Parameters
        ----------
        codes : sequence of str
            Units of ``vintage``, all of one level, in column order.
        period, vintage : str
            Period and vintage keys.

        Returns
        -------
        dict or None
            ``units`` (code, name, level per column) and ``rows`` (see :func:`matrix_rows`);
            ``None`` when the codes cannot be compared (none, unknown, or of mixed levels).
        """
        return self._compare(self.version(), tuple(str(c) for c in codes), period, vintage)

    def _compute_ranking(
        self, _version: object, indicator: str, period: str, vintage: str, level: str
    ) -> list[dict[str, Any]]:
        try:
            frame = self._read(ranking, indicator, period, vintage, level)
        except ValueError as error:
            log.info("no ranking: %s", error)
            return []
        return records(frame, RANKING_FIELDS)

    def ranking(
        self, indicator: str, period: str, vintage: str, level: str
    ) -> list[dict[str, Any]]:
        """Return every unit of ``level`` ranked on one indicator, best first (no data last).

        Parameters
        ----------
        indicator, period, vintage, level : str
            What to rank.

        Returns
        -------
        list of dict
            :data:`RANKING_FIELDS` per unit (see :func:`geodata.analysis.compare.ranking`); ``[]``
            when
            the values cannot be computed.
        """
        return self._ranking(self.version(), indicator, period, vintage, level)

    # -- gap register ---------------------------------------------------------------------------

    def _compute_gaps(
        self,
        _version: object,
        indicator: str,
        period: str,
        vintage: str,
        level: str,
        parent_code: str | None,
    ) -> list[dict[str, Any]] | None:
        try:
            frame = self._read(gap_register, indicator, period, vintage, level, parent_code)
        except ValueError as error:
            log.info("no gap register: %s", error)
            return None
        return records(frame, GAP_FIELDS)

    def gaps(
        self, indicator: str, period: str, vintage: str, level: str, parent_code: str | None
    ) -> list[dict[str, Any]] | None:
        """Return the units or villages below target with their shortfall in real terms.

        Parameters
        ----------
        indicator, period, vintage, level : str
            The register's indicator, period, vintage and level (``village`` for villages).
        parent_code : str or None
            Only rows inside this unit.

        Returns
        -------
        list of dict or None
            :data:`GAP_FIELDS` per row, largest shortfall first (see
            :func:`geodata.analysis.gaps.gap_register`); ``None`` when the values cannot be
            computed.
        """
        return self._gaps(self.version(), indicator, period, vintage, level, parent_code)

    # -- trend ----------------------------------------------------------------------------------

    def _compute_trend(
        self, _version: object, unit_code: str, vintage: str
    ) -> list[dict[str, Any]] | None:
        try:
            frame = self._read(trend, unit_code, vintage)
        except ValueError as error:
            log.info("no trend: %s", error)
            return None
        return records(frame)

    def trend(self, unit_code: str, vintage: str) -> list[dict[str, Any]] | None:
        """Return one unit's values of every indicator and period on one vintage.

        Parameters
        ----------
        unit_code, vintage : str
            The unit and the vintage the series is shown on.

        Returns
        -------
        list of dict or None
            :func:`geodata.analysis.trends.trend` rows (with ``period_vintage``, ``method``,
            ``reaggregated`` and ``vintage_change_before``); ``None`` for an unknown unit.
        """
        return self._trend(self.version(), str(unit_code), vintage)

    def export_gaps(self, **request: Any) -> tuple[bytes, str]:
        """Export the gap register (not cached: downloads are rare) and name the file.

        Parameters
        ----------
        **request
            ``fmt`` (``csv``, ``xlsx``, ``geojson``), ``code`` (only that unit's row) and the
            register's view: ``indicator``, ``period``, ``vintage``, ``level``, ``parent``
            (``parent_code`` is read as ``parent`` until the map's callbacks say ``parent``).
            The view is parsed here (the request comes from the page).

        Returns
        -------
        tuple of (bytes, str)
            The file's content and its name.

        Raises
        ------
        geodata.view.ViewError
            Naming the first bad parameter.
        """
        values = dict(request)
        fmt, code = values.pop("fmt", None), values.pop("code", None)
        if "parent_code" in values:
            values["parent"] = values.pop("parent_code")

        def export(session: Session) -> tuple[bytes, str]:
            view = View.parse(values, store_choices(session))
            return export_gaps(session, view, fmt=fmt, code=code), gaps_filename(view, fmt=fmt)

        return self._read(export)
