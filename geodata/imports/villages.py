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
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from geodata.imports.commit import ImportRejected
from geodata.imports.read import (
    DEFAULT_MAX_BYTES,
    MAX_ROWS,
    ImportProblem,
    cell_text,
    read_file,
    read_table,
    size_problem,
)
from geodata.imports.village_commit import RegisterOutcome, commit_register, has_register_table
from geodata.imports.village_rows import (
    RegisterRow,
    check_header,
    check_register_row,
    column_order,
)
from geodata.imports.village_units import OUTSIDE_TOLERANCE_KM, AreaUnits
from geodata.store.engine import transaction
from geodata.store.models import ImportBatch, ReplacedVillage, Village

log = logging.getLogger(__name__)
#: The limit for the area's own register read at ``dxmap init`` (uploads use the settings').
INIT_MAX_BYTES = 256 * 1024 * 1024

__all__ = [
    "RegisterOutcome",
    "RegisterValidation",
    "import_villages",
    "load_village_register",
    "validate_villages",
]


@dataclass
class RegisterValidation:
    """What :func:`validate_villages` found.

    Attributes
    ----------
    file_name, sha256 : str
        The file.
    rows_total : int
        Data rows read (blank rows are not counted).
    rows : list of RegisterRow
        The rows, with their parent in every vintage (empty unless ``ok``).
    existing : set of str
        Codes of ``rows`` that are stored already (they will be updated).
    problems, warnings : list of ImportProblem
        Every problem (blocking) and every warning, sorted by row and column (the warnings of
        the rows without a problem are found even when other rows have one).
    """

    file_name: str
    sha256: str
    rows_total: int = 0
    rows: list[RegisterRow] = field(default_factory=list)
    existing: set[str] = field(default_factory=set)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the register may be imported."""
        return not self.problems

    def report(self) -> str:
        """Every problem on its own line (empty when ``ok``)."""
        return "\n".join(str(p) for p in self.problems)


def _blank(cells: list[object]) -> bool:
    return all(cell_text(c).strip() == "" for c in cells)


def _check_rows(session: Session, table: list[list[object]], result: RegisterValidation) -> None:
    name = result.file_name
    units = AreaUnits.read(session)
    if not units.vintages:
        result.problems.append(ImportProblem(0, "", "the store has no vintages: run dxmap init"))
        return
    positions, header_problems = check_header(table[0], name)
    result.problems.extend(header_problems)
    if header_problems:
        return
    body = [(n, cells) for n, cells in enumerate(table[1:], start=2) if not _blank(cells)]
    result.rows_total = len(body)
    if not body:
        result.problems.append(ImportProblem(0, "", "no data rows below the header", name))
        return
    if len(body) > MAX_ROWS:
        result.problems.append(
            ImportProblem(0, "", f"more than {MAX_ROWS:,} data rows; split the file", name)
        )
        return
    width = len(table[0])
    seen: dict[str, int] = {}
    for n, cells in body:
        if any(cell_text(c).strip() for c in cells[width:]):
            result.problems.append(
                ImportProblem(n, "", f"more cells than the header's {width} columns", name)
            )
        row, problems = check_register_row(n, cells, positions, units, units.vintages[0], name)
        result.problems.extend(problems)
        index = positions["code"]
        code = cell_text(cells[index] if index < len(cells) else None).strip()
        if code in seen:
            result.problems.append(
                ImportProblem(
                    n, "code", f"duplicate code {code!r}: rows {seen[code]} and {n}", name
                )
            )
            row = None
        elif code:
            seen[code] = n
        if row is not None:
            result.rows.append(row)
    # Rows without a problem are placed even when others have one: their warnings are reported
    # with the problems, so that one round of corrections suffices.
    for row in result.rows:
        _place(units, row, result)


def _place(units: AreaUnits, row: RegisterRow, result: RegisterValidation) -> None:
    """Check the row's point against its parent and find its unit in every vintage."""
    point = (row.lon, row.lat) if row.has_point else None
    if point is not None:
        km = units.distance_outside_km(row.vintage, row.parent_code, *point)
        if km > OUTSIDE_TOLERANCE_KM:
            result.warnings.append(
                ImportProblem(
                    row.row,
                    "lon",
                    f"point ({row.lon}, {row.lat}) lies {km:.1f} km outside its parent "
                    f"{row.parent_code} ({units.names[row.vintage][row.parent_code]}); "
                    "check lon/lat (kept as given)",
                    result.file_name,
                )
            )
    row.parents[row.vintage] = row.parent_code
    for vintage in units.vintages:
        if vintage == row.vintage:
            continue
        unit, warning = units.follow(row.parent_code, row.vintage, vintage, point)
        if unit is not None:
            row.parents[vintage] = unit
        if warning:
            result.warnings.append(ImportProblem(row.row, "parent_code", warning, result.file_name))
    if point is None:
        row.fallback = units.interior_point(row.vintage, row.parent_code)


def _stored_codes(session: Session, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(session.scalars(select(Village.code).where(Village.code.in_(chunk))))
    return found


def _validate(session: Session, data: bytes, file_name: str, max_bytes: int) -> RegisterValidation:
    name = Path(file_name).name or "upload"
    result = RegisterValidation(file_name=name, sha256=hashlib.sha256(data).hexdigest())
    if len(data) > max_bytes:
        result.problems.append(size_problem(len(data), max_bytes, name))
        return result
    table, file_problems = read_table(data, name)
    result.problems.extend(file_problems)
    while table and _blank(table[-1]):
        table.pop()
    if not file_problems and not table:
        result.problems.append(ImportProblem(0, "", "the file is empty (no header row)", name))
    if not result.problems:
        _check_rows(session, table, result)
    result.problems.sort(key=column_order)
    result.warnings.sort(key=column_order)
    if result.problems:
        result.rows = []
        return result
    result.existing = _stored_codes(session, [row.code for row in result.rows])
    return result


def _rejected(result: RegisterValidation) -> ImportRejected:
    """Return the exception for a register with problems (its warnings in ``.warnings``)."""
    rejected = ImportRejected(result.problems)
    rejected.warnings = list(result.warnings)  # type: ignore[attr-defined]
    return rejected


def _content(source: str | Path | bytes, file_name: str | None, max_bytes: int) -> tuple:
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
        result = RegisterValidation(file_name=name, sha256="")
        result.problems.append(problem)
        return result
    if isinstance(store, Session):
        return _validate(store, data, name, max_bytes)
    with Session(store) as session:
        return _validate(session, data, name, max_bytes)


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
        Free text kept with the batch.

    Returns
    -------
    RegisterOutcome
        The batch, villages added and updated, and the warnings.

    Raises
    ------
    ImportRejected
        With every problem (file, row, column); nothing is written then.
    """
    data, name, problem = _content(source, file_name, max_bytes)
    if data is None:
        raise ImportRejected([problem])
    with transaction(engine) as session:
        result = _validate(session, data, name, max_bytes)
        if not result.ok:
            raise _rejected(result)
        outcome = commit_register(session, result, user, note)
    log.info(
        "village register batch %s committed: %s villages (%s new, %s updated) from %s by %s",
        outcome.batch_id,
        outcome.rows_total,
        outcome.rows_inserted,
        outcome.rows_replaced,
        name,
        user,
    )
    return outcome


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
    result = _validate(session, data, path.name, INIT_MAX_BYTES)
    if not result.ok:
        raise _rejected(result)
    for warning in result.warnings:
        log.warning("%s", warning)
    outcome = commit_register(session, result, "dxmap init", "the area manifest's [villages] file")
    return (
        f"villages: {outcome.rows_total} from {path.name} ({outcome.rows_inserted} new, "
        f"{outcome.rows_replaced} updated; batch {outcome.batch_id})"
    )
