"""Load the boundary files an area manifest names into the store, with checks and display geometry.

:func:`load_boundaries` reads every ``[[layer]]`` of the area (from the configured geodata
directory; the files are never copied into the repository), repairs invalid geometry, ensures
EPSG:4326, checks the codes against the vintage's code list (or the units a crosswalk names),
takes official names and types from that list, checks that every child lies in its parent,
builds the simplified display geometry of each level once (:mod:`geodata.boundaries.simplify`),
builds the root of a vintage whose top level has no layer, and stores units, layers and
crosswalk links. Problems that do not stop the load are returned as findings (and kept in each
layer's ``report``).

Loading is idempotent: a layer whose file hash is already stored is skipped; a layer whose file
changed is replaced, with a finding.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import former_names
from geodata.areas.manifest import Area, AreaVintage
from geodata.boundaries.crosswalk import (
    crosswalk_findings,
    crosswalk_links,
    official_from_crosswalks,
    read_crosswalk,
    store_links,
    unit_reference_findings,
)
from geodata.boundaries.files import (
    BoundaryLoadError,
    file_sha256,
    read_code_list,
    require_file,
)
from geodata.boundaries.prepare import (
    apply_official,
    containment_findings,
    official_units,
    prepare,
    read_layer,
)
from geodata.boundaries.units import display_geometry, load_root, store_units, upsert_layer
from geodata.store.models import CrosswalkLink, Layer, Unit, Vintage

__all__ = ["BoundaryLoadError", "LoadResult", "former_names", "load_boundaries", "read_crosswalk"]

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    """What :func:`load_boundaries` did.

    ``summary`` is one line for ``dxmap init``; ``findings`` lists every check that failed
    without stopping the load (child outside its parent, code not in the official list,
    repaired geometry, a file that changed since it was loaded).
    """

    summary: str
    findings: list[str] = field(default_factory=list)
    layers_loaded: list[str] = field(default_factory=list)
    layers_skipped: list[str] = field(default_factory=list)
    links_added: int = 0
    seconds: float = 0.0


def _ensure_vintages(session: Session, area: Area) -> None:
    present = {row.key: row for row in session.scalars(select(Vintage))}
    for spec in area.vintages:
        row = present.get(spec.key) or Vintage(key=spec.key)
        row.name_vi, row.name_en = spec.name_vi, spec.name_en
        row.valid_from, row.valid_to = spec.valid_from, spec.valid_to
        row.levels, row.note = ",".join(spec.levels), spec.note
        session.add(row)
    session.flush()


def _official_scope(official: pd.DataFrame | None, codes: list[str], parents: set[str]):
    """Keep the official rows of this area (a national code list serves one province).

    At the top level those in the file, below it those whose parent is loaded.
    """
    if official is None or "parent_code" not in official.columns:
        return official
    if not parents:
        return official[official["code"].isin(codes)]
    return official[official["parent_code"].isin(parents)]


def load_boundaries(session: Session, area: Area) -> LoadResult:
    """Load every vintage, layer and crosswalk link the area manifest names (idempotent).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside a transaction (see :func:`geodata.store.engine.transaction`); the caller
        commits.
    area : Area
        The area (:func:`geodata.areas.manifest.load_area`); its files are read where
        :meth:`Area.resolve` finds them, never copied.

    Returns
    -------
    LoadResult
        A one-line summary and the findings of the checks (repaired geometry, codes not in the
        official list, children outside their parent, changed files).

    Raises
    ------
    BoundaryLoadError
        If a file is missing, unreadable, or lacks a field the manifest names (the message
        names the file and the field).
    """
    started = time.perf_counter()
    paths = {name: require_file(area.resolve(name), area.source) for name in area.file_names()}
    result = LoadResult(summary="")
    _ensure_vintages(session, area)
    code_lists = {c.vintage: read_code_list(paths[c.file]) for c in area.codelists}
    tables = {(c.from_vintage, c.to_vintage): read_crosswalk(area, c) for c in area.crosswalks}
    from_crosswalks = official_from_crosswalks(area, tables)
    existing_layers = {
        (layer.vintage_key, layer.level): layer for layer in session.scalars(select(Layer)).all()
    }
    hashes: dict[str, str] = {}
    for vintage in area.vintages:
        _load_vintage(
            session,
            area,
            vintage,
            paths,
            code_lists,
            from_crosswalks,
            existing_layers,
            hashes,
            result,
        )

    roots = {
        v.key: list(
            session.scalars(
                select(Unit.code).where(Unit.vintage_key == v.key, Unit.parent_code.is_(None))
            )
        )
        for v in area.vintages
    }
    names = (
        {(v, c): n for v, c, n in session.execute(select(Unit.vintage_key, Unit.code, Unit.name))}
        if area.crosswalks
        else {}
    )
    links = crosswalk_links(area, tables, roots, names)
    result.findings += crosswalk_findings(links)
    added, stale = store_links(session, links)
    result.links_added = added
    result.findings += stale
    session.flush()
    result.findings += unit_reference_findings(session, links)
    result.seconds = time.perf_counter() - started
    result.summary = _summary(session, area, result)
    log.info("%s", result.summary)
    return result


def _load_vintage(
    session: Session,
    area: Area,
    vintage: AreaVintage,
    paths,
    code_lists,
    from_crosswalks,
    existing_layers,
    hashes,
    result: LoadResult,
) -> None:
    """Load the layers of one vintage, top level first, then its derived root if it has one."""
    specs = area.layers_for(vintage.key)
    root_code = vintage.root_code
    reloaded: set[str] = set()
    loaded_codes: dict[str, set[str]] = {}
    for spec in specs:
        label = f"{spec.file} ({vintage.key} {spec.level})"
        path = paths[spec.file]
        sha = hashes.setdefault(spec.file, file_sha256(path))
        depth = vintage.levels.index(spec.level)
        existing = existing_layers.get((vintage.key, spec.level))
        if existing is not None and existing.file_sha256 == sha:
            result.layers_skipped.append(label)
            loaded_codes[spec.level] = set(
                session.scalars(select(Unit.code).where(Unit.layer_id == existing.id))
            )
            if depth == 0 and root_code is None and len(loaded_codes[spec.level]) == 1:
                root_code = next(iter(loaded_codes[spec.level]))
            continue
        findings: list[str] = []
        if existing is not None:
            findings.append(
                f"{label}: file changed since it was loaded "
                f"(sha256 {existing.file_sha256[:12]}… → {sha[:12]}…); units replaced"
            )
        if spec.sha256 and spec.sha256 != sha:
            findings.append(
                f"{label}: sha256 {sha[:12]}… differs from the manifest's "
                f"{spec.sha256[:12]}… (a different edition of the file)"
            )
        frame = read_layer(path, spec)
        bottom = depth == len(vintage.levels) - 1
        official = official_units(vintage.key, spec.level, code_lists, from_crosswalks, bottom)
        above = loaded_codes.get(vintage.levels[depth - 1], set()) if depth else set()
        parent = root_code if depth == 1 else None
        prepared = prepare(frame, spec, None, parent)
        official = _official_scope(official, prepared.codes, above)
        if official is not None:
            apply_official(prepared, official, spec)
        findings += prepared.findings
        if not (vintage.root_code and depth == 1):
            # A derived root is the union of these very units: nothing to check.
            findings += containment_findings(session, vintage.key, label, prepared)
        display, notes = display_geometry(prepared, label)
        findings += notes
        layer = upsert_layer(
            session,
            existing,
            vintage=vintage.key,
            level=spec.level,
            file_name=spec.file,
            sha=sha,
            licence=spec.licence,
            attribution=spec.attribution,
            upstream=spec.upstream,
            redistributable=spec.redistributable,
        )
        store_units(session, layer, vintage.key, spec.level, prepared, display)
        layer.report = json.dumps(findings, ensure_ascii=False)
        session.flush()
        result.findings += findings
        result.layers_loaded.append(label)
        reloaded.add(spec.level)
        loaded_codes[spec.level] = set(prepared.codes)
        if depth == 0 and root_code is None and len(prepared.codes) == 1:
            root_code = prepared.codes[0]
    if vintage.root_code is not None:
        child = specs[0]
        label, built = load_root(
            session,
            vintage,
            child,
            existing_layers.get((vintage.key, vintage.levels[0])),
            hashes[child.file],
            child.level in reloaded,
        )
        (result.layers_loaded if built else result.layers_skipped).append(label)


def _summary(session: Session, area: Area, result: LoadResult) -> str:
    counts = session.execute(
        select(Unit.vintage_key, Unit.level, func.count()).group_by(Unit.vintage_key, Unit.level)
    ).all()
    by_vintage: dict[str, dict[str, int]] = {}
    for vintage, level, count in counts:
        by_vintage.setdefault(vintage, {})[level] = count
    parts = []
    for vintage in area.vintages:
        levels = by_vintage.get(vintage.key, {})
        text = ", ".join(f"{levels[lv]} {lv}" for lv in vintage.levels if levels.get(lv))
        parts.append(f"{vintage.key}: {text or 'none'}")
    links = session.scalar(select(func.count()).select_from(CrosswalkLink))
    return (
        f"boundaries: {'; '.join(parts)}; {links} crosswalk links "
        f"({result.links_added} new); {len(result.layers_loaded)} layers loaded, "
        f"{len(result.layers_skipped)} unchanged; {len(result.findings)} findings "
        f"({result.seconds:.1f} s)"
    )
