"""Import a CSV or XLSX file of indicator values or a village register: one pipeline for both.

The file formats are a contract (PRODUCT.md "Interfaces", :mod:`geodata.imports.columns`): one
header row; values have ``code, period, indicator, numerator, denominator`` and optionally
``value, source, note``; a village register has ``code, name, parent_code`` and optionally
``households, adults, lon, lat, vintage``. Which one a file is, is its *kind*: ``values`` or
``register`` (the ``kind`` argument of every function here; the batch keeps it).

Rules, in the order a data officer meets them, for both kinds:

- Every row is checked before anything is written, and *all* problems are collected, each naming
  the file, the spreadsheet row (the header is row 1) and the column.
- If there is any problem nothing is written at all: no row and no batch.
- Otherwise one transaction bumps the data version, creates a batch, writes its rows keeping
  each row it replaced, and updates the roll-ups; :func:`rollback_batch` undoes any batch.

The stages are shared: :mod:`~geodata.imports.read` (with :mod:`~geodata.imports.xlsx` and the
limits of :mod:`~geodata.imports.limits`) reads the cells, :mod:`~geodata.imports.validate`
checks them, :mod:`~geodata.imports.commit` writes a batch, :mod:`~geodata.imports.rollback`
undoes one. What differs is a small :class:`~geodata.imports.formats.Format` per kind
(:mod:`~geodata.imports.kinds`): values (:mod:`~geodata.imports.value_format`, ``value_rows``,
``numbers``, ``value_store``) and registers (:mod:`~geodata.imports.village_format`,
``village_rows``, ``village_units``, ``village_store``). The register's own names
(:func:`validate_villages`, :func:`import_villages`, :func:`load_village_register` at init)
are thin wrappers of the same path, in :mod:`~geodata.imports.villages`.
"""

from __future__ import annotations

from geodata.imports.commit import ImportOutcome, ImportRejected, import_bytes, import_file
from geodata.imports.kinds import KINDS
from geodata.imports.rollback import RollbackOutcome, RollbackRefused, list_batches, rollback_batch
from geodata.imports.validate import ValidationResult, validate_bytes, validate_file
from geodata.imports.villages import (
    RegisterOutcome,
    RegisterValidation,
    import_villages,
    load_village_register,
    validate_villages,
)

__all__ = [
    "KINDS",
    "ImportOutcome",
    "ImportRejected",
    "RegisterOutcome",
    "RegisterValidation",
    "RollbackOutcome",
    "RollbackRefused",
    "ValidationResult",
    "import_bytes",
    "import_file",
    "import_villages",
    "list_batches",
    "load_village_register",
    "rollback_batch",
    "validate_bytes",
    "validate_file",
    "validate_villages",
]
