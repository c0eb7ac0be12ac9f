"""Committing a validated import file as one batch, atomically: the one commit of both kinds.

If the file has any problem nothing is written at all: no row and no batch (a rejected import is
reported to the caller, not recorded in the store). Otherwise one transaction

1. bumps the data version (first: see :mod:`geodata.store.version`),
2. creates an :class:`~geodata.store.models.ImportBatch` and hands the rows to the format's
   ``write`` (values: observations, :mod:`geodata.imports.value_store`; a village register:
   villages, :mod:`geodata.imports.village_store`), which keeps what it replaced so that
   :func:`geodata.imports.rollback.rollback_batch` can restore it,
3. updates the roll-ups with what the write touched (:func:`geodata.rollups.update_rollups`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from geodata.imports.kinds import format_for
from geodata.imports.limits import (
    MAX_NOTE_CHARS,
    MAX_PROBLEMS,
    MAX_USER_CHARS,
    problem_total_line,
    safe_file_name,
    text_problem,
)
from geodata.imports.read import DEFAULT_MAX_BYTES, ImportProblem, read_file
from geodata.imports.validate import ValidationResult, validate_bytes
from geodata.rollups import update_rollups
from geodata.store.engine import transaction
from geodata.store.models import ImportBatch
from geodata.store.version import bump_data_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOutcome:
    """A committed import, of either kind.

    Attributes
    ----------
    batch_id : int
        The new :class:`~geodata.store.models.ImportBatch`'s id (give it to
        :func:`geodata.imports.rollback.rollback_batch`).
    file_name, sha256 : str
        The imported file.
    rows_total, rows_inserted, rows_replaced : int
        Rows in the file; rows that were new; rows that replaced (values) or updated (villages)
        a stored one.
    warnings : tuple of ImportProblem
        Non-blocking remarks from validation.
    vintages : tuple of str
        The vintages written: of the values, or those the villages were given a parent in.
    kind : str
        ``values`` or ``register``.
    """

    batch_id: int
    file_name: str
    sha256: str
    rows_total: int
    rows_inserted: int
    rows_replaced: int
    warnings: tuple[ImportProblem, ...] = ()
    vintages: tuple[str, ...] = ()
    kind: str = "values"


class ImportRejected(ValueError):
    """The file has problems; nothing was written.

    The message has one line per listed problem (one line in all for a single problem), then
    "… and N more problems (T in total)" when more were found than listed.

    Parameters
    ----------
    problems : list of ImportProblem
        The problems found (at most ``MAX_PROBLEMS`` of them are listed in the message).
    total : int, optional
        How many were found in all (``ValidationResult.problems_total``); ``len(problems)`` if
        not given.
    warnings : list of ImportProblem, optional
        The file's warnings (kept in ``.warnings``, not in the message).
    """

    def __init__(
        self,
        problems: list[ImportProblem],
        total: int | None = None,
        warnings: list[ImportProblem] | tuple[ImportProblem, ...] = (),
    ) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings)
        self.total = max(total or 0, len(self.problems))
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        if self.total == 1:
            super().__init__(f"import rejected, nothing was written: {shown[0]}")
            return
        more = problem_total_line(len(shown), self.total)
        super().__init__(
            f"import rejected, nothing was written ({self.total:,} problems):\n"
            + "\n".join([*shown, more] if more else shown)
        )


#: What a data officer is told when another import wrote the same rows at the same time.
CONFLICT_MESSAGE = (
    "another import changed these rows at the same time; nothing was written; try again"
)

#: ... and when the store stayed locked by another writer (SQLite) for too long.
BUSY_MESSAGE = "the store is busy with another import; nothing was written; try again"


def utc_now() -> datetime:
    """Naive UTC time (the store's DateTime columns carry no zone; dxmap stores UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def rejected(result: ValidationResult) -> ImportRejected:
    """Return the exception for a file with problems (its warnings in ``.warnings``)."""
    return ImportRejected(result.problems, result.problems_total, result.warnings)


def commit_batch(
    session: Session, result: ValidationResult, user: str, note: str = ""
) -> ImportOutcome:
    """Write a valid file (``result.ok``) of either kind as one batch, in the caller's transaction.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside a transaction (its commit publishes the batch).
    result : ValidationResult
        What :func:`geodata.imports.validate.validate_bytes` returned, without problems.
    user : str
        Who imports.
    note : str
        Free text kept with the batch.

    Returns
    -------
    ImportOutcome
        The new batch and its row counts.
    """
    fmt = format_for(result.kind)
    version = bump_data_version(session, fmt.reason.format(file=result.file_name))  # first
    batch = ImportBatch(
        file_name=result.file_name,
        file_sha256=result.sha256,
        user=user,
        created_at=utc_now(),
        rows_total=result.rows_total,
        rows_inserted=0,
        rows_replaced=0,
        outcome="committed",
        note=fmt.batch_note(note),
    )
    session.add(batch)
    session.flush()
    written = fmt.write(session, batch, result)
    batch.rows_inserted, batch.rows_replaced = written.inserted, written.replaced
    session.flush()
    update_rollups(session, written.touched)
    log.debug("%s batch %s: data version %s", fmt.kind, batch.id, version)
    return ImportOutcome(
        batch_id=batch.id,
        file_name=result.file_name,
        sha256=result.sha256,
        rows_total=result.rows_total,
        rows_inserted=written.inserted,
        rows_replaced=written.replaced,
        warnings=tuple(result.warnings),
        vintages=written.vintages,
        kind=fmt.kind,
    )


#: The earlier name of :func:`commit_batch` (tests hold a transaction open with it).
_commit = commit_batch


def import_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    user: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    note: str = "",
    kind: str = "values",
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
    kind : str
        ``values`` (indicator values) or ``register`` (a village register).

    Returns
    -------
    ImportOutcome
        The new batch and its row counts.

    Raises
    ------
    ImportRejected
        With every problem, when the file has any; nothing is written then (not even a batch).
        Also when another import wrote the same new rows at the same time (a unique-key
        conflict, or SQLite's write lock held too long): one problem, :data:`CONFLICT_MESSAGE` (or
        :data:`BUSY_MESSAGE`).
    """
    fmt = format_for(kind)
    name = safe_file_name(file_name)
    for what, text, limit, multiline in (
        ("the user name", user, MAX_USER_CHARS, False),
        ("the batch note", note, MAX_NOTE_CHARS, True),
    ):
        message = text_problem(text, max_chars=limit, multiline=multiline)
        if message:
            raise ImportRejected([ImportProblem(0, "", f"{what}: {message}", name)])
    try:
        with transaction(engine) as session:
            result = validate_bytes(session, data, file_name, max_bytes=max_bytes, kind=fmt.kind)
            if not result.ok:
                raise rejected(result)
            outcome = commit_batch(session, result, user, note)
    except IntegrityError as exc:
        log.warning("import of %s lost a race with another import: %s", name, exc.orig)
        raise ImportRejected([ImportProblem(0, "", CONFLICT_MESSAGE, name)]) from None
    except OperationalError as exc:
        if "locked" not in str(exc.orig).lower():
            raise
        log.warning("import of %s found the store locked: %s", name, exc.orig)
        raise ImportRejected([ImportProblem(0, "", BUSY_MESSAGE, name)]) from None
    log.info(
        "%s batch %s committed: %s rows (%s new, %s replaced) from %s by %s",
        fmt.kind,
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
    kind: str = "values",
) -> ImportOutcome:
    """Validate every row of a file and, when there is no problem, commit it as one batch.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    path : str or pathlib.Path
        A ``.csv`` or ``.xlsx`` file in the format of ``kind`` (PRODUCT.md "Interfaces").
    user : str
        Who imports.
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``); checked before the file is read.
    note : str
        Free text kept with the batch.
    kind : str
        ``values`` or ``register``.

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
    data, problem = read_file(path, max_bytes)
    if data is None:
        raise ImportRejected([problem])  # type: ignore[list-item]
    return import_bytes(engine, data, path.name, user, max_bytes=max_bytes, note=note, kind=kind)
