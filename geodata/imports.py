"""Import indicator values from a CSV or XLSX file: validate everything, then commit one batch.

The file format is a contract (PRODUCT.md "Interfaces"): exactly one header row with the columns
``code, period, indicator, numerator, denominator`` and optionally ``value, source, note``.

Rules, in the order a data officer meets them:

- Every row is checked before anything is written, and *all* problems are collected, each naming
  the file, the spreadsheet row (the header is row 1) and the column.
- If there is any problem nothing is written at all: no observation and no batch row (a rejected
  import is reported to the caller, not recorded in the store).
- Otherwise one transaction creates an :class:`~geodata.models.ImportBatch`, inserts new
  observations and replaces existing ones; each replaced row is kept in
  :class:`~geodata.models.ReplacedObservation` so that :func:`rollback_batch` can restore it.

Provenance: values a data officer imports are real figures, never synthetic, so they are stored
as ``published``. A row whose ``source`` is the key of a known :class:`~geodata.models.Source`
is attached to that source (and takes its provenance). Any other ``source`` text becomes a new
source of this batch (key ``import-<batch>-<n>``, title = the text as given); rows without a
source are attached to the batch's own source (key ``import-<batch>``, "Import of FILE by USER").
Text is stored exactly as given: escaping is the job of whatever displays or exports it.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, or_, select, tuple_
from sqlalchemy.orm import Session

from geodata.models import (
    ImportBatch,
    Indicator,
    Observation,
    ReplacedObservation,
    Source,
    Unit,
    Village,
)
from geodata.store import transaction
from geodata.vintages import vintage_for_period

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("code", "period", "indicator", "numerator", "denominator")
OPTIONAL_COLUMNS = ("value", "source", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
# A ratio row may repeat its percentage in ``value``; it must agree with numerator/denominator.
VALUE_TOLERANCE_PP = 0.05
_LEVEL_DEPTH = {"province": 0, "district": 1, "commune": 2, "village": 3}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One problem in an import file, located by spreadsheet row and column.

    Attributes
    ----------
    row : int
        Spreadsheet row (the header is row 1); 0 for a problem with the whole file.
    column : str
        Column name, or ``""`` when the problem is not about one column.
    message : str
        What is wrong and, where it helps, what is expected.
    file : str
        The file's name (no directory).
    """

    row: int
    column: str
    message: str
    file: str = ""

    def __str__(self) -> str:
        where = [self.file or "file"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class ImportRow:
    """A validated row, ready to be written.

    Attributes
    ----------
    row : int
        Spreadsheet row number.
    indicator_key, period, vintage_key, level, code : str
        The observation's key (``level`` is ``village`` for a village code).
    numerator, denominator, value : float or None
        The numbers to store (``value`` is the percentage of a ratio or share, or the count).
    source : str
        The ``source`` cell as given (may be empty).
    note : str
        The ``note`` cell as given (may be empty).
    """

    row: int
    indicator_key: str
    period: str
    vintage_key: str
    level: str
    code: str
    numerator: float | None
    denominator: float | None
    value: float | None
    source: str
    note: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The observation's unique key: indicator, period, level, code."""
        return (self.indicator_key, self.period, self.level, self.code)


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
        Every problem found, sorted by row and column.
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

    @property
    def ok(self) -> bool:
        """True when the file may be imported (no problem found)."""
        return not self.problems

    def report(self) -> str:
        """Return every problem on its own line (empty when ``ok``)."""
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True)
class ImportOutcome:
    """A committed import.

    Attributes
    ----------
    batch_id : int
        The new :class:`~geodata.models.ImportBatch`'s id (give it to :func:`rollback_batch`).
    file_name, sha256 : str
        The imported file.
    rows_total, rows_inserted, rows_replaced : int
        Rows in the file; rows that were new; rows that replaced a stored value.
    warnings : tuple of ImportProblem
        Non-blocking remarks from validation.
    """

    batch_id: int
    file_name: str
    sha256: str
    rows_total: int
    rows_inserted: int
    rows_replaced: int
    warnings: tuple[ImportProblem, ...] = ()


@dataclass(frozen=True)
class RollbackOutcome:
    """A rolled-back import.

    Attributes
    ----------
    batch_id : int
        The batch that was undone.
    rows_removed : int
        Observations the batch had written that were deleted.
    rows_restored : int
        Observations the batch had replaced that were put back.
    """

    batch_id: int
    rows_removed: int
    rows_restored: int


class ImportRejected(ValueError):
    """The file has problems; nothing was written.

    Parameters
    ----------
    problems : list of ImportProblem
        Every problem found.
    """

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"import rejected, nothing was written ({count} problem{'s' if count != 1 else ''}):\n"
            + "\n".join(str(p) for p in self.problems)
        )


class RollbackRefused(ValueError):
    """A batch cannot be rolled back (unknown, already rolled back, or overwritten later)."""


# --------------------------------------------------------------------------- reading


def _cell_text(value: object) -> str:
    """Return a cell as text; whole floats (as XLSX stores 2024) lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def _read_csv(data: bytes, name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [
            ImportProblem(
                0,
                "",
                f"not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8' and try again",
                name,
            )
        ]
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))], []


def _read_xlsx(data: bytes, name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    from openpyxl import load_workbook  # a heavy import, needed only for XLSX files

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return [], [ImportProblem(0, "", f"not a readable XLSX workbook ({exc})", name)]
    try:
        if not workbook.worksheets:
            return [], [ImportProblem(0, "", "the workbook has no sheet", name)]
        sheet = workbook.worksheets[0]
        rows: list[list[object]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows, []
    finally:
        workbook.close()


def read_table(data: bytes, file_name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    """Read the raw cells of a CSV (UTF-8, BOM allowed) or XLSX (first sheet) file.

    Parameters
    ----------
    data : bytes
        The file's content.
    file_name : str
        Its name; ``.xlsx`` selects the workbook reader (as does a ZIP signature).

    Returns
    -------
    rows : list of list
        Cells per spreadsheet row, the header first.
    problems : list of ImportProblem
        Problems with the file as a whole (encoding, unreadable workbook).
    """
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data, file_name)
    return _read_csv(data, file_name)


# --------------------------------------------------------------------------- validation


@dataclass
class _Catalogue:
    """What validation needs from the store, read once per file."""

    indicators: dict[str, Indicator]
    sources: dict[str, str]  # key -> provenance
    units: dict[str, dict[str, str]]  # vintage -> code -> level
    villages: set[str]


def _load_catalogue(session: Session, vintages: Iterable[str], codes: set[str]) -> _Catalogue:
    indicators = {i.key: i for i in session.scalars(select(Indicator))}
    sources = dict(session.execute(select(Source.key, Source.provenance)).all())
    units: dict[str, dict[str, str]] = {}
    for vintage in set(vintages):
        rows = session.execute(select(Unit.code, Unit.level).where(Unit.vintage_key == vintage))
        units[vintage] = dict(rows.all())
    villages: set[str] = set()
    code_list = sorted(codes)
    for start in range(0, len(code_list), 500):
        chunk = code_list[start : start + 500]
        villages.update(session.scalars(select(Village.code).where(Village.code.in_(chunk))))
    return _Catalogue(indicators, sources, units, villages)


def _number(
    raw: str, row: int, column: str, name: str, problems: list[ImportProblem]
) -> float | None:
    """Parse a number cell; record a problem and return None when it is not a number."""
    text = raw.strip()
    if not _NUMBER.match(text):
        problems.append(
            ImportProblem(
                row,
                column,
                f"not a number: {raw!r} (write digits with '.' as the decimal point, "
                "no thousands separators or units)",
                name,
            )
        )
        return None
    number = float(text)
    if not math.isfinite(number):
        problems.append(ImportProblem(row, column, f"not a finite number: {raw!r}", name))
        return None
    if number < 0:
        problems.append(ImportProblem(row, column, f"negative number {raw!r} not allowed", name))
        return None
    return number


def _raw_number(value: object) -> str:
    """Text of a number cell; XLSX numbers keep full precision (no whole-float shortening)."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        return repr(value)
    return _cell_text(value)


def _check_header(header: list[object], name: str) -> tuple[dict[str, int], list[ImportProblem]]:
    problems: list[ImportProblem] = []
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = _cell_text(cell).strip().lower()
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
    return all(_cell_text(c).strip() == "" for c in cells)


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
    name = Path(file_name).name or "upload"
    result = ValidationResult(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    problems = result.problems
    if len(data) > max_bytes:
        problems.append(
            ImportProblem(
                0, "", f"file is {len(data):,} bytes; the limit is {max_bytes:,} bytes", name
            )
        )
        return result
    table, file_problems = read_table(data, name)
    problems.extend(file_problems)
    if file_problems:
        return result
    while table and _is_blank(table[-1]):
        table.pop()
    if not table:
        problems.append(ImportProblem(0, "", "the file is empty (no header row)", name))
        return result
    positions, header_problems = _check_header(table[0], name)
    problems.extend(header_problems)
    if header_problems:
        problems.sort()
        return result
    body = [(n, cells) for n, cells in enumerate(table[1:], start=2) if not _is_blank(cells)]
    result.rows_total = len(body)
    if not body:
        problems.append(ImportProblem(0, "", "no data rows below the header", name))
        return result
    if len(body) > MAX_ROWS:
        problems.append(
            ImportProblem(0, "", f"more than {MAX_ROWS:,} data rows; split the file", name)
        )
        return result

    def cell(cells: list[object], column: str) -> object:
        index = positions.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    # Read what validation needs in a few queries, not one per row.
    vintages: set[str] = set()
    codes: set[str] = set()
    for _, cells in body:
        codes.add(_cell_text(cell(cells, "code")).strip())
        with contextlib.suppress(ValueError):
            vintages.add(vintage_for_period(_cell_text(cell(cells, "period")).strip()))
    catalogue = _load_catalogue(session, vintages, codes)

    seen: dict[tuple[str, str, str], int] = {}
    width = len(table[0])
    for n, cells in body:
        row_problems: list[ImportProblem] = []
        extra = [c for c in cells[width:] if _cell_text(c).strip()]
        if extra:
            row_problems.append(
                ImportProblem(
                    n, "", f"{width + len(extra)} cells but the header has {width} columns", name
                )
            )
        code = _cell_text(cell(cells, "code")).strip()
        period = _cell_text(cell(cells, "period")).strip()
        indicator_key = _cell_text(cell(cells, "indicator")).strip()
        source = _cell_text(cell(cells, "source"))
        note = _cell_text(cell(cells, "note"))

        for column, text in (("code", code), ("period", period), ("indicator", indicator_key)):
            if not text:
                row_problems.append(ImportProblem(n, column, "missing required value", name))

        vintage: str | None = None
        if period:
            try:
                vintage = vintage_for_period(period)
            except ValueError as exc:
                row_problems.append(ImportProblem(n, "period", f"bad period: {exc}", name))

        indicator = catalogue.indicators.get(indicator_key) if indicator_key else None
        if indicator_key and indicator is None:
            known = ", ".join(sorted(catalogue.indicators))
            row_problems.append(
                ImportProblem(
                    n, "indicator", f"unknown indicator {indicator_key!r}; known: {known}", name
                )
            )

        level: str | None = None
        if code and vintage:
            level = catalogue.units.get(vintage, {}).get(code)
            if level is None and code in catalogue.villages:
                level = "village"
            if level is None:
                row_problems.append(
                    ImportProblem(
                        n,
                        "code",
                        f"unknown code {code!r}: neither a unit of boundary vintage {vintage} "
                        f"(in force for period {period}) nor a village code",
                        name,
                    )
                )
        if indicator is not None and level is not None:
            finest = indicator.finest_level
            if _LEVEL_DEPTH.get(level, 0) > _LEVEL_DEPTH.get(finest, 3):
                row_problems.append(
                    ImportProblem(
                        n,
                        "code",
                        f"{code!r} is a {level}, but {indicator.key} is only defined down to "
                        f"{finest} level",
                        name,
                    )
                )

        if code and period and indicator_key:
            dup_key = (code, period, indicator_key)
            if dup_key in seen:
                row_problems.append(
                    ImportProblem(
                        n,
                        "code",
                        f"duplicate row: rows {seen[dup_key]} and {n} both give {indicator_key} "
                        f"for code {code} and period {period}",
                        name,
                    )
                )
            else:
                seen[dup_key] = n

        numbers: dict[str, float | None] = {}
        present: dict[str, bool] = {}
        for column in ("numerator", "denominator", "value"):
            raw = _raw_number(cell(cells, column))
            present[column] = raw.strip() != ""
            numbers[column] = (
                _number(raw, n, column, name, row_problems) if present[column] else None
            )
        numerator, denominator, value = (
            numbers["numerator"],
            numbers["denominator"],
            numbers["value"],
        )

        stored_value: float | None = None
        if indicator is not None:
            kind = indicator.kind
            if kind == "count":
                for column in ("numerator", "denominator"):
                    if present[column]:
                        row_problems.append(
                            ImportProblem(
                                n,
                                column,
                                f"wrong kind of value: {indicator.key} is a count; put the "
                                "count in 'value' and leave numerator and denominator empty",
                                name,
                            )
                        )
                if not present["value"]:
                    row_problems.append(
                        ImportProblem(
                            n,
                            "value",
                            f"missing required value: {indicator.key} is a count and needs 'value'",
                            name,
                        )
                    )
                elif value is not None and not value.is_integer():
                    row_problems.append(
                        ImportProblem(n, "value", f"a count must be a whole number: {value}", name)
                    )
                stored_value = value
            else:
                for column in ("numerator", "denominator"):
                    if not present[column]:
                        row_problems.append(
                            ImportProblem(
                                n,
                                column,
                                f"missing required value: {indicator.key} is a "
                                f"{kind.replace('_', ' ')} and needs numerator and denominator",
                                name,
                            )
                        )
                if denominator is not None and denominator <= 0:
                    row_problems.append(
                        ImportProblem(n, "denominator", "must be greater than 0", name)
                    )
                    denominator = None
                if kind == "share_of_villages":
                    for column, number in (("numerator", numerator), ("denominator", denominator)):
                        if number is not None and not number.is_integer():
                            row_problems.append(
                                ImportProblem(
                                    n,
                                    column,
                                    f"a share of villages counts villages: whole number "
                                    f"expected, got {number}",
                                    name,
                                )
                            )
                    if level == "village" and denominator is not None and denominator != 1:
                        row_problems.append(
                            ImportProblem(
                                n,
                                "denominator",
                                "a village row of a share of villages has denominator 1 "
                                "(numerator 1 = covered, 0 = not covered)",
                                name,
                            )
                        )
                    if (
                        numerator is not None
                        and denominator is not None
                        and numerator > denominator
                    ):
                        row_problems.append(
                            ImportProblem(
                                n,
                                "numerator",
                                f"more covered villages ({numerator:g}) than villages "
                                f"({denominator:g})",
                                name,
                            )
                        )
                if numerator is not None and denominator is not None:
                    stored_value = 100.0 * numerator / denominator
                    if value is not None and abs(value - stored_value) > VALUE_TOLERANCE_PP:
                        row_problems.append(
                            ImportProblem(
                                n,
                                "value",
                                f"value {value:g} does not match numerator/denominator "
                                f"({stored_value:.2f} %); leave value empty or correct it",
                                name,
                            )
                        )

        if row_problems:
            problems.extend(row_problems)
            continue
        assert vintage is not None and level is not None  # guaranteed by the checks above
        result.rows.append(
            ImportRow(
                row=n,
                indicator_key=indicator_key,
                period=period,
                vintage_key=vintage,
                level=level,
                code=code,
                numerator=numerator,
                denominator=denominator,
                value=stored_value,
                source=source,
                note=note,
            )
        )
    problems.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 99))
    if problems:
        result.rows = []
    else:
        result.warnings.extend(_shadowed_rows(session, result.rows, name))
    return result


def _shadowed_rows(session: Session, rows: list[ImportRow], name: str) -> list[ImportProblem]:
    """Warn about unit rows the map will not show: values are computed from the finest data.

    :mod:`geodata.values` computes every unit's value from the finest level that has data for
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
        depths = [_LEVEL_DEPTH[lv] for lv in levels if lv in _LEVEL_DEPTH]
        finest[(indicator_key, period)] = max(depths, default=-1)
    for r in rows:
        key = (r.indicator_key, r.period)
        finest[key] = max(finest[key], _LEVEL_DEPTH[r.level])
    first: dict[tuple[str, str, str], tuple[int, int]] = {}
    for r in rows:
        if _LEVEL_DEPTH[r.level] < finest[(r.indicator_key, r.period)]:
            group = (r.indicator_key, r.period, r.level)
            row, count = first.get(group, (r.row, 0))
            first[group] = (row, count + 1)
    levels = {depth: level for level, depth in _LEVEL_DEPTH.items()}
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


def _read_file(path: Path, max_bytes: int) -> tuple[bytes | None, ImportProblem | None]:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, ImportProblem(0, "", f"cannot read the file: {exc.strerror or exc}", name)
    if size > max_bytes:
        return None, ImportProblem(
            0, "", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes", name
        )
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, ImportProblem(0, "", f"cannot read the file: {exc.strerror or exc}", name)


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
    data, problem = _read_file(path, max_bytes)
    if data is None:
        result = ValidationResult(file_name=path.name, sha256="")
        result.problems.append(problem)  # type: ignore[arg-type]
        return result
    return validate_bytes(session, data, path.name, max_bytes=max_bytes)


# --------------------------------------------------------------------------- writing


def _now() -> datetime:
    """Naive UTC time (the store's DateTime columns carry no zone; dxmap stores UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _chunks(items: list, size: int = 400) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _commit(session: Session, result: ValidationResult, user: str, note: str = "") -> ImportOutcome:
    now = _now()
    batch = ImportBatch(
        file_name=result.file_name,
        file_sha256=result.sha256,
        user=user,
        created_at=now,
        rows_total=result.rows_total,
        rows_inserted=0,
        rows_replaced=0,
        outcome="committed",
        note=note,
    )
    session.add(batch)
    session.flush()

    known_sources = dict(session.execute(select(Source.key, Source.provenance)).all())
    batch_source = f"import-{batch.id}"
    session.add(
        Source(
            key=batch_source,
            title=f"Import of {result.file_name} by {user}, {now:%Y-%m-%d %H:%M} UTC "
            f"(batch {batch.id})",
            publisher=user,
            provenance="published",
        )
    )
    text_sources: dict[str, str] = {}
    for row in result.rows:
        text = row.source.strip()
        if text and text not in known_sources and row.source not in text_sources:
            key = f"{batch_source}-{len(text_sources) + 1}"
            text_sources[row.source] = key
            session.add(Source(key=key, title=row.source, publisher=user, provenance="published"))
    session.flush()

    existing: dict[tuple[str, str, str, str], Observation] = {}
    keys = [row.key for row in result.rows]
    for chunk in _chunks(keys):
        query = select(Observation).where(
            tuple_(
                Observation.indicator_key, Observation.period, Observation.level, Observation.code
            ).in_(chunk)
        )
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            query = query.with_for_update()
        for obs in session.scalars(query):
            existing[(obs.indicator_key, obs.period, obs.level, obs.code)] = obs

    inserted = replaced = 0
    for row in result.rows:
        text = row.source.strip()
        if text in known_sources:
            source_key, provenance = text, known_sources[text]
        elif text:
            source_key, provenance = text_sources[row.source], "published"
        else:
            source_key, provenance = batch_source, "published"
        obs = existing.get(row.key)
        if obs is None:
            session.add(
                Observation(
                    indicator_key=row.indicator_key,
                    period=row.period,
                    vintage_key=row.vintage_key,
                    level=row.level,
                    code=row.code,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    value=row.value,
                    provenance=provenance,
                    source_key=source_key,
                    note=row.note,
                    batch_id=batch.id,
                )
            )
            inserted += 1
            continue
        session.add(
            ReplacedObservation(
                replaced_by_batch=batch.id,
                indicator_key=obs.indicator_key,
                period=obs.period,
                vintage_key=obs.vintage_key,
                level=obs.level,
                code=obs.code,
                numerator=obs.numerator,
                denominator=obs.denominator,
                value=obs.value,
                provenance=obs.provenance,
                source_key=obs.source_key,
                note=obs.note or "",
                batch_id=obs.batch_id,
            )
        )
        obs.vintage_key = row.vintage_key
        obs.numerator, obs.denominator, obs.value = row.numerator, row.denominator, row.value
        obs.provenance, obs.source_key, obs.note = provenance, source_key, row.note
        obs.batch_id = batch.id
        replaced += 1
    batch.rows_inserted, batch.rows_replaced = inserted, replaced
    session.flush()
    return ImportOutcome(
        batch_id=batch.id,
        file_name=result.file_name,
        sha256=result.sha256,
        rows_total=result.rows_total,
        rows_inserted=inserted,
        rows_replaced=replaced,
        warnings=tuple(result.warnings),
    )


def import_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    user: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    note: str = "",
) -> ImportOutcome:
    """Validate and, when there is no problem, commit a file's content as one batch.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    data : bytes
        The file's content (CSV or XLSX).
    file_name : str
        Its name (recorded in the batch and used in problems).
    user : str
        Who imports (recorded in the batch and as the publisher of its source).
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``).
    note : str
        Free text kept with the batch.

    Returns
    -------
    ImportOutcome
        The new batch and its row counts.

    Raises
    ------
    ImportRejected
        With every problem, when the file has any; nothing is written then (not even a batch).
    """
    with transaction(engine) as session:
        result = validate_bytes(session, data, file_name, max_bytes=max_bytes)
        if not result.ok:
            raise ImportRejected(result.problems)
        outcome = _commit(session, result, user, note)
    log.info(
        "import batch %s committed: %s rows (%s new, %s replaced) from %s by %s",
        outcome.batch_id,
        outcome.rows_total,
        outcome.rows_inserted,
        outcome.rows_replaced,
        outcome.file_name,
        user,
    )
    return outcome


def import_file(
    engine: Engine,
    path: str | Path,
    user: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    note: str = "",
) -> ImportOutcome:
    """Validate every row of a file and, when there is no problem, commit it as one batch.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    path : str or pathlib.Path
        A ``.csv`` or ``.xlsx`` file in the import format (see the module docstring).
    user : str
        Who imports.
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``); checked before the file is read.
    note : str
        Free text kept with the batch.

    Returns
    -------
    ImportOutcome
        The new batch and its row counts.

    Raises
    ------
    ImportRejected
        With every problem (file, row, column); nothing is written then, not even a batch row.
    """
    path = Path(path)
    data, problem = _read_file(path, max_bytes)
    if data is None:
        raise ImportRejected([problem])  # type: ignore[list-item]
    return import_bytes(engine, data, path.name, user, max_bytes=max_bytes, note=note)


# --------------------------------------------------------------------------- rollback


def _batch_sources(batch_id: int):  # noqa: ANN202 - a SQL expression
    prefix = f"import-{batch_id}"
    return or_(Source.key == prefix, Source.key.like(f"{prefix}-%"))


def rollback_batch(engine: Engine, batch_id: int, user: str = "") -> RollbackOutcome:
    """Undo a committed import: delete what it wrote and restore what it replaced.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    batch_id : int
        The batch to undo.
    user : str
        Who rolls back (kept in the batch's note).

    Returns
    -------
    RollbackOutcome
        Rows removed and restored.

    Raises
    ------
    RollbackRefused
        If the batch does not exist, is already rolled back, or a later committed batch replaced
        some of its values (roll that one back first).
    """
    with transaction(engine) as session:
        query = select(ImportBatch).where(ImportBatch.id == batch_id)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update()
        batch = session.scalars(query).first()
        if batch is None:
            raise RollbackRefused(f"no import batch {batch_id}")
        if batch.outcome != "committed":
            raise RollbackRefused(
                f"batch {batch_id} is {batch.outcome.replace('_', ' ')}"
                + (
                    f" (since {batch.rolled_back_at:%Y-%m-%d %H:%M} UTC)"
                    if batch.rolled_back_at
                    else ""
                )
            )
        later = sorted(
            set(
                session.scalars(
                    select(ReplacedObservation.replaced_by_batch)
                    .join(ImportBatch, ImportBatch.id == ReplacedObservation.replaced_by_batch)
                    .where(
                        ReplacedObservation.batch_id == batch_id,
                        ImportBatch.outcome == "committed",
                    )
                )
            )
        )
        if later:
            names = ", ".join(str(b) for b in later)
            raise RollbackRefused(
                f"batch {batch_id} cannot be rolled back: later batch(es) {names} replaced some "
                f"of its values; roll back {names} first"
            )
        removed = session.execute(
            delete(Observation).where(Observation.batch_id == batch_id)
        ).rowcount
        replaced = list(
            session.scalars(
                select(ReplacedObservation).where(ReplacedObservation.replaced_by_batch == batch_id)
            )
        )
        session.flush()
        for old in replaced:
            session.add(
                Observation(
                    indicator_key=old.indicator_key,
                    period=old.period,
                    vintage_key=old.vintage_key,
                    level=old.level,
                    code=old.code,
                    numerator=old.numerator,
                    denominator=old.denominator,
                    value=old.value,
                    provenance=old.provenance,
                    source_key=old.source_key,
                    note=old.note,
                    batch_id=old.batch_id,
                )
            )
            session.delete(old)
        session.flush()
        # The batch's own sources go when nothing refers to them any more.
        for source in session.scalars(select(Source).where(_batch_sources(batch_id))).all():
            used = session.scalar(
                select(Observation.id).where(Observation.source_key == source.key).limit(1)
            ) or session.scalar(
                select(ReplacedObservation.id)
                .where(ReplacedObservation.source_key == source.key)
                .limit(1)
            )
            if not used:
                session.delete(source)
        batch.outcome = "rolled_back"
        batch.rolled_back_at = _now()
        if user:
            batch.note = (batch.note + "\n" if batch.note else "") + f"rolled back by {user}"
    log.info(
        "import batch %s rolled back: %s removed, %s restored", batch_id, removed, len(replaced)
    )
    return RollbackOutcome(batch_id=batch_id, rows_removed=removed, rows_restored=len(replaced))


def list_batches(session: Session, limit: int | None = None) -> list[ImportBatch]:
    """Return import batches, newest first.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    limit : int, optional
        At most this many.

    Returns
    -------
    list of ImportBatch
        Committed and rolled-back batches (rejected files are never recorded).
    """
    query = select(ImportBatch).order_by(ImportBatch.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


__all__ = [
    "COLUMNS",
    "ImportOutcome",
    "ImportProblem",
    "ImportRejected",
    "ImportRow",
    "RollbackOutcome",
    "RollbackRefused",
    "ValidationResult",
    "import_bytes",
    "import_file",
    "list_batches",
    "read_table",
    "rollback_batch",
    "validate_bytes",
    "validate_file",
]
