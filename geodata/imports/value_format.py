"""The values format: ``code, period, indicator, numerator, denominator`` (+ three optional).

Its pieces of the import pipeline (:mod:`geodata.imports.formats`): a row checker that reads the
catalogue, the units and the villages once per file and checks each row
(:func:`~geodata.imports.value_rows.check_row`), then warns about unit rows the map will not
show; and writing and undoing observations (:mod:`geodata.imports.value_store`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import stored_vintages
from geodata.imports.columns import VALUE_COLUMNS, VALUE_REQUIRED
from geodata.imports.formats import Body, Format
from geodata.imports.read import ImportProblem, cell_text
from geodata.imports.value_rows import (
    LEVEL_DEPTH,
    ImportRow,
    cell,
    check_row,
    code_problem,
    load_catalogue,
    period_vintage,
)
from geodata.imports.value_store import undo_values, write_values
from geodata.store.models import Observation

if TYPE_CHECKING:
    from geodata.imports.validate import ValidationResult


class _ValueChecker:
    """The checks of one file of values (what they need is read from the store once)."""

    def __init__(
        self, session: Session, positions: Mapping[str, int], body: Body, name: str
    ) -> None:
        specs, today = stored_vintages(session), date.today()
        vintages: set[str] = set()
        codes: set[str] = set()
        for _, cells in body:
            code = cell_text(cell(cells, positions, "code")).strip()
            if code and code_problem(code) is None:
                codes.add(code)
            with contextlib.suppress(ValueError):
                period = cell_text(cell(cells, positions, "period")).strip()
                vintages.add(period_vintage(period, specs, today))
        self.catalogue = load_catalogue(session, vintages, codes)
        self.catalogue.today = today
        self.session, self.positions, self.name = session, positions, name
        self.seen: dict[tuple[str, str, str], int] = {}

    def check(self, n: int, cells: list[object]) -> tuple[ImportRow | None, list[ImportProblem]]:
        """Check one row (a second row with the same code, period and indicator is a problem)."""
        return check_row(n, cells, self.positions, self.catalogue, self.seen, self.name)

    def finish(self, result: ValidationResult) -> None:
        """Warn about the rows of a valid file that the map will not show as its value."""
        if result.ok:
            result.warnings.extend(_shadowed_rows(self.session, result.rows, self.name))


def _shadowed_rows(session: Session, rows: list[ImportRow], name: str) -> list[ImportProblem]:
    """Warn about unit rows the map will not show: values are computed from the finest data.

    :mod:`geodata.rollups.queries` computes every unit's value from the finest level that has data
    for the indicator and period; a coarser row is kept and shown as the unit's published figure.
    """
    finest: dict[tuple[str, str], int] = {}
    for indicator_key, period in {(r.indicator_key, r.period) for r in rows}:
        levels = session.scalars(
            select(Observation.level)
            .where(Observation.indicator_key == indicator_key, Observation.period == period)
            .distinct()
        ).all()
        depths = [LEVEL_DEPTH[lv] for lv in levels if lv in LEVEL_DEPTH]
        finest[(indicator_key, period)] = max(depths, default=-1)
    for r in rows:
        key = (r.indicator_key, r.period)
        finest[key] = max(finest[key], LEVEL_DEPTH[r.level])
    first: dict[tuple[str, str, str], tuple[int, int]] = {}
    for r in rows:
        if LEVEL_DEPTH[r.level] < finest[(r.indicator_key, r.period)]:
            group = (r.indicator_key, r.period, r.level)
            row, count = first.get(group, (r.row, 0))
            first[group] = (row, count + 1)
    levels = {depth: level for level, depth in LEVEL_DEPTH.items()}
    return [
        ImportProblem(
            row,
            "code",
            f"{count} {level} row(s) of {indicator_key} {period}: the map computes {level} "
            f"values from the {levels[finest[(indicator_key, period)]]}-level data, so these "
            "are kept and shown beside them as published figures, not as the map's value",
            name,
        )
        for (indicator_key, period, level), (row, count) in sorted(
            first.items(), key=lambda item: item[1][0]
        )
    ]


#: The values format.
VALUES = Format(
    kind="values",
    columns=VALUE_COLUMNS,
    required=VALUE_REQUIRED,
    checker=_ValueChecker,
    write=write_values,
    undo=undo_values,
    owns=None,  # every batch no other format claims
    reason="import of {file}",
)
