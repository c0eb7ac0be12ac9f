"""Validating an import file: every row checked, every problem collected, nothing written.

Every problem names the file, the spreadsheet row (the header is row 1) and the column. Rows
without problems are returned ready to be committed (:mod:`geodata.imports.commit`).
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import stored_vintages
from geodata.imports.limits import MAX_PROBLEMS, problem_total_line, safe_file_name
from geodata.imports.read import (
    COLUMNS,
    DEFAULT_MAX_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    ImportProblem,
    cell_text,
    read_file,
    read_table,
    size_problem,
)
from geodata.imports.rows import (
    LEVEL_DEPTH,
    ImportRow,
    cell,
    check_row,
    code_problem,
    load_catalogue,
    period_vintage,
)
from geodata.store.models import Observation


@dataclass
class ValidationResult:
    """What :func:`validate_file` found.

    Attributes
    ----------
    file_name : str
        The file's name (no directory).
    sha256 : str
        Hex digest of the file's bytes.
    rows_total : int
        Data rows read (blank rows are not counted).
    rows : list of ImportRow
        The rows that passed every check (all rows when ``ok``).
    problems : list of ImportProblem
        The problems found, sorted by row and column: the first ``MAX_PROBLEMS`` (200) of them.
    problems_total : int
        How many problems were found in all (``len(problems)`` unless the cap was reached).
    warnings : list of ImportProblem
        Things that do not block the import but that the data officer should know (a unit
        value that the map will not show because finer data exist for the same indicator).
    """

    file_name: str
    sha256: str
    rows_total: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    problems_total: int = 0

    @property
    def ok(self) -> bool:
        """True when the file may be imported (no problem found)."""
        return not self.problems

    def report(self) -> str:
        """Return each listed problem on its own line, then the count of the others, if any."""
        lines = [str(p) for p in self.problems]
        more = problem_total_line(len(self.problems), max(self.problems_total, len(lines)))
        return "\n".join([*lines, more] if more else lines)


def _check_header(header: list[object], name: str) -> tuple[dict[str, int], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        label = cell_text(heading).strip().lower()
        if not label:
            problems.append(
                ImportProblem(1, f"#{index + 1}", "empty column name in the header row", name)
            )
            continue
        if label not in COLUMNS:
            problems.append(
                ImportProblem(
                    1,
                    label,
                    f"unknown column {label!r}; allowed: {', '.join(COLUMNS)}",
                    name,
                )
            )
            continue
        if label in positions:
            problems.append(ImportProblem(1, label, "column appears twice in the header", name))
            continue
        positions[label] = index
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            problems.append(ImportProblem(1, column, "required column is missing", name))
    return positions, problems


def _is_blank(cells: list[object]) -> bool:
    return all(cell_text(c).strip() == "" for c in cells)


def validate_bytes(
    session: Session, data: bytes, file_name: str, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ValidationResult:
    """Validate an import file's content; read the store, write nothing.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store (used to read indicators, units, villages and sources).
    data : bytes
        The file's content (CSV in UTF-8, BOM allowed; or XLSX, first sheet).
    file_name : str
        Its name, used in every problem and to choose the reader.
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``); a larger file is rejected unread.

    Returns
    -------
    ValidationResult
        Valid rows and every problem found (``result.ok`` tells whether it may be imported).
    """
    name = safe_file_name(file_name)
    result = ValidationResult(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    _validate(session, data, name, max_bytes, result)
    result.problems_total = max(result.problems_total, len(result.problems))
    result.problems.sort(key=_order)
    del result.problems[MAX_PROBLEMS:]
    if result.problems:
        result.rows = []
    else:
        result.warnings.extend(_shadowed_rows(session, result.rows, name))
    return result


def _order(problem: ImportProblem) -> tuple[int, int]:
    column = COLUMNS.index(problem.column) if problem.column in COLUMNS else 99
    return (problem.row, column)


def _keep(result: ValidationResult, found: list[ImportProblem]) -> None:
    """Add problems, keeping memory bounded: only the first MAX_PROBLEMS (by row) are kept."""
    result.problems.extend(found)
    result.problems_total += len(found)
    if len(result.problems) > 4 * MAX_PROBLEMS:
        result.problems.sort(key=_order)
        del result.problems[MAX_PROBLEMS:]


def _validate(
    session: Session, data: bytes, name: str, max_bytes: int, result: ValidationResult
) -> None:
    problems = result.problems
    if len(data) > max_bytes:
        problems.append(size_problem(len(data), max_bytes, name))
        return
    table, read_problems = read_table(data, name)
    if any(p.row == 0 for p in read_problems):
        problems.extend(read_problems)
        return
    while table and _is_blank(table[-1]):
        table.pop()
    if not table:
        problems.extend(read_problems)  # a CSV that cannot be parsed from its first row on
        if not read_problems:
            problems.append(ImportProblem(0, "", "the file is empty (no header row)", name))
        return
    positions, header_problems = _check_header(table[0], name)
    problems.extend(header_problems)
    if header_problems or any(p.row == 1 for p in read_problems):
        problems.extend(p for p in read_problems if p.row == 1)
        return
    _keep(result, read_problems)
    body = [(n, cells) for n, cells in enumerate(table[1:], start=2) if not _is_blank(cells)]
    result.rows_total = len(body)
    if not body:
        problems.append(ImportProblem(0, "", "no data rows below the header", name))
        return
    if len(body) > MAX_ROWS:
        problems.append(
            ImportProblem(0, "", f"more than {MAX_ROWS:,} data rows; split the file", name)
        )
        return

    # Read what validation needs in a few queries, not one per row.
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
    catalogue = load_catalogue(session, vintages, codes)
    catalogue.today = today

    unreadable = {p.row for p in read_problems}
    seen: dict[tuple[str, str, str], int] = {}
    width = len(table[0])
    for n, cells in body:
        if n in unreadable:
            continue  # its reading problem is reported; checking its cells would repeat it
        extra = [c for c in cells[width:] if cell_text(c).strip()]
        if extra:
            _keep(
                result,
                [
                    ImportProblem(
                        n,
                        "",
                        f"{width + len(extra)} cells but the header has {width} columns",
                        name,
                    )
                ],
            )
        row, row_problems = check_row(n, cells, positions, catalogue, seen, name)
        _keep(result, row_problems)
        if row is not None and not extra and not result.problems_total:
            result.rows.append(row)


def _shadowed_rows(session: Session, rows: list[ImportRow], name: str) -> list[ImportProblem]:
    """Warn about unit rows the map will not show: values are computed from the finest data.

    :mod:`geodata.rollups.queries` computes every unit's value from the finest level that has data
    for
    the indicator and period; a coarser row is kept and shown as the unit's published figure.
    """
    pairs = {(r.indicator_key, r.period) for r in rows}
    finest: dict[tuple[str, str], int] = {}
    for indicator_key, period in pairs:
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


def validate_file(
    session: Session, path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ValidationResult:
    """Validate an import file on disk; read the store, write nothing.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    path : str or pathlib.Path
        A ``.csv`` (UTF-8, BOM allowed) or ``.xlsx`` file (first sheet is read).
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``); a larger file is rejected unread.

    Returns
    -------
    ValidationResult
        Valid rows and every problem found, each with file, row and column.
    """
    path = Path(path)
    data, problem = read_file(path, max_bytes)
    if data is None:
        result = ValidationResult(file_name=path.name, sha256="")
        result.problems.append(problem)  # type: ignore[arg-type]
        return result
    return validate_bytes(session, data, path.name, max_bytes=max_bytes)
