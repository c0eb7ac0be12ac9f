"""Import indicator values from a CSV or XLSX file: validate everything, then commit one batch.

The file format is a contract (PRODUCT.md "Interfaces"): exactly one header row with the columns
``code, period, indicator, numerator, denominator`` and optionally ``value, source, note``.

Rules, in the order a data officer meets them:

- Every row is checked before anything is written, and *all* problems are collected, each naming
  the file, the spreadsheet row (the header is row 1) and the column.
- If there is any problem nothing is written at all: no observation and no batch row.
- Otherwise one transaction creates a batch, inserts new observations and replaces existing ones,
  keeping each replaced row so that :func:`rollback_batch` can restore it.

This module is the public entry point; the work is done in

- :mod:`geodata.import_read`: reading the cells of a CSV or XLSX file;
- :mod:`geodata.import_validate`, :mod:`geodata.import_rows`, :mod:`geodata.import_numbers`:
  checking the file, each row, and each row's numbers;
- :mod:`geodata.import_commit` and :mod:`geodata.import_rollback`: writing a batch, undoing it.
"""

from __future__ import annotations

from geodata.import_commit import ImportRejected, import_bytes, import_file
from geodata.import_rollback import RollbackRefused, rollback_batch
from geodata.import_validate import validate_bytes, validate_file

__all__ = [
    "ImportRejected",
    "RollbackRefused",
    "import_bytes",
    "import_file",
    "rollback_batch",
    "validate_bytes",
    "validate_file",
]
