"""Validating an import file: every row checked, every problem collected, nothing written.

The one validation stage of both formats (values and village registers): the cells are read
(:mod:`geodata.imports.read`), the header is checked against the format's columns, and every
data row goes through the format's row checker (:mod:`geodata.imports.formats`). Every problem
names the file, the spreadsheet row (the header is row 1) and the column. Rows without problems
are returned ready to be committed (:mod:`geodata.imports.commit`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from geodata.imports.formats import FileProblem, Format, RowChecker
from geodata.imports.kinds import format_for
from geodata.imports.limits import MAX_PROBLEMS, problem_total_line, safe_file_name
from geodata.imports.read import (
    DEFAULT_MAX_BYTES,
    MAX_ROWS,
    ImportProblem,
    cell_text,
    is_blank,
    read_file,
    read_table,
    size_problem,
)


@dataclass
class ValidationResult:
    """What :func:`validate_bytes` found, for a file of either kind.

    Attributes
    ----------
    file_name : str
        The file's name (no directory).
    sha256 : str
        Hex digest of the file's bytes.
    rows_total : int
        Data rows read (blank rows are not counted).
    rows : list
        The rows that passed every check, ready to be written (empty unless ``ok``): value rows
        (:class:`~geodata.imports.value_rows.ImportRow`) or register rows
        (:class:`~geodata.imports.village_rows.RegisterRow`, with their parent in every vintage).
    problems : list of ImportProblem
        The problems found, sorted by row and column: the first ``MAX_PROBLEMS`` (200) of them.
    warnings : list of ImportProblem
        Things that do not block the import but that the data officer should know (a unit
        value the map will not show, a village point outside its commune).
    problems_total : int
        How many problems were found in all (``len(problems)`` unless the cap was reached).
    existing : set of str
        A register's codes that are stored already (they will be updated); empty for values.
    kind : str
        ``values`` or ``register``.
    """

    file_name: str
    sha256: str
    rows_total: int = 0
    rows: list[Any] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    problems_total: int = 0
    existing: set[str] = field(default_factory=set)
    kind: str = "values"

    @property
    def ok(self) -> bool:
        """True when the file may be imported (no problem found)."""
        return not self.problems

    def report(self) -> str:
        """Return each listed problem on its own line, then the count of the others, if any."""
        lines = [str(p) for p in self.problems]
        more = problem_total_line(len(self.problems), max(self.problems_total, len(lines)))
        return "\n".join([*lines, more] if more else lines)


def check_header(
    header: list[object], fmt: Format, name: str
) -> tuple[dict[str, int], int, list[ImportProblem]]:
    """Check a header row against a format's columns.

    Parameters
    ----------
    header : list
        The first row's cells.
    fmt : Format
        The file's format.
    name : str
        The file's name, for the problems.

    Returns
    -------
    positions : dict of str to int
        Column name → cell index.
    width : int
        The header's columns up to its last named one (empty cells after it are no column).
    problems : list of ImportProblem
        Empty, unknown, repeated and missing columns (row 1).
    """
    labels = [cell_text(heading).strip().lower() for heading in header]
    width = max((i + 1 for i, label in enumerate(labels) if label), default=0)
    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    for index, label in enumerate(labels[:width]):
        if not label:
            problems.append(
                ImportProblem(1, f"#{index + 1}", "empty column name in the header row", name)
            )
        elif label not in fmt.columns:
            allowed = ", ".join(fmt.columns)
            problems.append(
                ImportProblem(1, label, f"unknown column {label!r}; allowed: {allowed}", name)
            )
        elif label in positions:
            problems.append(ImportProblem(1, label, "column appears twice in the header", name))
        else:
            positions[label] = index
    for column in fmt.required:
        if column not in positions:
            problems.append(ImportProblem(1, column, "required column is missing", name))
    return positions, width, problems


def validate_bytes(
    session: Session,
    data: bytes,
    file_name: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    kind: str = "values",
) -> ValidationResult:
    """Validate an import file's content; read the store, write nothing.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store (to read indicators, units, villages and sources).
    data : bytes
        The file's content (CSV in UTF-8, BOM allowed; or XLSX, first sheet).
    file_name : str
        Its name, used in every problem and to choose the reader.
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``); a larger file is rejected unread.
    kind : str
        ``values`` (indicator values) or ``register`` (a village register).

    Returns
    -------
    ValidationResult
        Valid rows and every problem found (``result.ok`` tells whether it may be imported).

    Raises
    ------
    ValueError
        On an unknown ``kind``.
    """
    fmt = format_for(kind)
    name = safe_file_name(file_name)
    result = ValidationResult(name, hashlib.sha256(data).hexdigest(), kind=fmt.kind)
    checker = _validate(session, fmt, data, max_bytes, result)
    result.problems_total = max(result.problems_total, len(result.problems))
    result.problems.sort(key=fmt.order)
    del result.problems[MAX_PROBLEMS:]
    if result.problems:
        result.rows = []
    if checker is not None:
        checker.finish(result)
    result.warnings.sort(key=fmt.order)
    return result


def _keep(
    result: ValidationResult,
    found: list[ImportProblem],
    order: Callable[[ImportProblem], tuple[int, int]],
) -> None:
    """Add problems, keeping memory bounded: only the first MAX_PROBLEMS (by row) are kept."""
    result.problems.extend(found)
    result.problems_total += len(found)
    if len(result.problems) > 4 * MAX_PROBLEMS:
        result.problems.sort(key=order)
        del result.problems[MAX_PROBLEMS:]


def _read(
    data: bytes, max_bytes: int, result: ValidationResult
) -> tuple[list[list[object]], list[ImportProblem]] | None:
    """Read the cells; on a problem with the whole file, record it and return ``None``."""
    name = result.file_name
    if len(data) > max_bytes:
        result.problems.append(size_problem(len(data), max_bytes, name))
        return None
    table, read_problems = read_table(data, name)
    if any(p.row == 0 for p in read_problems):
        result.problems.extend(read_problems)
        return None
    while table and is_blank(table[-1]):
        table.pop()
    if not table:
        result.problems.extend(read_problems)  # a CSV that cannot be parsed from its first row on
        if not read_problems:
            result.problems.append(ImportProblem(0, "", "the file is empty (no header row)", name))
        return None
    return table, read_problems


def _validate(
    session: Session, fmt: Format, data: bytes, max_bytes: int, result: ValidationResult
) -> RowChecker | None:
    """Read, check the header, then every row; return the format's checker (None: no rows)."""
    read = _read(data, max_bytes, result)
    if read is None:
        return None
    table, read_problems = read
    name = result.file_name
    positions, width, header_problems = check_header(table[0], fmt, name)
    if header_problems or any(p.row == 1 for p in read_problems):
        result.problems.extend(header_problems + [p for p in read_problems if p.row == 1])
        return None
    _keep(result, read_problems, fmt.order)
    body = [(n, cells) for n, cells in enumerate(table[1:], start=2) if not is_blank(cells)]
    result.rows_total = len(body)
    if not body:
        result.problems.append(ImportProblem(0, "", "no data rows below the header", name))
        return None
    if len(body) > MAX_ROWS:
        message = f"more than {MAX_ROWS:,} data rows; split the file"
        result.problems.append(ImportProblem(0, "", message, name))
        return None
    try:
        checker = fmt.checker(session, positions, body, name)
    except FileProblem as exc:
        result.problems.append(ImportProblem(0, "", str(exc), name))
        return None
    unreadable = {p.row for p in read_problems}
    for n, cells in body:
        if n in unreadable:
            continue  # its reading problem is reported; checking its cells would repeat it
        extra = [c for c in cells[width:] if cell_text(c).strip()]
        if extra:
            message = f"{width + len(extra)} cells but the header has {width} columns"
            _keep(result, [ImportProblem(n, "", message, name)], fmt.order)
        row, problems = checker.check(n, cells)
        _keep(result, problems, fmt.order)
        if row is not None and not extra and not result.problems_total:
            result.rows.append(row)
    return checker


def validate_file(
    session: Session,
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    kind: str = "values",
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
    kind : str
        ``values`` or ``register``.

    Returns
    -------
    ValidationResult
        Valid rows and every problem found, each with file, row and column.
    """
    path = Path(path)
    data, problem = read_file(path, max_bytes)
    if data is None:
        result = ValidationResult(file_name=path.name, sha256="", kind=format_for(kind).kind)
        result.problems.append(problem)  # type: ignore[arg-type]
        return result
    return validate_bytes(session, data, path.name, max_bytes=max_bytes, kind=kind)
