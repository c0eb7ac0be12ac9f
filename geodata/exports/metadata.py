"""An export's metadata: view, time, indicator definitions, sources, licences and warnings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.stored import stored_area
from geodata.catalogue.indicators import (
    INDICATOR_LABEL_FIELDS,
    INDICATOR_TEXT_FIELDS,
    catalogue_indicators,
)
from geodata.exports.rows import view_indicators
from geodata.store.models import Layer, Source, Target, Unit, Village
from geodata.view import View

SYNTHETIC_WARNING = (
    "Some values are SYNTHETIC (dxmap demo data, provenance 'synthetic'), not published figures. "
    "/ Một số giá trị là dữ liệu MÔ PHỎNG (provenance 'synthetic'), không phải số liệu công bố."
)
EXAMPLE_TARGETS_NOTE = "Targets marked as examples are not official thresholds."
#: An indicator's fields in the metadata: its labels, then its definitions (then ``source``).
INDICATOR_FIELDS = tuple(dict.fromkeys((*INDICATOR_LABEL_FIELDS, *INDICATOR_TEXT_FIELDS)))


def _area(session: Session) -> dict[str, str] | None:
    area = stored_area(session)
    return (
        None
        if area is None
        else {"key": area.key, "name_vi": area.name_vi, "name_en": area.name_en}
    )


def export_metadata(
    session: Session, view: View, frame: pd.DataFrame, now: datetime | None = None
) -> dict[str, Any]:
    """Describe an export: view, time, indicator definitions, sources, licences, warnings.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session on the store.
    view : View
        The exported view (a parsed :class:`geodata.view.View` with a ``level``).
    frame : pandas.DataFrame
        The exported rows (their ``provenance`` and ``source`` columns are read).
    now : datetime, optional
        The generation time (default: now, UTC).

    Returns
    -------
    dict
        JSON-ready: ``generated_at``, ``area`` (key and names), ``view``, ``rows``,
        ``synthetic``, ``warning``,
        ``indicators``, ``sources``, ``layers``, ``attribution``, ``licence``, ``targets_note``.
    """
    now = now or datetime.now(UTC)
    keys = view_indicators(session, view)
    indicators = [
        {**{field: getattr(i, field) for field in INDICATOR_FIELDS}, "source": i.source_key}
        for i in catalogue_indicators(session)
        if i.key in keys
    ]
    source_keys: set[str] = set()
    for cell in frame["source"] if "source" in frame.columns else []:
        if isinstance(cell, str) and cell:
            source_keys.update(s.strip() for s in cell.split(";") if s.strip())
    sources = [
        {
            "key": s.key,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url,
            "published_on": s.published_on.isoformat() if s.published_on else None,
            "licence": s.licence,
            "provenance": s.provenance,
        }
        for s in session.scalars(select(Source).where(Source.key.in_(sorted(source_keys))))
    ]
    layer_level = "commune" if view.level == "village" else view.level
    layer_ids = select(Unit.layer_id).where(
        Unit.vintage_key == view.vintage, Unit.level == layer_level
    )
    layer_rows = list(
        session.scalars(
            select(Layer)
            .where(
                (Layer.id.in_(layer_ids))
                | ((Layer.vintage_key == view.vintage) & (Layer.level == layer_level))
            )
            .order_by(Layer.id)
        )
    )
    layers = [
        {
            "file": layer.file_name,
            "vintage": layer.vintage_key,
            "level": layer.level,
            "licence": layer.licence,
            "attribution": layer.attribution,
            "upstream": layer.upstream,
            "redistributable": bool(layer.redistributable),
        }
        for layer in layer_rows
    ]
    provenances = {p for p in frame.get("provenance", []) if isinstance(p, str) and p}
    synthetic = bool(provenances - {"published"})
    notes: list[str] = []
    if view.level == "village":
        kinds = set(session.scalars(select(Village.provenance).distinct()))
        if kinds - {"published"}:
            notes.append(
                "Village points are dxmap demo locations (synthetic), not surveyed positions."
            )
    if any(not layer["redistributable"] for layer in layers):
        notes.append(
            "A boundary layer in this file may not be redistributed (see its licence); "
            "keep the export for internal use."
        )
    examples = session.scalar(
        select(Target.id)
        .where(
            Target.indicator_key.in_(keys),
            Target.period == view.period,
            Target.is_example.is_(True),
        )
        .limit(1)
    )
    return {
        "generated_at": now.astimezone(UTC)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        "generator": "dxmap",
        "area": _area(session),
        "view": view.as_dict(),
        "rows": len(frame),
        "synthetic": synthetic,
        "warning": SYNTHETIC_WARNING if synthetic else None,
        "notes": notes,
        "targets_note": EXAMPLE_TARGETS_NOTE if examples is not None else None,
        "indicators": indicators,
        "sources": sources,
        "layers": layers,
        "attribution": "; ".join(dict.fromkeys(layer["attribution"] for layer in layers)),
        "licence": "; ".join(dict.fromkeys(layer["licence"] for layer in layers)),
    }
