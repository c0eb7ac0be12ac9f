"""Load the boundary files named in the manifest into the store, with checks and display geometry.

:func:`load_boundaries` reads every layer of ``geodata/data/boundaries.toml`` from the configured
geodata directory (the files are never copied into the repository), repairs invalid geometry,
ensures EPSG:4326, checks the codes against the GSO code list of the vintage (or, for 2025-07,
against the crosswalk), takes official names and types from that list, checks that every child
lies in its parent, builds the simplified display geometry of each level once
(:mod:`geodata.boundaries.simplify`), and stores units, layers and crosswalk links. Problems that
do not stop
the load are returned as findings (and kept in each layer's ``report``).

Loading is idempotent: a layer whose file hash is already stored is skipped; a layer whose file
changed is replaced, with a finding.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import former_names
from geodata.areas.manifest import LayerSpec, Manifest, load_manifest
from geodata.areas.vintages import VINTAGE_KEYS, VINTAGES
from geodata.boundaries.crosswalk import (
    CROSSWALK_COLUMNS,
    crosswalk_findings,
    crosswalk_links,
    read_crosswalk,
    store_links,
    unit_reference_findings,
)
from geodata.boundaries.files import (
    BoundaryLoadError,
    file_sha256,
    read_code_list,
    read_csv_table,
    require_file,
)
from geodata.boundaries.prepare import containment_findings, official_units, prepare, read_layer
from geodata.boundaries.units import ROOTS, display_geometry, load_root, store_units, upsert_layer
from geodata.store.models import CrosswalkLink, Layer, Unit, Vintage

__all__ = ["BoundaryLoadError", "LoadResult", "former_names", "load_boundaries", "read_crosswalk"]

log = logging.getLogger(__name__)

LEVEL_ORDER = ("province", "district", "commune")


@dataclass
class LoadResult:
    """What :func:`load_boundaries` did.

    ``summary`` is one line for ``dxmap init``; ``findings`` lists every check that failed
    without stopping the load (child outside its parent, code not in the GSO list, repaired
    geometry, a file that changed since it was loaded).
    """

    summary: str
    findings: list[str] = field(default_factory=list)
    layers_loaded: list[str] = field(default_factory=list)
    layers_skipped: list[str] = field(default_factory=list)
    links_added: int = 0
    seconds: float = 0.0


def _ensure_vintages(session: Session) -> None:
    present = set(session.scalars(select(Vintage.key)).all())
    for spec in VINTAGES:
        if spec.key in present:
            continue
        session.add(
            Vintage(
                key=spec.key,
                name_vi=spec.name_vi,
                name_en=spec.name_en,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
                levels=",".join(spec.levels),
                note=spec.note,
            )
        )
    session.flush()


def _level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else len(LEVEL_ORDER)


def load_boundaries(
    session: Session, geodata_dir: Path, manifest: Manifest | None = None
) -> LoadResult:
    """Load every vintage, layer and crosswalk link named in the manifest (idempotent).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside a transaction (see :func:`geodata.store.engine.transaction`); the caller
        commits.
    geodata_dir : pathlib.Path
        Folder holding the files the manifest names (they are read there, never copied).
    manifest : Manifest, optional
        Defaults to :func:`geodata.areas.manifest.load_manifest`.

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
    manifest = manifest or load_manifest()
    geodata_dir = Path(geodata_dir)
    for layer_spec in manifest.layers:
        if layer_spec.vintage not in VINTAGE_KEYS:
            raise BoundaryLoadError(
                f"{manifest.source}: layer {layer_spec.file} has unknown vintage "
                f"{layer_spec.vintage!r}; expected one of {', '.join(VINTAGE_KEYS)}"
            )
    paths = {name: require_file(geodata_dir, name) for name in manifest.file_names()}

    result = LoadResult(summary="")
    _ensure_vintages(session)
    code_lists = {v: read_code_list(paths[name]) for v, name in manifest.code_lists}
    crosswalk = read_csv_table(paths[manifest.crosswalk.file], CROSSWALK_COLUMNS)
    existing_layers = {
        (layer.vintage_key, layer.level): layer for layer in session.scalars(select(Layer)).all()
    }
    hashes: dict[str, str] = {}

    for vintage in VINTAGE_KEYS:
        root = ROOTS.get(vintage)
        specs = sorted(manifest.layers_for(vintage), key=lambda s: _level_rank(s.level))
        province_code = root.code if root else None
        if vintage in code_lists:
            provinces = code_lists[vintage]
            provinces = provinces[provinces["level"] == "province"]
            if len(provinces) == 1:
                province_code = str(provinces["code"].iloc[0])
        reloaded_top: LayerSpec | None = None
        for spec in specs:
            label = f"{spec.file} ({vintage} {spec.level})"
            path = paths[spec.file]
            sha = hashes.setdefault(spec.file, file_sha256(path))
            existing = existing_layers.get((vintage, spec.level))
            if existing is not None and existing.file_sha256 == sha:
                result.layers_skipped.append(label)
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
            official = official_units(vintage, spec.level, code_lists, crosswalk)
            prepared = prepare(frame, spec, official, province_code)
            findings += prepared.findings
            if not (root and spec.level != "province" and not spec.parent_field):
                # A derived root is the union of these very units: nothing to check.
                findings += containment_findings(session, vintage, label, prepared)
            display, notes = display_geometry(prepared, label)
            findings += notes
            layer = upsert_layer(
                session,
                existing,
                vintage=vintage,
                level=spec.level,
                file_name=spec.file,
                sha=sha,
                licence=spec.licence,
                attribution=spec.attribution,
                upstream=spec.upstream,
                redistributable=spec.redistributable,
            )
            store_units(session, layer, vintage, spec.level, prepared, display)
            layer.report = json.dumps(findings, ensure_ascii=False)
            session.flush()
            result.findings += findings
            result.layers_loaded.append(label)
            if root and not spec.parent_field and spec.level != "province":
                reloaded_top = spec
        if root is not None:
            built = load_root(session, vintage, root, specs, existing_layers, hashes, reloaded_top)
            if built is not None:
                label, loaded = built
                (result.layers_loaded if loaded else result.layers_skipped).append(label)

    links = crosswalk_links(crosswalk)
    result.findings += crosswalk_findings(crosswalk, links)
    added, stale = store_links(session, links)
    result.links_added = added
    result.findings += stale
    session.flush()
    result.findings += unit_reference_findings(session, links)
    result.seconds = time.perf_counter() - started
    result.summary = _summary(session, result)
    log.info("%s", result.summary)
    return result


def _summary(session: Session, result: LoadResult) -> str:
    counts = session.execute(
        select(Unit.vintage_key, Unit.level, func.count()).group_by(Unit.vintage_key, Unit.level)
    ).all()
    by_vintage: dict[str, dict[str, int]] = {}
    for vintage, level, count in counts:
        by_vintage.setdefault(vintage, {})[level] = count
    parts = []
    for vintage in VINTAGE_KEYS:
        levels = by_vintage.get(vintage, {})
        text = ", ".join(
            f"{levels[lv]} {lv}" for lv in sorted(levels, key=_level_rank) if levels[lv]
        )
        parts.append(f"{vintage}: {text or 'none'}")
    links = session.scalar(select(func.count()).select_from(CrosswalkLink))
    return (
        f"boundaries: {'; '.join(parts)}; {links} crosswalk links "
        f"({result.links_added} new); {len(result.layers_loaded)} layers loaded, "
        f"{len(result.layers_skipped)} unchanged; {len(result.findings)} findings "
        f"({result.seconds:.1f} s)"
    )
