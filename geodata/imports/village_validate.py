"""Validating a village register: every row checked, every problem and warning collected.

Nothing is written here; :mod:`geodata.imports.village_commit` writes a register without
problems. The rules are listed in :mod:`geodata.imports.villages`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.imports.read import MAX_ROWS, ImportProblem, cell_text, read_table, size_problem
from geodata.imports.village_rows import (
    RegisterRow,
    check_header,
    check_register_row,
    column_order,
)
from geodata.imports.village_units import OUTSIDE_TOLERANCE_KM, AreaUnits
from geodata.store.models import Village


@dataclass
class RegisterValidation:
    """What :func:`validate_villages` found.

    Attributes
    ----------
    file_name, sha256 : str
        The file.
    rows_total : int
        Data rows read (blank rows are not counted).
    rows : list of RegisterRow
        The rows, with their parent in every vintage (empty unless ``ok``).
    existing : set of str
        Codes of ``rows`` that are stored already (they will be updated).
    problems, warnings : list of ImportProblem
        Every problem (blocking) and every warning, sorted by row and column (the warnings of
        the rows without a problem are found even when other rows have one).
    """

    file_name: str
    sha256: str
    rows_total: int = 0
    rows: list[RegisterRow] = field(default_factory=list)
    existing: set[str] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the register may be imported."""
        return not self.problems

    def report(self) -> str:
        """Every problem on its own line (empty when ``ok``)."""
        return "\n".join(str(p) for p in self.problems)


def _blank(cells: list[object]) -> bool:
    return all(cell_text(c).strip() == "" for c in cells)


def _check_rows(session: Session, table: list[list[object]], result: RegisterValidation) -> None:
    name = result.file_name
    units = AreaUnits.read(session)
    if not units.vintages:
        result.problems.append(
            ImportProblem(0, "", "the store has no vintages: run dxmap init", name)
        )
        return
    positions, header_problems = check_header(table[0], name)
    result.problems.extend(header_problems)
    if header_problems:
        return
    body = [(n, cells) for n, cells in enumerate(table[1:], start=2) if not _blank(cells)]
    result.rows_total = len(body)
    if not body:
        result.problems.append(ImportProblem(0, "", "no data rows below the header", name))
        return
    if len(body) > MAX_ROWS:
        result.problems.append(
            ImportProblem(0, "", f"more than {MAX_ROWS:,} data rows; split the file", name)
        )
        return
    width = len(table[0])
    seen: dict[str, int] = {}
    for n, cells in body:
        if any(cell_text(c).strip() for c in cells[width:]):
            result.problems.append(
                ImportProblem(n, "", f"more cells than the header's {width} columns", name)
            )
        row, problems = check_register_row(n, cells, positions, units, units.vintages[0], name)
        result.problems.extend(problems)
        index = positions["code"]
        code = cell_text(cells[index] if index < len(cells) else None).strip()
        if code in seen:
            result.problems.append(
                ImportProblem(
                    n, "code", f"duplicate code {code!r}: rows {seen[code]} and {n}", name
                )
            )
            row = None
        elif code:
            seen[code] = n
        if row is not None:
            result.rows.append(row)
    # Rows without a problem are placed even when others have one: their warnings are reported
    # with the problems, so that one round of corrections suffices.
    for row in result.rows:
        _place(units, row, result)


def _place(units: AreaUnits, row: RegisterRow, result: RegisterValidation) -> None:
    """Check the row's point against its parent and find its unit in every vintage."""
    point = (row.lon, row.lat) if row.has_point else None
    if point is not None:
        km = units.distance_outside_km(row.vintage, row.parent_code, *point)
        if km > OUTSIDE_TOLERANCE_KM:
            result.warnings.append(
                ImportProblem(
                    row.row,
                    "lon",
                    f"point ({row.lon}, {row.lat}) lies {km:.1f} km outside its parent "
                    f"{row.parent_code} ({units.names[row.vintage][row.parent_code]}); "
                    "check lon/lat (kept as given)",
                    result.file_name,
                )
            )
    row.parents[row.vintage] = row.parent_code
    for vintage in units.vintages:
        if vintage == row.vintage:
            continue
        unit, warning = units.follow(row.parent_code, row.vintage, vintage, point)
        if unit is not None:
            row.parents[vintage] = unit
        if warning:
            result.warnings.append(ImportProblem(row.row, "parent_code", warning, result.file_name))
    if point is None:
        row.fallback = units.interior_point(row.vintage, row.parent_code)


def _stored_codes(session: Session, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(session.scalars(select(Village.code).where(Village.code.in_(chunk))))
    return found


def validate_register(
    session: Session, data: bytes, file_name: str, max_bytes: int
) -> RegisterValidation:
    """Validate a register's content (see :func:`geodata.imports.villages.validate_villages`)."""
    name = Path(file_name).name or "upload"
    result = RegisterValidation(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    if len(data) > max_bytes:
        result.problems.append(size_problem(len(data), max_bytes, name))
        return result
    table, file_problems = read_table(data, name)
    result.problems.extend(file_problems)
    while table and _blank(table[-1]):
        table.pop()
    if not file_problems and not table:
        result.problems.append(ImportProblem(0, "", "the file is empty (no header row)", name))
    if not result.problems:
        _check_rows(session, table, result)
    result.problems.sort(key=column_order)
    result.warnings.sort(key=column_order)
    if result.problems:
        result.rows = []
        return result
    result.existing = _stored_codes(session, [row.code for row in result.rows])
    return result
