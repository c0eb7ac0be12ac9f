"""Reading an import file: its raw cells (CSV or XLSX) and the problems that stop the reading.

The file format is a contract (PRODUCT.md "Interfaces"): exactly one header row with the columns
``code, period, indicator, numerator, denominator`` and optionally ``value, source, note``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REQUIRED_COLUMNS = ("code", "period", "indicator", "numerator", "denominator")
OPTIONAL_COLUMNS = ("value", "source", "note")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000
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
