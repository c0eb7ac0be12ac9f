"""Reading the first sheet of an XLSX workbook in streaming mode, within the import limits.

A workbook is a ZIP of XML parts, and a small upload can declare an enormous sheet: a 1.5 MB file
may declare 300,000 × 16,384 cells, a 1 MB file may inflate to one 1 GB cell. So before anything
is parsed:

1. the ZIP directory's declared uncompressed sizes are checked (Python's ``zipfile`` never
   inflates a part beyond its declared size, it fails instead);
2. every XML part is inflated once in 1 MB pieces and no text between two tags may be longer than
   :data:`~geodata.imports.limits.MAX_XLSX_TEXT_RUN` (no giant cell reaches the XML parser);
3. the first sheet's declared dimension (``<dimension ref="A1:H20"/>``) must be within the row and
   column limits.

Then openpyxl reads the sheet in read-only (streaming) mode with the declared dimension dropped,
so rows are not padded to it, and the row and column limits are checked again on the real cells.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from geodata.imports.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_PARTS,
    MAX_XLSX_SHARED_STRINGS,
    MAX_XLSX_TEXT_RUN,
    MAX_XLSX_UNCOMPRESSED,
)

_CHUNK = 1024 * 1024


class XlsxRefused(ValueError):
    """The workbook cannot be read within the limits (the message says why)."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def _longest_text_run(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Inflate one part in pieces; return the longest run of bytes without a ``<``."""
    longest = carry = 0
    with archive.open(info) as part:
        while piece := part.read(_CHUNK):
            runs = piece.split(b"<")
            if len(runs) == 1:
                carry += len(piece)
                longest = max(longest, carry)
                continue
            longest = max(longest, carry + len(runs[0]), max(len(r) for r in runs[1:-1] or [b""]))
            carry = len(runs[-1])
            longest = max(longest, carry)
            if longest > MAX_XLSX_TEXT_RUN:
                break
    return longest


def check_archive(data: bytes) -> None:
    """Check a workbook's ZIP before any XML is parsed.

    Raises
    ------
    XlsxRefused
        When the declared sizes or a text run exceed the limits.
    zipfile.BadZipFile
        When the bytes are not a ZIP archive.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_PARTS:
            raise XlsxRefused(f"the workbook has {len(infos):,} parts; at most {MAX_XLSX_PARTS:,}")
        total = sum(info.file_size for info in infos)
        if total > MAX_XLSX_UNCOMPRESSED:
            raise XlsxRefused(
                f"the workbook inflates to {_mb(total)}; at most {_mb(MAX_XLSX_UNCOMPRESSED)} "
                "are read (save only the values to import, in one sheet)"
            )
        for info in infos:
            if info.filename.lower().endswith("sharedstrings.xml") and (
                info.file_size > MAX_XLSX_SHARED_STRINGS
            ):
                raise XlsxRefused(
                    f"the workbook's shared strings inflate to {_mb(info.file_size)}; at most "
                    f"{_mb(MAX_XLSX_SHARED_STRINGS)}"
                )
        for info in infos:
            xml = info.filename.lower().endswith((".xml", ".rels"))
            if xml and _longest_text_run(archive, info) > MAX_XLSX_TEXT_RUN:
                raise XlsxRefused(
                    f"{info.filename} holds a text of more than {MAX_XLSX_TEXT_RUN:,} "
                    "bytes: a cell far over the length limit"
                )


def _check_dimension(max_row: int | None, max_column: int | None) -> None:
    if max_row is not None and max_row > MAX_ROWS + 1:
        raise XlsxRefused(
            f"the sheet declares {max_row:,} rows; at most {MAX_ROWS:,} data rows are allowed "
            "(split the file)"
        )
    if max_column is not None and max_column > MAX_COLUMNS:
        raise XlsxRefused(
            f"the sheet declares {max_column:,} columns; at most {MAX_COLUMNS} are allowed"
        )


def iter_first_sheet(data: bytes) -> Iterator[list[object]]:
    """Yield the first sheet's rows as lists of cell values (trailing empty cells dropped).

    Raises
    ------
    XlsxRefused
        When a limit is exceeded (declared, or met while reading).
    Exception
        Whatever openpyxl raises for a malformed workbook (the caller reports it as unreadable).
    """
    from openpyxl import load_workbook  # a heavy import, needed only for XLSX files

    check_archive(data)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise XlsxRefused("the workbook has no sheet")
        sheet = workbook.worksheets[0]
        _check_dimension(sheet.max_row, sheet.max_column)
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # do not pad rows to a declared size: real cells only
        for count, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if count > MAX_ROWS + 1:
                raise XlsxRefused(f"more than {MAX_ROWS:,} data rows; split the file")
            row = list(values)
            while row and row[-1] is None:
                row.pop()
            if len(row) > MAX_COLUMNS:
                raise XlsxRefused(
                    f"row {count} has a cell in column {len(row):,}; at most {MAX_COLUMNS} "
                    "columns are allowed"
                )
            yield row
    finally:
        workbook.close()
