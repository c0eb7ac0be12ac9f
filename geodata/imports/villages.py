"""Import a village register (CSV or XLSX): validate every row, then commit one batch.

The register format is a contract (PRODUCT.md "Interfaces"): one header row, ``code, name,
parent_code`` required, then optionally ``households, adults, lon, lat, vintage``; ``vintage`` is
the vintage ``parent_code`` belongs to and defaults to the area's oldest.

It follows the same path as a values import (:mod:`geodata.imports.commit`):

- every row is checked before anything is written, and every problem is reported with the file,
  the spreadsheet row and the column: a missing or unknown parent, a parent of another area, a
  repeated code, a code that is already a unit's, counts that are not whole non-negative numbers,
  an unknown vintage, a lon/lat that is not a number or out of range;
- a point more than :data:`~geodata.imports.village_units.OUTSIDE_TOLERANCE_KM` outside its
  parent's polygon, and a split parent without a point, are *warnings*: they do not stop it;
- on any problem nothing is written; otherwise one transaction writes an
  :class:`~geodata.store.models.ImportBatch` (note ``village register``), the villages and their
  parent unit in *every* stored vintage (:meth:`~geodata.imports.village_units.AreaUnits.follow`).

A code already stored is *updated* (name, counts, point, parents): re-importing a corrected
register is how it is kept up to date. Empty counts keep the stored ones (0 for a new village);
a row without lon/lat keeps the stored point, and a new village without one is drawn at a point
inside its parent (its ``provenance`` is then ``synthetic``: the location is dxmap's, not the
register's). A register batch can be rolled back like a values batch
(:func:`geodata.imports.rollback_batch`) while no later register batch changed the same villages
and no values are stored for the villages it added.

These are the register's names for the one import pipeline (:mod:`geodata.imports`): the same
reader, validation, commit and rollback as values, with ``kind="register"``; the register's own
pieces are :mod:`~geodata.imports.village_rows` (a row), :mod:`~geodata.imports.village_units`
(the area's units, polygons and crosswalk walks), :mod:`~geodata.imports.village_format` and
:mod:`~geodata.imports.village_store`.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.imports.commit import (
    ImportOutcome,
    ImportRejected,
    commit_batch,
    import_bytes,
    rejected,
)
from geodata.imports.read import DEFAULT_MAX_BYTES, read_file
from geodata.imports.validate import ValidationResult, validate_bytes
from geodata.imports.village_store import has_register_table
from geodata.store.models import ImportBatch, ReplacedVillage

log = logging.getLogger(__name__)
#: The limit for the area's own register read at ``dxmap init`` (uploads use the settings').
INIT_MAX_BYTES = 256 * 1024 * 1024
#: The register's names for the pipeline's result types (one of each for both kinds).
RegisterValidation = ValidationResult
RegisterOutcome = ImportOutcome


def _content(
    source: str | Path | bytes, file_name: str | None, max_bytes: int
) -> tuple[bytes | None, str, Any]:
    """Return ``(bytes or None, file name, problem or None)`` of a path or of bytes."""
    if isinstance(source, bytes):
        return source, file_name or "upload", None
    path = Path(source)
    data, problem = read_file(path, max_bytes)
    return data, file_name or path.name, problem


def validate_villages(
    store: Engine | Session,
    source: str | Path | bytes,
    *,
    file_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> RegisterValidation:
    """Validate a village register; read the store, write nothing.

    Parameters
    ----------
    store : sqlalchemy.Engine or sqlalchemy.orm.Session
        The store (an engine is opened and closed here).
    source : str, pathlib.Path or bytes
        The register's path, or its content.
    file_name : str, optional
        The name used in problems (default: the path's name, or ``upload`` for bytes).
    max_bytes : int
        Size limit; a larger file is rejected unread.

    Returns
    -------
    RegisterValidation
        The rows with their parent in every vintage, every problem and every warning.
    """
    data, name, problem = _content(source, file_name, max_bytes)
    if data is None:
        return RegisterValidation(file_name=name, sha256="", problems=[problem], kind="register")
    if isinstance(store, Session):
        return validate_bytes(store, data, name, max_bytes=max_bytes, kind="register")
    with Session(store) as session:
        return validate_bytes(session, data, name, max_bytes=max_bytes, kind="register")


def import_villages(
    engine: Engine,
    source: str | Path | bytes,
    user: str,
    *,
    file_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    note: str = "",
) -> RegisterOutcome:
    """Validate a village register and, when it has no problem, commit it as one batch.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    source : str, pathlib.Path or bytes
        The register's path, or its content.
    user : str
        Who imports (recorded in the batch).
    file_name : str, optional
        Name recorded in the batch and used in problems.
    max_bytes : int
        Size limit (``Settings.max_upload_bytes``).
    note : str
        Free text kept with the batch (after "village register: ").

    Returns
    -------
    RegisterOutcome
        The batch, villages added and updated, the vintages they were placed in, the warnings.

    Raises
    ------
    ImportRejected
        With every problem (file, row, column), and the warnings in ``.warnings``; nothing is
        written then. Also when another import wrote at the same time (as
        :func:`geodata.imports.commit.import_bytes`).
    """
    data, name, problem = _content(source, file_name, max_bytes)
    if data is None:
        raise ImportRejected([problem])
    return import_bytes(engine, data, name, user, max_bytes=max_bytes, note=note, kind="register")


def load_village_register(session: Session, area: Any) -> str:
    """Load the area manifest's ``[villages] file`` at ``dxmap init`` (once per file content).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside the init transaction, on a store whose units are loaded.
    area : Area
        The area (:func:`geodata.areas.manifest.load_area`): its ``villages`` spec (or None) and
        ``resolve(file)``.

    Returns
    -------
    str
        A one-line summary for the init report.

    Raises
    ------
    ImportRejected
        When the register has any problem (the caller's transaction then writes nothing).
    """
    spec = getattr(area, "villages", None)
    if spec is None:
        return "villages: no register in the area manifest"
    path = Path(area.resolve(spec.file))
    data, problem = read_file(path, INIT_MAX_BYTES)
    if data is None:
        raise ImportRejected([problem])
    digest = hashlib.sha256(data).hexdigest()
    loaded = has_register_table(session) and session.scalar(
        select(ImportBatch.id)
        .where(
            ImportBatch.file_sha256 == digest,
            ImportBatch.outcome == "committed",
            ImportBatch.id.in_(select(ReplacedVillage.batch_id)),
        )
        .limit(1)
    )
    if loaded:
        return f"villages: {path.name} already loaded (batch {loaded}), nothing to do"
    result = validate_bytes(session, data, path.name, max_bytes=INIT_MAX_BYTES, kind="register")
    if not result.ok:
        raise rejected(result)
    for warning in result.warnings:
        log.warning("%s", warning)
    outcome = commit_batch(session, result, "dxmap init", "the area manifest's [villages] file")
    return (
        f"villages: {outcome.rows_total} from {path.name} ({outcome.rows_inserted} new, "
        f"{outcome.rows_replaced} updated; batch {outcome.batch_id})"
    )
