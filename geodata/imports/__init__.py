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

- :mod:`geodata.imports.limits`: the documented limits (rows, columns, cell lengths, XLSX sizes,
  problems listed) and the check of a text cell's characters;
- :mod:`geodata.imports.read` and :mod:`geodata.imports.xlsx`: reading the cells of a CSV
  (strictly) or an XLSX file (streaming, within the limits);
- :mod:`geodata.imports.validate`, :mod:`geodata.imports.rows`, :mod:`geodata.imports.numbers`:
  checking the file, each row, and each row's numbers;
- :mod:`geodata.imports.commit` and :mod:`geodata.imports.rollback`: writing a batch, undoing it;
- :mod:`geodata.imports.villages`: the village register, through the same path
  (:func:`validate_villages`, :func:`import_villages`; :func:`load_village_register` at init).
"""

from __future__ import annotations

from geodata.imports.commit import ImportRejected, import_bytes, import_file
from geodata.imports.rollback import RollbackRefused, rollback_batch
from geodata.imports.validate import validate_bytes, validate_file
from geodata.imports.villages import (
    RegisterOutcome,
    RegisterValidation,
    import_villages,
    load_village_register,
    validate_villages,
)

__all__ = [
    "ImportRejected",
    "RegisterOutcome",
    "RegisterValidation",
    "RollbackRefused",
    "import_bytes",
    "import_file",
    "import_villages",
    "load_village_register",
    "rollback_batch",
    "validate_bytes",
    "validate_file",
    "validate_villages",
]
