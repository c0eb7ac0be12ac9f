"""Writing the validated rows of a village-register batch, and undoing such a batch.

Every village a register batch writes leaves a :class:`~geodata.store.models.ReplacedVillage`
row: how it was before (``existed`` False for a new village). That row is what marks the batch
as a register batch (:func:`is_register_batch`), and what its rollback restores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from geodata.areas.text import search_key
from geodata.imports.formats import RollbackRefused, Undone, Written
from geodata.imports.village_rows import RegisterRow
from geodata.rollups import Touched
from geodata.store.models import (
    ImportBatch,
    Observation,
    ReplacedVillage,
    Unit,
    Village,
    VillageParent,
)

if TYPE_CHECKING:
    from geodata.imports.validate import ValidationResult

_FIELDS = ("name", "search_key", "lon", "lat", "households", "adults", "provenance")


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parents_of(session: Session, codes: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for chunk in _chunks(codes):
        rows = session.execute(
            select(
                VillageParent.village_code, VillageParent.vintage_key, VillageParent.unit_code
            ).where(VillageParent.village_code.in_(chunk))
        )
        for code, vintage, unit in rows:
            out.setdefault(code, {})[vintage] = unit
    return out


def _stored_villages(session: Session, codes: list[str]) -> dict[str, dict[str, object]]:
    """Return the stored villages among ``codes`` as plain rows (no ORM objects to sync)."""
    stored: dict[str, dict[str, object]] = {}
    query = select(Village.code, *(getattr(Village, name) for name in _FIELDS))
    for chunk in _chunks(codes):
        for code, *values in session.execute(query.where(Village.code.in_(chunk))):
            stored[code] = dict(zip(_FIELDS, values, strict=True))
    return stored


def _village_fields(row: RegisterRow, parent_name: str) -> dict[str, object]:
    """Return what a register row says of its village (a point inside its parent if none)."""
    fields: dict[str, object] = {
        "name": row.name,
        "search_key": search_key(f"{row.name} {parent_name}"),
        "households": row.households,
        "adults": row.adults,
        "lon": row.lon,
        "lat": row.lat,
        "provenance": "published" if row.has_point else "synthetic",
    }
    if not row.has_point and row.fallback is not None:
        fields["lon"], fields["lat"] = row.fallback
    return fields


@dataclass
class _Plan:
    """The bulk statements of one register batch, gathered row by row."""

    batch_id: int
    kept: list[dict] = field(default_factory=list)  # ReplacedVillage rows
    new: list[dict] = field(default_factory=list)  # Village rows
    parents: list[dict] = field(default_factory=list)  # VillageParent rows
    updates: dict[tuple[str, ...], list[dict]] = field(default_factory=dict)  # by changed fields
    leaves: set[tuple[str, str]] = field(default_factory=set)  # units whose villages change
    vintages: set[str] = field(default_factory=set)

    def add(
        self,
        row: RegisterRow,
        fields: dict[str, object],
        village: dict[str, object] | None,
        old_parents: dict[str, str],
    ) -> None:
        """Plan one row: a new village, or an update keeping how the village was."""
        kept = {"batch_id": self.batch_id, "village_code": row.code}
        if village is None:
            self.kept.append(kept | {"existed": False})
            counts = {"households": row.households or 0, "adults": row.adults or 0}
            self.new.append({"code": row.code, **fields, **counts})
        else:
            before = json.dumps(old_parents, sort_keys=True)
            self.kept.append(kept | {"existed": True} | village | {"parents": before})
            moved = old_parents.get(row.vintage) != row.parent_code
            if not row.has_point and not moved:  # keep the stored point (and what it is)
                for name in ("lon", "lat", "provenance"):
                    fields.pop(name)
            changes = {name: value for name, value in fields.items() if value is not None}
            by_fields = self.updates.setdefault(tuple(sorted(changes)), [])
            by_fields.append({"code": row.code, **changes})
        for vintage, unit in row.parents.items():
            link = {"village_code": row.code, "vintage_key": vintage, "unit_code": unit}
            self.parents.append(link)
            self.vintages.add(vintage)
            was = old_parents.get(vintage)
            if was != unit:  # a new village, or one that moved: both units' counts change
                self.leaves.update({(vintage, unit), (vintage, was)} - {(vintage, None)})


def write_register(session: Session, batch: ImportBatch, result: ValidationResult) -> Written:
    """Add and update the villages of a validated register; keep how each was.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction.
    batch : ImportBatch
        The new batch (flushed: it has its id).
    result : ValidationResult
        A valid register (its rows have their parent in every vintage).

    Returns
    -------
    Written
        Villages added and updated, the leaf units whose villages changed, the vintages.
    """
    stored = _stored_villages(session, [row.code for row in result.rows])
    old_parents = _parents_of(session, list(stored))
    parent_names = {
        (vintage, code): name
        for vintage, code, name in session.execute(select(Unit.vintage_key, Unit.code, Unit.name))
    }
    plan = _Plan(batch.id)
    for row in result.rows:
        fields = _village_fields(row, parent_names.get((row.vintage, row.parent_code), ""))
        plan.add(row, fields, stored.get(row.code), old_parents.get(row.code, {}))
    for records in plan.updates.values():
        for chunk in _chunks(records, 2000):
            session.execute(update(Village), chunk)
    for chunk in _chunks(list(stored)):
        session.execute(
            delete(VillageParent).where(VillageParent.village_code.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
    session.flush()
    for table, records in (
        (ReplacedVillage, plan.kept),
        (Village, plan.new),
        (VillageParent, plan.parents),
    ):
        for chunk in _chunks(records, 2000):
            session.execute(insert(table), chunk)
    session.flush()
    touched = Touched(leaves=frozenset(plan.leaves))
    return Written(len(plan.new), len(stored), touched, tuple(sorted(plan.vintages)))


def has_register_table(session: Session) -> bool:
    """Tell whether the store has the ``replaced_village`` table (stores made before lack it)."""
    return inspect(session.connection()).has_table(ReplacedVillage.__tablename__)


def is_register_batch(session: Session, batch_id: int) -> bool:
    """Tell whether a batch is a village-register batch (it kept villages for rollback)."""
    if not has_register_table(session):
        return False
    found = session.scalar(
        select(ReplacedVillage.id).where(ReplacedVillage.batch_id == batch_id).limit(1)
    )
    return found is not None


def _refusal(session: Session, batch_id: int, kept: list[ReplacedVillage]) -> str | None:
    """Return what blocks undoing a register batch, or ``None``.

    A later committed register batch changed some of the same villages, or values are stored
    for villages this batch added.
    """
    codes = [k.village_code for k in kept]
    later: set[int] = set()
    for chunk in _chunks(codes):
        later.update(
            session.scalars(
                select(ReplacedVillage.batch_id)
                .join(ImportBatch, ImportBatch.id == ReplacedVillage.batch_id)
                .where(
                    ReplacedVillage.village_code.in_(chunk),
                    ReplacedVillage.batch_id > batch_id,
                    ImportBatch.outcome == "committed",
                )
            )
        )
    if later:
        names = ", ".join(str(b) for b in sorted(later))
        return (
            f"batch {batch_id} cannot be rolled back: later village register batch(es) {names} "
            f"changed some of its villages; roll back {names} first"
        )
    valued: set[tuple[int | None, str]] = set()
    for chunk in _chunks([k.village_code for k in kept if not k.existed]):
        valued.update(
            session.execute(
                select(Observation.batch_id, Observation.code).where(
                    Observation.level == "village", Observation.code.in_(chunk)
                )
            ).all()
        )
    if valued:
        batches = ", ".join(sorted({str(b) for b, _ in valued if b is not None})) or "none"
        example = sorted(code for _, code in valued)[0]
        return (
            f"batch {batch_id} cannot be rolled back: values are stored for {len(valued)} of "
            f"the villages it added (e.g. {example}); roll back value batch(es) {batches} first"
        )
    return None


def undo_register(session: Session, batch: ImportBatch) -> Undone:
    """Delete the villages a register batch added; put back those it updated.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction.
    batch : ImportBatch
        A committed register batch (see :func:`is_register_batch`).

    Returns
    -------
    Undone
        Villages removed and restored, and the leaf units whose villages changed.

    Raises
    ------
    RollbackRefused
        Naming what blocks it: a later committed register batch changed some of the same
        villages, or values are stored for villages this batch added.
    """
    kept = list(
        session.scalars(select(ReplacedVillage).where(ReplacedVillage.batch_id == batch.id))
    )
    refusal = _refusal(session, batch.id, kept)
    if refusal:
        raise RollbackRefused(refusal)
    codes = [k.village_code for k in kept]
    added = [k.village_code for k in kept if not k.existed]
    leaves = {
        (vintage, unit)
        for parents in _parents_of(session, codes).values()
        for vintage, unit in parents.items()
    }
    for chunk in _chunks(codes):
        session.execute(delete(VillageParent).where(VillageParent.village_code.in_(chunk)))
    for chunk in _chunks(added):
        session.execute(delete(Village).where(Village.code.in_(chunk)))
    restored = 0
    for k in kept:
        village = session.get(Village, k.village_code) if k.existed else None
        if village is None:
            continue
        for name in _FIELDS:
            setattr(village, name, getattr(k, name))
        for vintage, unit in json.loads(k.parents or "{}").items():
            session.add(
                VillageParent(village_code=k.village_code, vintage_key=vintage, unit_code=unit)
            )
            leaves.add((vintage, unit))
        restored += 1
    session.flush()
    return Undone(len(added), restored, Touched(leaves=frozenset(leaves)))
