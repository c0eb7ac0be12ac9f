"""Storing boundary layers: units with full and display geometry, layer records, derived roots.

A vintage whose files have no province polygon (2025-07) gets a root built as the union of its
top-level units (:data:`ROOTS`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from geodata.areas.manifest import LayerSpec
from geodata.areas.text import search_key
from geodata.boundaries.prepare import Prepared
from geodata.boundaries.simplify import display_geometries, polygonal_part
from geodata.store.geometry import from_wkb, to_wkb
from geodata.store.models import Layer, Unit

log = logging.getLogger(__name__)


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


def store_units(
    session: Session,
    layer: Layer,
    vintage: str,
    level: str,
    prepared: Prepared,
    display: list[BaseGeometry | None],
) -> None:
    """Add the prepared units of one layer, with their display geometry and bounding box."""
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


def display_geometry(prepared: Prepared, label: str) -> tuple[list[BaseGeometry | None], list[str]]:
    """Build the simplified display geometry of a layer's units once, with its findings."""
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
    vintage: str,
    root: RootSpec,
    specs: Iterable[LayerSpec],
    existing_layers: dict[tuple[str, str], Layer],
    hashes: dict[str, str],
    reloaded_top: LayerSpec | None,
) -> tuple[str, bool] | None:
    """Build (or keep) the root unit of a vintage as the union of its top-level units.

    Returns the layer's label and whether it was (re)built, or ``None`` without a top level.
    """
    top = next((s for s in specs if not s.parent_field and s.level != "province"), None)
    if top is None:
        return None
    sha = hashes[top.file]
    existing = existing_layers.get((vintage, "province"))
    label = f"{top.file} ({vintage} province, derived)"
    if existing is not None and existing.file_sha256 == sha and reloaded_top is None:
        return label, False
    rows = session.execute(
        select(Unit.geometry, Unit.display_geometry).where(
            Unit.vintage_key == vintage, Unit.level == top.level, Unit.parent_code == root.code
        )
    ).all()
    full = [from_wkb(r[0]) for r in rows if r[0] is not None]
    shown = [from_wkb(r[1]) for r in rows if r[1] is not None]
    geometry = polygonal_part(shapely.make_valid(shapely.union_all(full))) if full else None
    display = polygonal_part(shapely.make_valid(shapely.union_all(shown))) if shown else None
    layer = upsert_layer(
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
    prepared = Prepared([root.code], [root.name], [root.type], [None], [geometry], [])
    store_units(session, layer, vintage, "province", prepared, [display])
    session.flush()
    return label, True
