"""Storing boundary layers: units with full and display geometry, layer records, derived roots.

A vintage whose top level has no layer (``root_code`` in the manifest: a former province inside a
new one, or the country) gets a root built as the union of the units one level below it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from geodata.areas.manifest import AreaVintage, LayerSpec
from geodata.areas.text import search_key
from geodata.boundaries.prepare import Prepared
from geodata.boundaries.simplify import display_geometries, polygonal_part
from geodata.store.geometry import from_wkb, to_wkb
from geodata.store.models import Layer, Unit

log = logging.getLogger(__name__)


def store_units(
    session: Session,
    layer: Layer,
    vintage: str,
    level: str,
    prepared: Prepared,
    display: list[BaseGeometry | None],
) -> None:
    """Add the prepared units of one layer, with their display geometry and bounding box.

    One bulk insert with the WKB encoded as arrays (3,321 communes in well under a second).
    """
    rows = []
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
        rows.append(
            {
                "vintage_key": vintage,
                "code": code,
                "name": name,
                "type": type_,
                "level": level,
                "parent_code": parent,
                "search_key": search_key(name),
                "geometry": to_wkb(geometry),
                "display_geometry": to_wkb(shown),
                "min_lon": bounds[0],
                "min_lat": bounds[1],
                "max_lon": bounds[2],
                "max_lat": bounds[3],
                "layer_id": layer.id,
            }
        )
    if rows:
        session.execute(insert(Unit), rows)


CHUNK_UNITS = 400
"""A layer with more units is simplified per parent (coverage cleaning grows faster than
linearly: the 3,321 communes of the country take about half as long in 34 provinces)."""


def display_geometry(prepared: Prepared, label: str) -> tuple[list[BaseGeometry | None], list[str]]:
    """Build the simplified display geometry of a layer's units once, with its findings.

    Up to :data:`CHUNK_UNITS` units are simplified as one coverage; a larger layer is simplified
    per parent, so shared borders stay identical inside each parent (the map shows one parent's
    units at a time) and only borders between parents are simplified twice.
    """
    indices = [i for i, g in enumerate(prepared.geometries) if g is not None]
    groups: dict[str | None, list[int]] = {}
    if len(indices) > CHUNK_UNITS:
        for i in indices:
            groups.setdefault(prepared.parents[i], []).append(i)
    else:
        groups[None] = indices
    display: list[BaseGeometry | None] = [None] * len(prepared.geometries)
    notes: list[str] = []
    before = after = 0
    for members in groups.values():
        result = display_geometries(
            [prepared.geometries[i] for i in members],
            labels=[prepared.codes[i] for i in members],
        )
        for i, geometry in zip(members, result.geometries, strict=True):
            display[i] = geometry
        before += result.vertices_before
        after += result.vertices_after
        notes += result.notes
    log.info("%s: display geometry %d → %d vertices", label, before, after)
    return display, [f"{label}: {note}" for note in notes]


def upsert_layer(
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
    """Create the layer record, or reset an existing one and delete its units."""
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


def load_root(
    session: Session,
    vintage: AreaVintage,
    child: LayerSpec,
    existing: Layer | None,
    sha: str,
    rebuild: bool,
) -> tuple[str, bool]:
    """Build (or keep) the root unit of a vintage as the union of the units right below it.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside the load's transaction.
    vintage : AreaVintage
        A vintage with ``root_code``; its top level has no layer.
    child : LayerSpec
        The layer of the level right below the root (its licence and upstream are the root's).
    existing : Layer or None
        The root's stored layer record, if any.
    sha : str
        The hash of ``child``'s file.
    rebuild : bool
        Whether ``child`` was (re)loaded in this run.

    Returns
    -------
    tuple
        The root layer's label and whether it was (re)built.
    """
    top = vintage.levels[0]
    label = f"{child.file} ({vintage.key} {top}, derived)"
    if existing is not None and existing.file_sha256 == sha and not rebuild:
        return label, False
    rows = session.execute(
        select(Unit.geometry, Unit.display_geometry).where(
            Unit.vintage_key == vintage.key,
            Unit.level == child.level,
            Unit.parent_code == vintage.root_code,
        )
    ).all()
    full = [from_wkb(r[0]) for r in rows if r[0] is not None]
    shown = [from_wkb(r[1]) for r in rows if r[1] is not None]
    geometry = polygonal_part(shapely.make_valid(shapely.union_all(full))) if full else None
    display = polygonal_part(shapely.make_valid(shapely.union_all(shown))) if shown else None
    note = vintage.note or f"Derived: union of the {len(full)} units of {vintage.root_code}"
    layer = upsert_layer(
        session,
        existing,
        vintage=vintage.key,
        level=top,
        file_name=child.file,
        sha=sha,
        licence=child.licence,
        attribution=child.attribution,
        upstream=f"Derived (union of {child.level} units): {note}; {child.upstream}",
        redistributable=child.redistributable,
    )
    prepared = Prepared(
        [str(vintage.root_code)],
        [str(vintage.root_name_vi)],
        [vintage.root_type],
        [None],
        [geometry],
        [],
    )
    store_units(session, layer, vintage.key, top, prepared, [display])
    session.flush()
    return label, True
