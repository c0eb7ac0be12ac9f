"""Committing a validated import file as one batch, atomically.

If the file has any problem nothing is written at all: no observation and no batch row (a rejected
import is reported to the caller, not recorded in the store). Otherwise one transaction creates an
:class:`~geodata.store.models.ImportBatch`, inserts new observations and replaces existing ones;
each
replaced row is kept in :class:`~geodata.store.models.ReplacedObservation` so that the batch can be
rolled back (:mod:`geodata.imports.rollback`).

Provenance: values a data officer imports are real figures, never synthetic, so they are stored
as ``published``. A row whose ``source`` is the key of a known :class:`~geodata.store.models.Source`
is attached to that source (and takes its provenance). Any other ``source`` text becomes a new
source of this batch (key ``import-<batch>-<n>``, title = the text as given); rows without a
source are attached to the batch's own source (key ``import-<batch>``, "Import of FILE by USER").
Text is stored exactly as given: escaping is the job of whatever displays or exports it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select, tuple_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from geodata.imports.limits import (
    MAX_NOTE_CHARS,
    MAX_PROBLEMS,
    MAX_USER_CHARS,
    problem_total_line,
    safe_file_name,
    text_problem,
)
from geodata.imports.read import DEFAULT_MAX_BYTES, ImportProblem, read_file
from geodata.imports.rows import ImportRow
from geodata.imports.validate import ValidationResult, validate_bytes
from geodata.rollups import Touched, update_rollups
from geodata.store.engine import transaction
from geodata.store.models import (
    OBSERVATION_FIELDS,
    ImportBatch,
    Observation,
    ReplacedObservation,
    Source,
)
from geodata.store.version import bump_data_version

log = logging.getLogger(__name__)
#: The fields of an observation's unique key, in the order of ``ImportRow.key``.
KEY_FIELDS = ("indicator_key", "period", "level", "code")
ObservationKey = tuple[str, str, str, str]


def observation_fields(row: Observation | ReplacedObservation) -> dict[str, object]:
    """Return the fields an observation and its kept copy share (``note`` never None)."""
    fields = {name: getattr(row, name) for name in (*OBSERVATION_FIELDS, "batch_id")}
    fields["note"] = fields["note"] or ""
    return fields


@dataclass(frozen=True)
class ImportOutcome:
    """A committed import.

    Attributes
    ----------
    batch_id : int
        The new :class:`~geodata.store.models.ImportBatch`'s id (give it to
        :func:`geodata.imports.rollback.rollback_batch`).
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
    """

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.problems = list(problems)
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


def _chunks(items: list, size: int = 400) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batch_sources(
    session: Session, result: ValidationResult, batch: ImportBatch, user: str
) -> Callable[[ImportRow], tuple[str, str]]:
    """Add the batch's sources (see the module notes); return row → (source key, provenance)."""
    known = dict(session.execute(select(Source.key, Source.provenance)).all())
    batch_source = f"import-{batch.id}"
    session.add(
        Source(
            key=batch_source,
            title=f"Import of {result.file_name} by {user}, {batch.created_at:%Y-%m-%d %H:%M} UTC "
            f"(batch {batch.id})",
            publisher=user,
            provenance="published",
        )
    )
    text_sources: dict[str, str] = {}
    for row in result.rows:
        text = row.source.strip()
        if text and text not in known and row.source not in text_sources:
            key = f"{batch_source}-{len(text_sources) + 1}"
            text_sources[row.source] = key
            session.add(Source(key=key, title=row.source, publisher=user, provenance="published"))
    session.flush()

    def source_of(row: ImportRow) -> tuple[str, str]:
        text = row.source.strip()
        if text in known:
            return text, known[text]
        return (text_sources[row.source] if text else batch_source), "published"

    return source_of


def _stored(session: Session, keys: list[ObservationKey]) -> dict[ObservationKey, Observation]:
    """Return the stored observations with these keys (locked on PostgreSQL until the commit)."""
    existing: dict[ObservationKey, Observation] = {}
    for chunk in _chunks(keys):
        query = select(Observation).where(
            tuple_(*(getattr(Observation, name) for name in KEY_FIELDS)).in_(chunk)
        )
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            query = query.with_for_update()
        for obs in session.scalars(query):
            existing[tuple(getattr(obs, name) for name in KEY_FIELDS)] = obs  # type: ignore[index]
    return existing


def _commit(session: Session, result: ValidationResult, user: str, note: str = "") -> ImportOutcome:
    version = bump_data_version(session, f"import of {result.file_name}")  # first: see version.py
    batch = ImportBatch(
        file_name=result.file_name,
        file_sha256=result.sha256,
        user=user,
        created_at=utc_now(),
        rows_total=result.rows_total,
        rows_inserted=0,
        rows_replaced=0,
        outcome="committed",
        note=note,
    )
    session.add(batch)
    session.flush()
    source_of = _batch_sources(session, result, batch, user)
    existing = _stored(session, [row.key for row in result.rows])

    inserted = replaced = 0
    for row in result.rows:
        source_key, provenance = source_of(row)
        values = {
            "vintage_key": row.vintage_key,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "value": row.value,
            "provenance": provenance,
            "source_key": source_key,
            "note": row.note,
            "batch_id": batch.id,
        }
        obs = existing.get(row.key)
        if obs is None:
            session.add(Observation(**dict(zip(KEY_FIELDS, row.key, strict=True)), **values))
            inserted += 1
            continue
        session.add(ReplacedObservation(replaced_by_batch=batch.id, **observation_fields(obs)))
        for name, value in values.items():
            setattr(obs, name, value)
        replaced += 1
    batch.rows_inserted, batch.rows_replaced = inserted, replaced
    session.flush()
    update_rollups(session, Touched(observations=frozenset(row.key for row in result.rows)))
    log.debug("import batch %s: data version %s", batch.id, version)
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
        Also when another import wrote the same new rows at the same time (a unique-key
        conflict, or SQLite's write lock held too long): one problem, :data:`CONFLICT_MESSAGE` (or
        :data:`BUSY_MESSAGE`).
    """
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
            result = validate_bytes(session, data, file_name, max_bytes=max_bytes)
            if not result.ok:
                raise ImportRejected(result.problems, result.problems_total)
            outcome = _commit(session, result, user, note)
    except IntegrityError as exc:
        log.warning("import of %s lost a race with another import: %s", name, exc.orig)
        raise ImportRejected([ImportProblem(0, "", CONFLICT_MESSAGE, name)]) from None
    except OperationalError as exc:
        if "locked" not in str(exc.orig).lower():
            raise
        log.warning("import of %s found the store locked: %s", name, exc.orig)
        raise ImportRejected([ImportProblem(0, "", BUSY_MESSAGE, name)]) from None
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
    data, problem = read_file(path, max_bytes)
    if data is None:
        raise ImportRejected([problem])  # type: ignore[list-item]
    return import_bytes(engine, data, path.name, user, max_bytes=max_bytes, note=note)
