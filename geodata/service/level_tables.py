"""Whole levels' values, computed once per data version and shared by every request.

A unit's value is computed from every stored row of its indicator and period (the store holds
village rows for the whole area), so asking for one commune costs as much as asking for all of
them: at national scale about 1.5 s per indicator. :class:`LevelTables` keeps each
(indicator, period, vintage, level) table, keyed by the data version like every other cache of
:class:`~geodata.service.map_service.MapService`, and sessions opened by the service carry it
(``session.info``, :data:`geodata.values.queries.LEVEL_TABLES`), so that
:func:`geodata.values.queries.unit_values` picks a unit's rows out of its level's table: a
scorecard of twelve indicators, a trend, a comparison or a drill-down pays for each table once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from geodata.values.queries import LEVEL_TABLES, unit_values

log = logging.getLogger(__name__)
MAX_TABLES = 96  # a commune table of the country holds about 3.4 MB (README Performance)


class LevelTables:
    """The values of every unit of a level, per indicator, period and vintage.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        An initialised store.
    version : callable
        Returns the store's data version; a new version computes new tables.
    """

    def __init__(self, engine: Engine, version: Callable[[], object]) -> None:
        self.engine = engine
        self.version = version
        self._tables = lru_cache(maxsize=MAX_TABLES)(self._compute)

    def _compute(
        self, _version: object, indicator: str, period: str, vintage: str, level: str
    ) -> pd.DataFrame | ValueError:
        with Session(self.engine) as session:  # no tables on this session: computed here
            try:
                return unit_values(session, indicator, period, vintage, level)
            except ValueError as error:  # kept too: data that cannot be shown here stays so
                return error

    def __call__(self, indicator: str, period: str, vintage: str, level: str) -> pd.DataFrame:
        """Return the shared table (callers must not change it; unit_values copies rows).

        Raises
        ------
        ValueError
            As :func:`geodata.values.queries.unit_values` (the same error each time).
        """
        table = self._tables(self.version(), indicator, period, vintage, level)
        if isinstance(table, ValueError):
            raise ValueError(*table.args)
        return table

    def session(self) -> Session:
        """Return a new session whose value queries use these tables."""
        session = Session(self.engine)
        session.info[LEVEL_TABLES] = self
        return session

    def warm(self, indicators: Iterable[str], period: str, vintage: str, levels: Iterable[str]):
        """Compute the tables of ``indicators`` × ``levels`` (for a server about to serve)."""
        started = time.perf_counter()
        count = 0
        indicators = list(indicators)  # read once per level
        for level in levels:
            for indicator in indicators:
                try:
                    self(indicator, period, vintage, level)
                    count += 1
                except ValueError as error:  # e.g. no data of this vintage for that level
                    log.info("no table %s %s %s %s: %s", indicator, period, vintage, level, error)
        log.info("%d value tables computed in %.1f s", count, time.perf_counter() - started)
