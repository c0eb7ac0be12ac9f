"""Writing the validated rows of a values batch, and undoing such a batch.

Every row becomes an :class:`~geodata.store.models.Observation`; one that replaces a stored value
keeps the old one as a :class:`~geodata.store.models.ReplacedObservation`, which is what a
rollback puts back.

Provenance: values a data officer imports are real figures, never synthetic, so they are stored
as ``published``. A row whose ``source`` is the key of a known :class:`~geodata.store.models.Source`
is attached to that source (and takes its provenance). Any other ``source`` text becomes a new
source of this batch (key ``import-<batch>-<n>``, title = the text as given); rows without a
source are attached to the batch's own source (key ``import-<batch>``, "Import of FILE by USER").
Text is stored exactly as given: escaping is the job of whatever displays or exports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, delete, or_, select, tuple_
from sqlalchemy.orm import Session

from geodata.imports.formats import RollbackRefused, Undone, Written
from geodata.imports.value_rows import ImportRow
from geodata.rollups import Touched
from geodata.store.models import (
    OBSERVATION_FIELDS,
    ImportBatch,
    Observation,
    ReplacedObservation,
    Source,
)

if TYPE_CHECKING:
    from geodata.imports.validate import ValidationResult

#: The fields of an observation's unique key, in the order of ``ImportRow.key``.
KEY_FIELDS = ("indicator_key", "period", "level", "code")
ObservationKey = tuple[str, str, str, str]


def observation_fields(row: Observation | ReplacedObservation) -> dict[str, object]:
    """Return the fields an observation and its kept copy share (``note`` never None)."""
    fields = {name: getattr(row, name) for name in (*OBSERVATION_FIELDS, "batch_id")}
    fields["note"] = fields["note"] or ""
    return fields


def _chunks(items: list, size: int = 400) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _batch_sources(
    session: Session, result: ValidationResult, batch: ImportBatch
) -> Callable[[ImportRow], tuple[str, str]]:
    """Add the batch's sources (see the module notes); return row → (source key, provenance)."""
    known = dict(session.execute(select(Source.key, Source.provenance)).all())
    batch_source, user = f"import-{batch.id}", batch.user
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


def write_values(session: Session, batch: ImportBatch, result: ValidationResult) -> Written:
    """Insert new observations and replace stored ones, keeping each replaced row.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction.
    batch : ImportBatch
        The new batch (flushed: it has its id).
    result : ValidationResult
        A valid file of values.

    Returns
    -------
    Written
        Rows inserted and replaced, and the observation keys the roll-ups must follow.
    """
    source_of = _batch_sources(session, result, batch)
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
    touched = Touched(observations=frozenset(row.key for row in result.rows))
    vintages = tuple(sorted({row.vintage_key for row in result.rows}))
    return Written(inserted, replaced, touched, vintages)


def _later_batches(session: Session, batch_id: int) -> list[int]:
    """Return the committed batches that replaced values this batch wrote."""
    query = (
        select(ReplacedObservation.replaced_by_batch)
        .join(ImportBatch, ImportBatch.id == ReplacedObservation.replaced_by_batch)
        .where(ReplacedObservation.batch_id == batch_id, ImportBatch.outcome == "committed")
    )
    return sorted(set(session.scalars(query)))


def _batch_source_keys(batch_id: int) -> ColumnElement[bool]:
    prefix = f"import-{batch_id}"
    return or_(Source.key == prefix, Source.key.like(f"{prefix}-%"))


def _drop_unused_sources(session: Session, batch_id: int) -> None:
    """Delete the batch's own sources that nothing refers to any more."""
    for source in session.scalars(select(Source).where(_batch_source_keys(batch_id))).all():
        used = session.scalar(
            select(Observation.id).where(Observation.source_key == source.key).limit(1)
        ) or session.scalar(
            select(ReplacedObservation.id)
            .where(ReplacedObservation.source_key == source.key)
            .limit(1)
        )
        if not used:
            session.delete(source)


def undo_values(session: Session, batch: ImportBatch) -> Undone:
    """Delete what a values batch wrote and restore what it replaced.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction.
    batch : ImportBatch
        A committed values batch.

    Returns
    -------
    Undone
        Observations removed and restored, and every key the roll-ups must follow.

    Raises
    ------
    RollbackRefused
        When a later committed batch replaced some of its values (roll that one back first).
    """
    later = _later_batches(session, batch.id)
    if later:
        names = ", ".join(str(b) for b in later)
        raise RollbackRefused(
            f"batch {batch.id} cannot be rolled back: later batch(es) {names} replaced some "
            f"of its values; roll back {names} first"
        )
    keys = select(*(getattr(Observation, name) for name in KEY_FIELDS))
    touched = {tuple(k) for k in session.execute(keys.where(Observation.batch_id == batch.id))}
    removed = session.execute(delete(Observation).where(Observation.batch_id == batch.id)).rowcount
    replaced = list(
        session.scalars(
            select(ReplacedObservation).where(ReplacedObservation.replaced_by_batch == batch.id)
        )
    )
    session.flush()
    for old in replaced:
        touched.add(tuple(getattr(old, name) for name in KEY_FIELDS))
        session.add(Observation(**observation_fields(old)))
        session.delete(old)
    session.flush()
    _drop_unused_sources(session, batch.id)
    return Undone(removed, len(replaced), Touched(observations=frozenset(touched)))
