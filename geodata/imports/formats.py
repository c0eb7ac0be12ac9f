"""The pluggable piece of the import pipeline: what one file format adds to the shared stages.

There is one pipeline for both kinds of file, values and village registers
(:mod:`geodata.imports`):

1. :mod:`~geodata.imports.read` reads the cells (CSV or XLSX: the same limits, the same
   messages);
2. :mod:`~geodata.imports.validate` checks the header against the format's columns, then every
   data row through the format's :class:`RowChecker`, collecting every problem with its file,
   row and column;
3. :mod:`~geodata.imports.commit` bumps the data version, writes one
   :class:`~geodata.store.models.ImportBatch`, hands the rows to the format's ``write`` and
   updates the roll-ups with what it touched, in one transaction;
4. :mod:`~geodata.imports.rollback` undoes any batch the same way: the format that wrote it
   (``owns``) undoes its rows, then the roll-ups are updated.

A :class:`Format` is that small set of functions; :mod:`geodata.imports.kinds` names the two.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.orm import Session

from geodata.imports.read import ImportProblem
from geodata.rollups import Touched
from geodata.store.models import ImportBatch

if TYPE_CHECKING:
    from geodata.imports.validate import ValidationResult

#: A file's data rows: (spreadsheet row number, cells), blank rows left out.
Body = list[tuple[int, list[object]]]


class RollbackRefused(ValueError):
    """A batch cannot be rolled back (unknown, already rolled back, or overwritten later)."""


class FileProblem(Exception):
    """Raised by a format's checker when no row of the file can be checked (says why)."""


@dataclass(frozen=True)
class Written:
    """What a format's ``write`` did: row counts, what the roll-ups must follow, vintages."""

    inserted: int
    replaced: int
    touched: Touched
    vintages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Undone:
    """What a format's ``undo`` did: rows removed and restored, what the roll-ups must follow."""

    removed: int
    restored: int
    touched: Touched


class RowChecker(Protocol):
    """A format's checks of one file's data rows, made once the header has been read."""

    def check(self, n: int, cells: list[object]) -> tuple[Any | None, list[ImportProblem]]:
        """Check row ``n``; return the row ready to write (or None) and its problems."""

    def finish(self, result: ValidationResult) -> None:
        """Add what needs every row (warnings, codes already stored) once all are checked."""


@dataclass(frozen=True)
class Format:
    """One import file format: its columns and its format-specific pieces.

    Attributes
    ----------
    kind : str
        ``values`` or ``register`` (also the kind of the batches it writes).
    columns, required : tuple of str
        Its columns in their documented order, and those that must be present.
    checker : callable
        ``(session, positions, body, file_name) -> RowChecker``: reads what the checks need from
        the store (once per file); raises :class:`FileProblem` when no row can be checked.
    write : callable
        ``(session, batch, result) -> Written``: writes the validated rows of ``batch``.
    undo : callable
        ``(session, batch) -> Undone``: undoes a committed batch of this format; raises
        :class:`RollbackRefused` naming what blocks it.
    owns : callable or None
        ``(session, batch_id) -> bool``: whether this format wrote the batch; ``None`` for the
        format that owns every batch no other format claims (values).
    reason : str
        The data version's reason for a commit, with ``{file}`` for the file name.
    note_prefix : str
        What starts every batch note of this format (empty: the note as given).
    """

    kind: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    checker: Callable[[Session, Mapping[str, int], Body, str], RowChecker]
    write: Callable[[Session, ImportBatch, ValidationResult], Written]
    undo: Callable[[Session, ImportBatch], Undone]
    owns: Callable[[Session, int], bool] | None
    reason: str
    note_prefix: str = ""

    def batch_note(self, note: str) -> str:
        """Return the note kept with a batch of this format."""
        if not self.note_prefix:
            return note
        return self.note_prefix + (f": {note}" if note else "")

    def order(self, problem: ImportProblem) -> tuple[int, int]:
        """Sort key of a problem: its row, then its column's place in the format."""
        column = problem.column
        return problem.row, self.columns.index(column) if column in self.columns else 99
