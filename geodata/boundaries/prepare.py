"""Preparing one boundary layer: read it, repair its geometry, check its codes and parents.

Problems that do not stop the load are returned as findings: invalid geometry repaired, codes not
in the official code list (the vintage's ``[[codelist]]``, or the units a crosswalk names), names
that differ from the official ones (the official name is used), children outside their parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.manifest import LayerSpec
from geodata.areas.text import search_key
from geodata.boundaries.files import BoundaryLoadError, normal_code
from geodata.boundaries.simplify import polygonal_part
from geodata.store.geometry import CRS, from_wkb
from geodata.store.models import Unit


@dataclass
class Prepared:
    """A layer's units, ready to be stored (one entry per unique code), and the findings."""

    codes: list[str]
    names: list[str]
    types: list[str]
    parents: list[str | None]
    geometries: list[BaseGeometry | None]
    findings: list[str]


def read_layer(path: Path, spec: LayerSpec) -> gpd.GeoDataFrame:
    """Read a boundary file, checking that it has the fields the manifest names.

    The layer's ``where`` (OGR SQL) is applied while reading, so only matching features are
    parsed into memory.
    """
    try:
        frame = gpd.read_file(path, engine="pyogrio", where=spec.where or None)
    except Exception as exc:  # pyogrio raises several types; name the file either way
        what = f" with where = {spec.where!r}" if spec.where else ""
        raise BoundaryLoadError(
            f"{spec.file}: cannot be read as a vector layer{what}: {exc}"
        ) from exc
    if frame.empty:
        what = f" match where = {spec.where!r}" if spec.where else " in the file"
        raise BoundaryLoadError(f"{spec.file}: no features{what}")
    for attr in ("code_field", "name_field", "type_field", "parent_field"):
        column = getattr(spec, attr)
        if column and column not in frame.columns:
            raise BoundaryLoadError(
                f"{spec.file}: field {column!r} (the manifest's {attr}) is missing; "
                f"the file has {', '.join(map(str, frame.columns))}"
            )
    return frame


def prepare(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    official: pd.DataFrame | None,
    root_code: str | None,
) -> Prepared:
    """Repair geometry, ensure EPSG:4326, check codes and take official names.

    ``root_code`` is the parent of units whose parent cell is empty (or with no
    ``parent_field``): the vintage's root for the level right below it, ``None`` at the top.
    """
    findings: list[str] = []
    label = f"{spec.file} ({spec.vintage} {spec.level})"
    if frame.crs is None:
        findings.append(f"{label}: no CRS declared; assumed EPSG:4326")
        frame = frame.set_crs(CRS)
    elif frame.crs.to_epsg() != 4326:
        findings.append(f"{label}: reprojected from {frame.crs.to_string()} to EPSG:4326")
        frame = frame.to_crs(CRS)

    codes = [normal_code(v, spec.level) for v in frame[spec.code_field]]
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
        parents: list[str | None] = [
            normal_code(v, "") or root_code for v in frame[spec.parent_field]
        ]
    else:
        parents = [root_code] * len(codes)

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
    prepared = Prepared(
        codes=[codes[i] for i in merged],
        names=[names[i] for i in merged],
        types=[types[i] for i in merged],
        parents=[parents[i] for i in merged],
        geometries=[geoms[i] for i in merged],
        findings=findings,
    )

    if official is not None:
        apply_official(prepared, official, spec, label)
    return prepared


def apply_official(
    prepared: Prepared, official: pd.DataFrame, spec: LayerSpec, label: str | None = None
) -> None:
    """Check codes against the official list and take its names, types and parents."""
    label = label or f"{spec.file} ({spec.vintage} {spec.level})"
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
        if official_parent and prepared.parents[i] is not None:
            if prepared.parents[i] and prepared.parents[i] != official_parent:
                prepared.findings.append(
                    f"{label}: {code} has parent {prepared.parents[i]} in the file and "
                    f"{official_parent} in the official list (the official parent is used)"
                )
            prepared.parents[i] = official_parent


def official_units(
    vintage: str,
    level: str,
    code_lists: dict[str, pd.DataFrame],
    from_crosswalks: dict[str, pd.DataFrame],
    bottom: bool,
) -> pd.DataFrame | None:
    """Return the official units of a vintage and level.

    The vintage's code list when it has one; else, for its bottom level, the units a crosswalk
    names (``to_name_field``); else ``None`` (nothing to check against).
    """
    if vintage in code_lists:
        table = code_lists[vintage]
        return table[table["level"] == level]
    if bottom and vintage in from_crosswalks:
        return from_crosswalks[vintage]
    return None


def containment_findings(
    session: Session,
    vintage: str,
    label: str,
    prepared: Prepared,
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
    for polygon in parents.values():
        if polygon is not None:
            shapely.prepare(polygon)
    checked: list[tuple[str, str]] = []
    holders, points = [], []
    for code, parent, geometry in zip(
        prepared.codes, prepared.parents, prepared.geometries, strict=True
    ):
        if not parent or geometry is None:
            continue
        if parent not in parents:
            findings.append(f"{label}: parent {parent} of {code} is not loaded")
            continue
        if parents[parent] is None:
            continue
        checked.append((code, parent))
        holders.append(parents[parent])
        points.append(geometry)
    if checked:
        inside = shapely.covers(
            np.asarray(holders, dtype=object),
            shapely.point_on_surface(np.asarray(points, dtype=object)),
        )
        findings += [
            f"{label}: {code} lies outside its parent {parent}"
            for (code, parent), ok in zip(checked, inside, strict=True)
            if not ok
        ]
    return findings
