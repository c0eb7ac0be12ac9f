"""The village-register format: ``code, name, parent_code`` (+ five optional columns).

Its pieces of the import pipeline (:mod:`geodata.imports.formats`): a row checker that reads the
area's units once per file (:class:`~geodata.imports.village_units.AreaUnits`), checks each row
(:func:`~geodata.imports.village_rows.check_register_row`, a repeated code), then places every
row without a problem in every stored vintage, with its warnings; and writing and undoing
villages (:mod:`geodata.imports.village_store`). The rules are listed in
:mod:`geodata.imports.villages`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.imports.columns import REGISTER_COLUMNS, REGISTER_REQUIRED
from geodata.imports.formats import Body, FileProblem, Format
from geodata.imports.read import ImportProblem, cell_text
from geodata.imports.village_rows import RegisterRow, check_register_row
from geodata.imports.village_store import is_register_batch, undo_register, write_register
from geodata.imports.village_units import OUTSIDE_TOLERANCE_KM, AreaUnits
from geodata.store.models import Village

if TYPE_CHECKING:
    from geodata.imports.validate import ValidationResult

#: The note that starts every register batch's note (the batch history shows what it was).
REGISTER_NOTE = "village register"


class _RegisterChecker:
    """The checks of one village register (the area's units are read once)."""

    def __init__(
        self, session: Session, positions: Mapping[str, int], body: Body, name: str
    ) -> None:
        self.units = AreaUnits.read(session)
        if not self.units.vintages:
            raise FileProblem("the store has no vintages: run dxmap init")
        self.session, self.positions, self.name = session, positions, name
        self.seen: dict[str, int] = {}
        self.good: list[RegisterRow] = []  # placed even when other rows have problems

    def check(self, n: int, cells: list[object]) -> tuple[RegisterRow | None, list[ImportProblem]]:
        """Check one row (a code given on an earlier row is a problem)."""
        units = self.units
        row, problems = check_register_row(
            n, cells, self.positions, units, units.vintages[0], self.name
        )
        index = self.positions["code"]
        code = cell_text(cells[index] if index < len(cells) else None).strip()
        if code in self.seen:
            message = f"duplicate code {code!r}: rows {self.seen[code]} and {n}"
            problems = [*problems, ImportProblem(n, "code", message, self.name)]
            row = None
        elif code:
            self.seen[code] = n
        if row is not None:
            self.good.append(row)
        return row, problems

    def finish(self, result: ValidationResult) -> None:
        """Place every row without a problem; note the codes already stored.

        Rows are placed even when other rows have problems: their warnings are reported with
        the problems, so that one round of corrections suffices.
        """
        for row in self.good:
            result.warnings.extend(_place(self.units, row, self.name))
        if result.ok:
            result.existing = _stored_codes(self.session, [row.code for row in result.rows])


def _place(units: AreaUnits, row: RegisterRow, name: str) -> list[ImportProblem]:
    """Check the row's point against its parent and find its unit in every vintage."""
    warnings: list[ImportProblem] = []
    point = (row.lon, row.lat) if row.has_point else None
    if point is not None:
        km = units.distance_outside_km(row.vintage, row.parent_code, *point)
        if km > OUTSIDE_TOLERANCE_KM:
            parent = f"{row.parent_code} ({units.names[row.vintage][row.parent_code]})"
            message = (
                f"point ({row.lon}, {row.lat}) lies {km:.1f} km outside its parent {parent}; "
                "check lon/lat (kept as given)"
            )
            warnings.append(ImportProblem(row.row, "lon", message, name))
    row.parents[row.vintage] = row.parent_code
    for vintage in units.vintages:
        if vintage == row.vintage:
            continue
        unit, warning = units.follow(row.parent_code, row.vintage, vintage, point)
        if unit is not None:
            row.parents[vintage] = unit
        if warning:
            warnings.append(ImportProblem(row.row, "parent_code", warning, name))
    if point is None:
        row.fallback = units.interior_point(row.vintage, row.parent_code)
    return warnings


def _stored_codes(session: Session, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(session.scalars(select(Village.code).where(Village.code.in_(chunk))))
    return found


#: The village-register format.
REGISTER = Format(
    kind="register",
    columns=REGISTER_COLUMNS,
    required=REGISTER_REQUIRED,
    checker=_RegisterChecker,
    write=write_register,
    undo=undo_register,
    owns=is_register_batch,
    reason="village register {file}",
    note_prefix=REGISTER_NOTE,
)
