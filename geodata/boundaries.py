"""Load the boundary files named in the manifest into the store, with checks and display geometry.

:func:`load_boundaries` reads every layer of ``geodata/data/boundaries.toml`` from the configured
geodata directory (the files are never copied into the repository), repairs invalid geometry,
ensures EPSG:4326, checks the codes against the GSO code list of the vintage (or, for 2025-07,
against the crosswalk), takes official names and types from that list, checks that every child
lies in its parent, builds the simplified display geometry of each level once
(:mod:`geodata.simplify`), and stores units, layers and crosswalk links. Problems that do not stop
the load are returned as findings (and kept in each layer's ``report``).

Loading is idempotent: a layer whose file hash is already stored is skipped; a layer whose file
changed is replaced, with a finding.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from geodata.geometry import CRS, from_wkb, to_wkb
from geodata.manifest import LayerSpec, Manifest, load_manifest
from geodata.models import CrosswalkLink, Layer, Unit, Vintage
from geodata.simplify import display_geometries, polygonal_part
from geodata.text import search_key
from geodata.vintages import VINTAGE_KEYS, VINTAGES

log = logging.getLogger(__name__)

LEVEL_ORDER = ("province", "district", "commune")
_GSO_LEVELS = {"1": "province", "2": "district", "3": "commune"}
_CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
_CODE_LIST_COLUMNS = ("level", "code", "name", "type", "parent_code")
CROSSWALK_COLUMNS = (
    "code_2024",
    "name_2024",
    "district_code_2024",
    "district_name_2024",
    "code_2025_03",
    "name_2025_03",
    "district_code_2025_03",
    "district_name_2025_03",
    "step1_note",
    "code_2025_07",
    "name_2025_07",
    "province_code_2025_07",
    "nq1685_line",
)


@dataclass(frozen=True)
class RootSpec:
    """A root unit dxmap builds for a vintage whose files have no province polygon."""

    code: str
    name: str
    type: str
    note: str


ROOTS: dict[str, RootSpec] = {
    "2025-07": RootSpec(
        code="77",
        name="Khu vực Bà Rịa - Vũng Tàu cũ (thuộc TP Hồ Chí Minh)",
        type="Khu vực",
        note="Derived: union of the 30 units of the former province 77 (NQ 1685/NQ-UBTVQH15)",
    )
}
"""Roots built as the union of a vintage's top-level units (2025-07 has no province file)."""


class BoundaryLoadError(RuntimeError):
    """A boundary file is missing or lacks a field the manifest names."""


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


# --------------------------------------------------------------------------------------------
# Reading tables
# --------------------------------------------------------------------------------------------


def _require_file(geodata_dir: Path, name: str) -> Path:
    path = Path(geodata_dir) / name
    if not path.is_file():
        raise BoundaryLoadError(
            f"boundary file {name!r} not found in {Path(geodata_dir)} (named in "
            "geodata/data/boundaries.toml; set DXMAP_GEODATA_DIR to the folder that holds it)"
        )
    return path


def _read_csv(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise BoundaryLoadError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame


def read_code_list(path: Path) -> pd.DataFrame:
    """Read a GSO code list (``gso_units_77_*.csv``) with string codes.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (columns ``level, code, name, type, parent_code, parent_name``).

    Returns
    -------
    pandas.DataFrame
        One row per unit, with ``level`` translated to ``province``/``district``/``commune``
        and every column of string dtype.

    Raises
    ------
    BoundaryLoadError
        If the file is missing or lacks a column.
    """
    if not Path(path).is_file():
        raise BoundaryLoadError(f"GSO code list {Path(path).name!r} not found in {path.parent}")
    frame = _read_csv(Path(path), _CODE_LIST_COLUMNS)
    frame["level"] = frame["level"].map(lambda v: _GSO_LEVELS.get(v, v)).astype("string")
    return frame


def read_crosswalk(geodata_dir: Path) -> pd.DataFrame:
    """Read the crosswalk 2024 → 2025-03 → 2025-07 named in the manifest.

    Parameters
    ----------
    geodata_dir : pathlib.Path
        Folder holding ``crosswalk_77_2024_to_2025-07.csv``.

    Returns
    -------
    pandas.DataFrame
        83 rows for BR-VT (82 communes and the commune-less district Côn Đảo, 755), columns
        ``code_2024, name_2024, district_code_2024, district_name_2024, code_2025_03,
        name_2025_03, district_code_2025_03, district_name_2025_03, step1_note, code_2025_07,
        name_2025_07, province_code_2025_07, nq1685_line``; all of string dtype, empty cells
        as ``""``.

    Raises
    ------
    BoundaryLoadError
        If the file is missing or lacks a column.
    """
    name = load_manifest().crosswalk.file
    return _read_csv(_require_file(geodata_dir, name), CROSSWALK_COLUMNS)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normal_code(value: object, level: str) -> str:
    """Codes are strings; a numeric cell (``26506.0``) is turned back into ``"26506"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, int | float | np.integer | np.floating):
        return str(int(value)).zfill(_CODE_WIDTH.get(level, 0))
    return str(value).strip()


# --------------------------------------------------------------------------------------------
# One layer
# --------------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    codes: list[str]
    names: list[str]
    types: list[str]
    parents: list[str | None]
    geometries: list[BaseGeometry | None]
    findings: list[str]


def _read_layer(path: Path, spec: LayerSpec) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio raises several types; name the file either way
        raise BoundaryLoadError(f"{spec.file}: cannot be read as a vector layer: {exc}") from exc
    for attr in ("code_field", "name_field", "type_field", "parent_field"):
        column = getattr(spec, attr)
        if column and column not in frame.columns:
            raise BoundaryLoadError(
                f"{spec.file}: field {column!r} (the manifest's {attr}) is missing; "
                f"the file has {', '.join(map(str, frame.columns))}"
            )
    return frame


def _prepare(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    official: pd.DataFrame | None,
    root_code: str | None,
) -> _Prepared:
    """Repair geometry, ensure EPSG:4326, check codes and take official names."""
    findings: list[str] = []
    label = f"{spec.file} ({spec.vintage} {spec.level})"
    if frame.crs is None:
        findings.append(f"{label}: no CRS declared; assumed EPSG:4326")
        frame = frame.set_crs(CRS)
    elif frame.crs.to_epsg() != 4326:
        findings.append(f"{label}: reprojected from {frame.crs.to_string()} to EPSG:4326")
        frame = frame.to_crs(CRS)

    codes = [_normal_code(v, spec.level) for v in frame[spec.code_field]]
    geoms: list[BaseGeometry | None] = []
    for code, geometry in zip(codes, frame.geometry.values, strict=True):
        if geometry is None or geometry.is_empty:
            findings.append(f"{label}: unit {code} has no geometry")
            geoms.append(None)
            continue
        if shapely.get_coordinate_dimension(geometry) > 2:
            geometry = shapely.force_2d(geometry)
        if not geometry.is_valid:
            reason = shapely.is_valid_reason(geometry)
            geometry = polygonal_part(shapely.make_valid(geometry))
            findings.append(f"{label}: repaired invalid geometry of {code} ({reason})")
        else:
            geometry = polygonal_part(geometry)
        if geometry is None:
            findings.append(f"{label}: unit {code} has no polygonal geometry")
        geoms.append(geometry)

    names = [str(v) for v in frame[spec.name_field]] if spec.name_field else list(codes)
    types = [str(v) for v in frame[spec.type_field]] if spec.type_field else [""] * len(codes)
    if spec.parent_field:
        parents: list[str | None] = [_normal_code(v, "") or None for v in frame[spec.parent_field]]
    else:
        parents = [None if spec.level == "province" else root_code] * len(codes)

    # Unique codes: duplicates are merged into one unit (a multipart feature split in two).
    order: dict[str, int] = {}
    merged: list[int] = []
    for index, code in enumerate(codes):
        if not code:
            findings.append(f"{label}: feature #{index + 1} has an empty {spec.code_field!r}")
            continue
        if code in order:
            first = order[code]
            findings.append(f"{label}: code {code} appears more than once; features merged")
            parts = [g for g in (geoms[first], geoms[index]) if g is not None]
            geoms[first] = polygonal_part(shapely.make_valid(shapely.union_all(parts)))
            continue
        order[code] = index
        merged.append(index)
    prepared = _Prepared(
        codes=[codes[i] for i in merged],
        names=[names[i] for i in merged],
        types=[types[i] for i in merged],
        parents=[parents[i] for i in merged],
        geometries=[geoms[i] for i in merged],
        findings=findings,
    )

    if official is not None:
        _apply_official(prepared, official, spec, label)
    return prepared


def _apply_official(
    prepared: _Prepared, official: pd.DataFrame, spec: LayerSpec, label: str
) -> None:
    """Check codes against the official list and take its names, types and parents."""
    rows = {row.code: row for row in official.itertuples(index=False)}
    listed = set(rows)
    present = set(prepared.codes)
    for code in sorted(listed - present):
        prepared.findings.append(
            f"{label}: official code {code} ({rows[code].name}) has no polygon in the file"
        )
    for code in sorted(present - listed):
        prepared.findings.append(f"{label}: code {code} is not in the official code list")
    for i, code in enumerate(prepared.codes):
        row = rows.get(code)
        if row is None:
            continue
        if search_key(prepared.names[i]) != search_key(row.name):
            prepared.findings.append(
                f"{label}: {code} is named {prepared.names[i]!r} in the file and "
                f"{row.name!r} in the official list (the official name is used)"
            )
        prepared.names[i] = row.name
        if getattr(row, "type", ""):
            prepared.types[i] = row.type
        official_parent = getattr(row, "parent_code", "") or None
        if official_parent and spec.level != "province":
            if prepared.parents[i] and prepared.parents[i] != official_parent:
                prepared.findings.append(
                    f"{label}: {code} has parent {prepared.parents[i]} in the file and "
                    f"{official_parent} in the official list (the official parent is used)"
                )
            prepared.parents[i] = official_parent


def _official_units(
    vintage: str, level: str, code_lists: dict[str, pd.DataFrame], crosswalk: pd.DataFrame
) -> pd.DataFrame | None:
    """Return the official units of a vintage and level (GSO list, or crosswalk for 2025-07)."""
    if vintage in code_lists:
        table = code_lists[vintage]
        return table[table["level"] == level]
    if vintage == "2025-07" and level == "commune":
        table = crosswalk[["code_2025_07", "name_2025_07"]].drop_duplicates("code_2025_07")
        return table.rename(columns={"code_2025_07": "code", "name_2025_07": "name"})
    return None


def _containment_findings(
    session: Session,
    vintage: str,
    label: str,
    prepared: _Prepared,
) -> list[str]:
    """Report each child whose representative point is not inside its parent polygon."""
    findings: list[str] = []
    wanted = {p for p in prepared.parents if p}
    if not wanted:
        return findings
    rows = session.execute(
        select(Unit.code, Unit.geometry).where(
            Unit.vintage_key == vintage, Unit.code.in_(sorted(wanted))
        )
    ).all()
    parents = {code: from_wkb(wkb) for code, wkb in rows}
    for code, parent, geometry in zip(
        prepared.codes, prepared.parents, prepared.geometries, strict=True
    ):
        if not parent or geometry is None:
            continue
        polygon = parents.get(parent)
        if parent not in parents:
            findings.append(f"{label}: parent {parent} of {code} is not loaded")
            continue
        if polygon is None:
            continue
        if not polygon.covers(geometry.representative_point()):
            findings.append(f"{label}: {code} lies outside its parent {parent}")
    return findings


def _store_units(
    session: Session,
    layer: Layer,
    vintage: str,
    level: str,
    prepared: _Prepared,
    display: list[BaseGeometry | None],
) -> None:
    for code, name, type_, parent, geometry, shown in zip(
        prepared.codes,
        prepared.names,
        prepared.types,
        prepared.parents,
        prepared.geometries,
        display,
        strict=True,
    ):
        bounds = geometry.bounds if geometry is not None else (None, None, None, None)
        session.add(
            Unit(
                vintage_key=vintage,
                code=code,
                name=name,
                type=type_,
                level=level,
                parent_code=parent,
                search_key=search_key(name),
                geometry=to_wkb(geometry),
                display_geometry=to_wkb(shown),
                min_lon=bounds[0],
                min_lat=bounds[1],
                max_lon=bounds[2],
                max_lat=bounds[3],
                layer_id=layer.id,
            )
        )


def _display(prepared: _Prepared, label: str) -> tuple[list[BaseGeometry | None], list[str]]:
    indices = [i for i, g in enumerate(prepared.geometries) if g is not None]
    result = display_geometries(
        [prepared.geometries[i] for i in indices],
        labels=[prepared.codes[i] for i in indices],
    )
    display: list[BaseGeometry | None] = [None] * len(prepared.geometries)
    for i, geometry in zip(indices, result.geometries, strict=True):
        display[i] = geometry
    log.info(
        "%s: display geometry %d → %d vertices",
        label,
        result.vertices_before,
        result.vertices_after,
    )
    return display, [f"{label}: {note}" for note in result.notes]


def _upsert_layer(
    session: Session,
    existing: Layer | None,
    *,
    vintage: str,
    level: str,
    file_name: str,
    sha: str,
    licence: str,
    attribution: str,
    upstream: str,
    redistributable: bool,
) -> Layer:
    now = datetime.now(UTC).replace(tzinfo=None)
    if existing is not None:
        session.execute(delete(Unit).where(Unit.layer_id == existing.id))
        layer = existing
    else:
        layer = Layer(vintage_key=vintage, level=level)
        session.add(layer)
    layer.file_name = file_name
    layer.file_sha256 = sha
    layer.licence = licence
    layer.attribution = attribution
    layer.upstream = upstream
    layer.redistributable = redistributable
    layer.loaded_at = now
    layer.report = "[]"
    session.flush()
    return layer


# --------------------------------------------------------------------------------------------
# Crosswalk
# --------------------------------------------------------------------------------------------


def crosswalk_links(crosswalk: pd.DataFrame) -> list[tuple[str, str, str, str, str]]:
    """Turn the crosswalk table into links between units of two vintages.

    Parameters
    ----------
    crosswalk : pandas.DataFrame
        As returned by :func:`read_crosswalk`.

    Returns
    -------
    list of tuple
        ``(from_vintage, from_code, to_vintage, to_code, note)``, without duplicates, in a
        stable order: communes 2020 → 2025-01 (``code_2024`` → ``code_2025_03``), districts
        2020 → 2025-01 (752 and 753 → 753, 755 → 755, others identity), 2025-01 → 2025-07
        (``code_2025_03`` → ``code_2025_07``; district 755 → 26732), 2020 → 2025-07
        (``code_2024`` → ``code_2025_07``, 755 → 26732) and the province 77 → 77 between all
        vintages. Every weight is 1.0 (the 2025 changes are merges, never splits).
    """
    links: dict[tuple[str, str, str, str], str] = {}

    def add(from_v: str, from_c: str, to_v: str, to_c: str, note: str) -> None:
        if from_c and to_c:
            links.setdefault((from_v, from_c, to_v, to_c), note)

    for row in crosswalk.itertuples(index=False):
        is_commune = len(row.code_2024) == 5
        if is_commune:
            add("2020", row.code_2024, "2025-01", row.code_2025_03, row.step1_note)
    for row in crosswalk.itertuples(index=False):
        from_d, to_d = row.district_code_2024, row.district_code_2025_03
        note = ""
        if (
            from_d != to_d
            or (
                crosswalk["district_code_2025_03"].eq(to_d)
                & crosswalk["district_code_2024"].ne(to_d)
            ).any()
        ):
            note = f"{row.district_name_2024} → {row.district_name_2025_03} (NQ 1256/NQ-UBTVQH15)"
        add("2020", from_d, "2025-01", to_d, note)
    for row in crosswalk.itertuples(index=False):
        add("2025-01", row.code_2025_03, "2025-07", row.code_2025_07, row.nq1685_line)
    for row in crosswalk.itertuples(index=False):
        add("2020", row.code_2024, "2025-07", row.code_2025_07, row.nq1685_line)
    for from_v, to_v in (("2020", "2025-01"), ("2025-01", "2025-07"), ("2020", "2025-07")):
        add(from_v, "77", to_v, "77", "Province / former-province area")
    return [(*key, note) for key, note in links.items()]


def _crosswalk_findings(crosswalk: pd.DataFrame, links: list[tuple[str, ...]]) -> list[str]:
    findings = []
    for from_v, to_v in (("2020", "2025-01"), ("2025-01", "2025-07"), ("2020", "2025-07")):
        targets: dict[str, set[str]] = {}
        for fv, fc, tv, tc, _ in links:
            if fv == from_v and tv == to_v:
                targets.setdefault(fc, set()).add(tc)
        for code, tos in sorted(targets.items()):
            if len(tos) > 1:
                findings.append(
                    f"crosswalk: {from_v} unit {code} maps to several {to_v} units "
                    f"({', '.join(sorted(tos))}) with weight 1.0 each"
                )
    if crosswalk["code_2024"].duplicated().any():
        dups = sorted(set(crosswalk.loc[crosswalk["code_2024"].duplicated(), "code_2024"]))
        findings.append(f"crosswalk: code_2024 repeated: {', '.join(dups)}")
    return findings


def _store_links(
    session: Session, links: list[tuple[str, str, str, str, str]]
) -> tuple[int, list[str]]:
    existing = set(
        session.execute(
            select(
                CrosswalkLink.from_vintage,
                CrosswalkLink.from_code,
                CrosswalkLink.to_vintage,
                CrosswalkLink.to_code,
            )
        ).all()
    )
    added = 0
    for from_v, from_c, to_v, to_c, note in links:
        if (from_v, from_c, to_v, to_c) in existing:
            continue
        session.add(
            CrosswalkLink(
                from_vintage=from_v,
                from_code=from_c,
                to_vintage=to_v,
                to_code=to_c,
                weight=1.0,
                note=note,
            )
        )
        added += 1
    wanted = {link[:4] for link in links}
    stale = sorted(key for key in existing if key not in wanted)
    findings = [
        f"crosswalk: stored link {fv} {fc} → {tv} {tc} is not in the crosswalk file (kept)"
        for fv, fc, tv, tc in stale
    ]
    return added, findings


def _unit_reference_findings(session: Session, links: list[tuple[str, ...]]) -> list[str]:
    """Report links whose source or target unit is not in the store."""
    known = set(session.execute(select(Unit.vintage_key, Unit.code)).all())
    findings = []
    for from_v, from_c, to_v, to_c, _ in links:
        if (from_v, from_c) not in known:
            findings.append(f"crosswalk: source unit {from_v} {from_c} is not loaded")
        if (to_v, to_c) not in known:
            findings.append(f"crosswalk: target unit {to_v} {to_c} is not loaded")
    return sorted(set(findings))


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


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
        A session inside a transaction (see :func:`geodata.store.transaction`); the caller
        commits.
    geodata_dir : pathlib.Path
        Folder holding the files the manifest names (they are read there, never copied).
    manifest : Manifest, optional
        Defaults to :func:`geodata.manifest.load_manifest`.

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
    paths = {name: _require_file(geodata_dir, name) for name in manifest.file_names()}

    result = LoadResult(summary="")
    _ensure_vintages(session)
    code_lists = {v: read_code_list(paths[name]) for v, name in manifest.code_lists}
    crosswalk = _read_csv(paths[manifest.crosswalk.file], CROSSWALK_COLUMNS)
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
            sha = hashes.setdefault(spec.file, _sha256(path))
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
            frame = _read_layer(path, spec)
            official = _official_units(vintage, spec.level, code_lists, crosswalk)
            prepared = _prepare(frame, spec, official, province_code)
            findings += prepared.findings
            if not (root and spec.level != "province" and not spec.parent_field):
                # A derived root is the union of these very units: nothing to check.
                findings += _containment_findings(session, vintage, label, prepared)
            display, notes = _display(prepared, label)
            findings += notes
            layer = _upsert_layer(
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
            _store_units(session, layer, vintage, spec.level, prepared, display)
            layer.report = json.dumps(findings, ensure_ascii=False)
            session.flush()
            result.findings += findings
            result.layers_loaded.append(label)
            if root and not spec.parent_field and spec.level != "province":
                reloaded_top = spec
        if root is not None:
            _load_root(session, vintage, root, specs, existing_layers, hashes, reloaded_top, result)

    links = crosswalk_links(crosswalk)
    result.findings += _crosswalk_findings(crosswalk, links)
    added, stale = _store_links(session, links)
    result.links_added = added
    result.findings += stale
    session.flush()
    result.findings += _unit_reference_findings(session, links)
    result.seconds = time.perf_counter() - started
    result.summary = _summary(session, result)
    log.info("%s", result.summary)
    return result


def _load_root(
    session: Session,
    vintage: str,
    root: RootSpec,
    specs: Iterable[LayerSpec],
    existing_layers: dict[tuple[str, str], Layer],
    hashes: dict[str, str],
    reloaded_top: LayerSpec | None,
    result: LoadResult,
) -> None:
    """Build (or keep) the root unit of a vintage as the union of its top-level units."""
    top = next((s for s in specs if not s.parent_field and s.level != "province"), None)
    if top is None:
        return
    sha = hashes[top.file]
    existing = existing_layers.get((vintage, "province"))
    label = f"{top.file} ({vintage} province, derived)"
    if existing is not None and existing.file_sha256 == sha and reloaded_top is None:
        result.layers_skipped.append(label)
        return
    rows = session.execute(
        select(Unit.geometry, Unit.display_geometry).where(
            Unit.vintage_key == vintage, Unit.level == top.level, Unit.parent_code == root.code
        )
    ).all()
    full = [from_wkb(r[0]) for r in rows if r[0] is not None]
    shown = [from_wkb(r[1]) for r in rows if r[1] is not None]
    geometry = polygonal_part(shapely.make_valid(shapely.union_all(full))) if full else None
    display = polygonal_part(shapely.make_valid(shapely.union_all(shown))) if shown else None
    layer = _upsert_layer(
        session,
        existing,
        vintage=vintage,
        level="province",
        file_name=top.file,
        sha=sha,
        licence=top.licence,
        attribution=top.attribution,
        upstream=f"{root.note}; {top.upstream}",
        redistributable=top.redistributable,
    )
    prepared = _Prepared([root.code], [root.name], [root.type], [None], [geometry], [])
    _store_units(session, layer, vintage, "province", prepared, [display])
    session.flush()
    result.layers_loaded.append(label)


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


def former_names(session: Session, vintage: str, code: str) -> list[tuple[str, str]]:
    """Return the 2020 units a unit of a later vintage succeeds, for search by former name.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on the store.
    vintage : str
        ``"2025-01"`` or ``"2025-07"`` (``"2020"`` has no predecessors and gives ``[]``).
    code : str
        Code of the unit in ``vintage``.

    Returns
    -------
    list of tuple of str
        ``(old_code, old_name)`` sorted by code: the 2020 units at the same level as the unit
        (communes for a commune, districts for a district) plus leaf units (district Côn Đảo,
        755, for đặc khu Côn Đảo). A predecessor with the same code and name as the unit itself
        is left out.
    """
    if vintage == "2020":
        return []
    unit = session.execute(
        select(Unit.level, Unit.search_key).where(
            Unit.vintage_key == vintage, Unit.code == str(code)
        )
    ).first()
    if unit is None:
        return []
    level, key = unit
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.level, Unit.search_key)
        .join(
            CrosswalkLink,
            (CrosswalkLink.from_code == Unit.code)
            & (CrosswalkLink.from_vintage == Unit.vintage_key),
        )
        .where(
            CrosswalkLink.from_vintage == "2020",
            CrosswalkLink.to_vintage == vintage,
            CrosswalkLink.to_code == str(code),
        )
        .order_by(Unit.code)
    ).all()
    if not rows:
        return []
    parents_with_children = set(
        session.scalars(
            select(Unit.parent_code)
            .where(Unit.vintage_key == "2020", Unit.parent_code.in_([r[0] for r in rows]))
            .distinct()
        ).all()
    )
    out = []
    for old_code, old_name, old_level, old_key in rows:
        if old_level != level and old_code in parents_with_children:
            continue
        if old_level != level and old_level == "province":
            continue
        if old_code == str(code) and old_key == key:
            continue
        out.append((old_code, old_name))
    return out
