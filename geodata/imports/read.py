"""Reading an import file: its raw cells (CSV or XLSX) and the problems that stop the reading.

The one reader of both import formats (values and village registers, whose columns are in
:mod:`geodata.imports.columns`): the same limits, the same messages. Reading does not depend
on a format's columns; :mod:`geodata.imports.validate` checks the header against them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from geodata.imports.columns import VALUE_COLUMNS, VALUE_OPTIONAL, VALUE_REQUIRED
from geodata.imports.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, text_problem

# The values format's columns under their earlier names (``app.import_page`` writes its template
# header from ``COLUMNS``); :mod:`geodata.imports.columns` holds both formats'.
REQUIRED_COLUMNS, OPTIONAL_COLUMNS, COLUMNS = VALUE_REQUIRED, VALUE_OPTIONAL, VALUE_COLUMNS
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
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


@dataclass
class RowProblems:
    """The problems found in one spreadsheet row of a file, in the order they were found."""

    row: int
    file: str
    found: list[ImportProblem] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        """Record a problem in ``column`` of this row."""
        self.found.append(ImportProblem(self.row, column, message, self.file))


# --------------------------------------------------------------------------- cells


def cell_text(value: object) -> str:
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


def _csv_error(exc: csv.Error, first_line: int, last_line: int) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return (
            f"a cell of more than {csv.field_size_limit():,} characters (line {first_line}); "
            f"at most {MAX_CELL_CHARS:,} are allowed"
        )
    if "unexpected end of data" in text:
        return (
            f'unterminated quote: a double quote (") opened on line {first_line} is never '
            "closed, so the rest of the file would be one cell; remove the stray quote, or "
            'write a quote inside a quoted cell as ""'
        )
    return (
        f"malformed CSV on line {last_line}: {text} (a stray double quote? write a quote "
        'inside a cell as "" and put the cell in quotes)'
    )


def _fields(count: int) -> str:
    return f"{count} field{'s' if count != 1 else ''}"


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}–{last}"


def _merged_rows(text: str, width: int) -> bool:
    """Tell whether a multi-line cell holds lines that look like whole rows of the file."""
    return width > 1 and any(line.count(",") >= width - 1 for line in text.splitlines())


def _read_csv(data: bytes, name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    """Parse strictly (``csv`` with ``strict=True``); every record must have the header's width."""
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
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[object]] = []
    problems: list[ImportProblem] = []
    width = 0
    while True:
        n = len(rows) + 1
        first_line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = _csv_error(exc, first_line, reader.line_num)
            problems.append(ImportProblem(n, "", message + " (reading stopped here)", name))
            break
        if n > MAX_ROWS + 1:
            problems.append(
                ImportProblem(0, "", f"more than {MAX_ROWS:,} data rows; split the file", name)
            )
            break
        if n == 1 and len(record) > MAX_COLUMNS:
            return [], [
                ImportProblem(
                    0, "", f"the header has {len(record):,} columns; at most {MAX_COLUMNS}", name
                )
            ]
        rows.append(list(record[: MAX_COLUMNS + 1]))  # more is an error below; keep it small
        if n == 1:
            width = len(record)
            continue
        if record and len(record) != width and any(c.strip() for c in record):
            problems.append(
                ImportProblem(
                    n,
                    "",
                    f"{_fields(len(record))} but the header has {width} "
                    f"({_lines(first_line, reader.line_num)}); a stray double quote or an "
                    "unquoted comma?",
                    name,
                )
            )
        for index, value in enumerate(record):
            if "\n" in value and _merged_rows(value, width):
                problems.append(
                    ImportProblem(
                        n,
                        _label(rows[0], index),
                        f"this cell runs from line {first_line} to line {reader.line_num} and "
                        'holds what look like whole rows: a stray double quote (") opened it',
                        name,
                    )
                )
                break
    return rows, problems


def _read_xlsx(data: bytes, name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    from geodata.imports.xlsx import XlsxRefused, iter_first_sheet

    rows: list[list[object]] = []
    try:
        rows.extend(iter_first_sheet(data))
    except XlsxRefused as exc:
        return [], [ImportProblem(0, "", str(exc), name)]
    except MemoryError:
        return [], [ImportProblem(0, "", "the workbook is too large to read", name)]
    except Exception as exc:  # noqa: BLE001 - any parser failure means an unreadable workbook
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [], [
            ImportProblem(
                0, "", f"not a readable XLSX workbook ({reason[:200]}); save it again", name
            )
        ]
    return rows, []


def _label(header: list[object], index: int) -> str:
    """Return the column name of cell ``index`` (its header text, else ``#n``)."""
    if index < len(header):
        label = cell_text(header[index]).strip().lower()
        if label and len(label) <= 40:
            return label
    return f"#{index + 1}"


def _check_cells(rows: list[list[object]], name: str) -> list[ImportProblem]:
    """Every text cell: at most MAX_CELL_CHARS characters, no control character but tab/newline."""
    problems: list[ImportProblem] = []
    header = rows[0] if rows else []
    for n, cells in enumerate(rows, start=1):
        for index, value in enumerate(cells):
            if not isinstance(value, str) or not value:
                continue
            message = text_problem(value, max_chars=MAX_CELL_CHARS, multiline=True)
            if message:
                problems.append(ImportProblem(n, _label(header, index), message, name))
                break  # one problem per row is enough to locate it
    return problems


def read_table(data: bytes, file_name: str) -> tuple[list[list[object]], list[ImportProblem]]:
    """Read the raw cells of a CSV (UTF-8, BOM allowed) or XLSX (first sheet) file.

    Reading is strict and bounded (see :mod:`geodata.imports.limits`): a CSV is parsed with
    ``strict=True`` and every record must have the header's number of fields; an XLSX is read in
    streaming mode after its declared sizes are checked (:mod:`geodata.imports.xlsx`); no cell may
    be longer than ``MAX_CELL_CHARS`` or hold a control character other than tab and line breaks.

    Parameters
    ----------
    data : bytes
        The file's content.
    file_name : str
        Its name; ``.xlsx`` selects the workbook reader (as does a ZIP signature).

    Returns
    -------
    rows : list of list
        Cells per spreadsheet row, the header first (for a CSV with a parse error, the rows
        before it).
    problems : list of ImportProblem
        Problems with the file as a whole (row 0: encoding, unreadable workbook, a limit) or with
        a row (a parse error, a field count, a cell too long or with a control character).
    """
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(_XLSX_MAGIC):
        rows, problems = _read_xlsx(data, file_name)
    else:
        rows, problems = _read_csv(data, file_name)
    if any(p.row == 0 for p in problems):
        return rows, problems
    return rows, sorted(problems + _check_cells(rows, file_name), key=lambda p: p.row)


def is_blank(cells: list[object]) -> bool:
    """Tell whether every cell of a row is empty or spaces."""
    return all(cell_text(c).strip() == "" for c in cells)


def raw_number(value: object) -> str:
    """Text of a number cell; XLSX numbers keep full precision (no whole-float shortening)."""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float):
        return repr(value)
    return cell_text(value)


def read_file(path: Path, max_bytes: int) -> tuple[bytes | None, ImportProblem | None]:
    """Read a file within the size limit; return its bytes, or ``None`` and the problem."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, ImportProblem(0, "", f"cannot read the file: {exc.strerror or exc}", name)
    if size > max_bytes:
        return None, size_problem(size, max_bytes, name)
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, ImportProblem(0, "", f"cannot read the file: {exc.strerror or exc}", name)


def size_problem(size: int, max_bytes: int, name: str) -> ImportProblem:
    """Return the problem of a file larger than the limit."""
    return ImportProblem(0, "", f"file is {size:,} bytes; the limit is {max_bytes:,} bytes", name)
