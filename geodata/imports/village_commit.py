"""Writing a validated village register as one batch, and rolling such a batch back.

Every village a register batch writes leaves a :class:`~geodata.store.models.ReplacedVillage`
row: how it was before (``existed`` False for a new village). That row is what marks the batch
as a register batch, and what its rollback restores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from geodata.areas.text import search_key
from geodata.imports.commit import utc_now
from geodata.imports.read import ImportProblem
from geodata.rollups import Touched, update_rollups
from geodata.store.models import (
    ImportBatch,
    Observation,
    ReplacedVillage,
    Unit,
    Village,
    VillageParent,
)
from geodata.store.version import bump_data_version

if TYPE_CHECKING:
    from geodata.imports.village_validate import RegisterValidation

#: The note that starts every register batch's note (the batch history shows what it was).
REGISTER_NOTE = "village register"
_FIELDS = ("name", "search_key", "lon", "lat", "households", "adults", "provenance")


@dataclass(frozen=True)
class RegisterOutcome:
    """A committed village register.

    Attributes
    ----------
    batch_id : int
        The :class:`~geodata.store.models.ImportBatch` (give it to ``rollback_batch``).
    file_name, sha256 : str
        The file.
    rows_total, rows_inserted, rows_replaced : int
        Villages in the file; new ones; stored ones updated.
    vintages : tuple of str
        The vintages the villages were given a parent in.
    warnings : tuple of ImportProblem
        Non-blocking remarks (points outside their commune, split parents without a point).
    """

    batch_id: int
    file_name: str
    sha256: str
    rows_total: int
    rows_inserted: int
    rows_replaced: int
    vintages: tuple[str, ...]
    warnings: tuple[ImportProblem, ...] = ()


def _chunks(items: list, size: int = 500):  # noqa: ANN202 - a generator of lists
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


def commit_register(
    session: Session, result: RegisterValidation, user: str, note: str = ""
) -> RegisterOutcome:
    """Write a validated register (``result.ok``) in the caller's transaction.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside a transaction.
    result : RegisterValidation
        What :func:`geodata.imports.villages.validate_villages` returned, without problems.
    user : str
        Who imports.
    note : str
        Free text kept with the batch (after :data:`REGISTER_NOTE`).

    Returns
    -------
    RegisterOutcome
        The batch and its counts.
    """
    bump_data_version(session, f"village register {result.file_name}")  # first: see version.py
    codes = [row.code for row in result.rows]
    stored: dict[str, dict] = {}  # plain rows: no ORM objects for the bulk statements to sync
    for chunk in _chunks(codes):
        query = select(Village.code, *(getattr(Village, name) for name in _FIELDS))
        for code, *values in session.execute(query.where(Village.code.in_(chunk))):
            stored[code] = dict(zip(_FIELDS, values, strict=True))
    old_parents = _parents_of(session, list(stored))
    parent_names = {
        (vintage, code): name
        for vintage, code, name in session.execute(select(Unit.vintage_key, Unit.code, Unit.name))
    }
    batch = ImportBatch(
        file_name=result.file_name,
        file_sha256=result.sha256,
        user=user,
        created_at=utc_now(),
        rows_total=len(result.rows),
        rows_inserted=len(result.rows) - len(stored),
        rows_replaced=len(stored),
        outcome="committed",
        note=REGISTER_NOTE + (f": {note}" if note else ""),
    )
    session.add(batch)
    session.flush()
    kept, new, parents = [], [], []
    leaves: set[tuple[str, str]] = set()
    updates: dict[tuple[str, ...], list[dict]] = {}  # changed fields → rows (bulk by key)
    vintages: set[str] = set()
    for row in result.rows:
        village = stored.get(row.code)
        parent_name = parent_names.get((row.vintage, row.parent_code), "")
        fields = {
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
        if village is None:
            kept.append({"batch_id": batch.id, "village_code": row.code, "existed": False})
            new.append(
                {
                    "code": row.code,
                    **fields,
                    "households": row.households or 0,
                    "adults": row.adults or 0,
                }
            )
        else:
            kept.append(
                {
                    "batch_id": batch.id,
                    "village_code": row.code,
                    "existed": True,
                    **village,
                    "parents": json.dumps(old_parents.get(row.code, {}), sort_keys=True),
                }
            )
            moved = old_parents.get(row.code, {}).get(row.vintage) != row.parent_code
            if not row.has_point and not moved:  # keep the stored point (and what it is)
                for name in ("lon", "lat", "provenance"):
                    fields.pop(name)
            changes = {name: value for name, value in fields.items() if value is not None}
            updates.setdefault(tuple(sorted(changes)), []).append({"code": row.code, **changes})
        for vintage, unit in row.parents.items():
            parents.append({"village_code": row.code, "vintage_key": vintage, "unit_code": unit})
            vintages.add(vintage)
            before = old_parents.get(row.code, {}).get(vintage)
            if before != unit:  # a new village, or one that moved: both units' counts change
                leaves.update({(vintage, unit), (vintage, before)} - {(vintage, None)})
    for records in updates.values():
        for chunk in _chunks(records, 2000):
            session.execute(update(Village), chunk)
    for chunk in _chunks(list(stored)):
        session.execute(
            delete(VillageParent).where(VillageParent.village_code.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
    session.flush()
    for table, records in ((ReplacedVillage, kept), (Village, new), (VillageParent, parents)):
        for chunk in _chunks(records, 2000):
            session.execute(insert(table), chunk)
    session.flush()
    update_rollups(session, Touched(leaves=frozenset(leaves)))
    return RegisterOutcome(
        batch_id=batch.id,
        file_name=result.file_name,
        sha256=result.sha256,
        rows_total=len(result.rows),
        rows_inserted=len(new),
        rows_replaced=len(stored),
        vintages=tuple(sorted(vintages)),
        warnings=tuple(result.warnings),
    )


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


def rollback_register(session: Session, batch: ImportBatch) -> tuple[int, int]:
    """Undo a committed register batch in the caller's transaction.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside a transaction.
    batch : ImportBatch
        A committed register batch (see :func:`is_register_batch`).

    Returns
    -------
    tuple of int
        Villages removed (the batch added them) and restored (the batch had updated them).

    Raises
    ------
    ValueError
        Naming what blocks it: a later committed register batch changed some of the same
        villages, or values are stored for villages this batch added.
    """
    kept = list(
        session.scalars(select(ReplacedVillage).where(ReplacedVillage.batch_id == batch.id))
    )
    codes = [k.village_code for k in kept]
    later: set[int] = set()
    for chunk in _chunks(codes):
        later.update(
            session.scalars(
                select(ReplacedVillage.batch_id)
                .join(ImportBatch, ImportBatch.id == ReplacedVillage.batch_id)
                .where(
                    ReplacedVillage.village_code.in_(chunk),
                    ReplacedVillage.batch_id > batch.id,
                    ImportBatch.outcome == "committed",
                )
            )
        )
    if later:
        names = ", ".join(str(b) for b in sorted(later))
        raise ValueError(
            f"batch {batch.id} cannot be rolled back: later village register batch(es) {names} "
            f"changed some of its villages; roll back {names} first"
        )
    added = [k.village_code for k in kept if not k.existed]
    valued: set[tuple[int | None, str]] = set()
    for chunk in _chunks(added):
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
        raise ValueError(
            f"batch {batch.id} cannot be rolled back: values are stored for {len(valued)} of "
            f"the villages it added (e.g. {example}); roll back value batch(es) {batches} first"
        )
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
        if not k.existed:
            continue
        village = session.get(Village, k.village_code)
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
    update_rollups(session, Touched(leaves=frozenset(leaves)))
    return len(added), restored
