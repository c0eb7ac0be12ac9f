"""The demo data sets, chosen by the area manifest's ``demo``, and :func:`load_demo`.

``"none"``
    Nothing.
``"brvt-2024"``
    The calibrated demo: no public village- or commune-level values exist for the area, so this
    makes a plausible stand-in, clearly labelled ``synthetic`` (source ``dxmap_demo``),
    calibrated so that the root's aggregates of the published period, computed from the village
    rows, equal the published figures of ``[demo.published]`` to well within 0.01 percentage
    points, and so do the units listed there; spatial variation is plausible (urban phường
    higher, the districts of ``[demo.urbanity]`` up or down); earlier periods are lower and have
    real gaps (``[demo.gaps]``), later ones slightly higher. The published figures themselves
    are stored as separate ``published`` rows, so nothing synthetic is ever stored as, or mixed
    with, a published value. Every number of the area is in its ``[demo]`` table.
``"synthetic"``
    Any area: villages, households, adults and values of every catalogue indicator for every
    period the area's vintages cover, all synthetic (:mod:`geodata.demo.synthetic`).

:func:`generate_demo` (the calibrated one) is pure (units and successors in, frames out);
:func:`load_demo` reads the units from the store (:mod:`geodata.demo.inputs`), calls the
generator and bulk-inserts the rows (:mod:`geodata.demo.write`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.areas.vintages import vintage_for_period
from geodata.demo.calibrate import calibrate_capped, integerize
from geodata.demo.inputs import leaf_units, successors_from_store
from geodata.demo.options import CalibratedOptions, calibrated_options
from geodata.demo.synthetic import load_synthetic
from geodata.demo.values import RATIO_INDICATORS, demo_observations
from geodata.demo.villages import allocate_villages, make_villages
from geodata.demo.write import write_demo
from geodata.store.models import Village

# Besides the entry points, names the demo generator's tests reach through this module.
__all__ = [
    "DEMO_KINDS",
    "RATIO_INDICATORS",
    "DemoArea",
    "DemoData",
    "allocate_villages",
    "calibrate_capped",
    "calibrated_options",
    "generate_demo",
    "integerize",
    "load_demo",
]

log = logging.getLogger(__name__)

DEMO_KINDS = ("none", "brvt-2024", "synthetic")


class DemoArea(Protocol):
    """What :func:`load_demo` needs of an area (``geodata.areas.manifest.Area`` has it)."""

    key: str
    demo: str
    demo_options: Mapping[str, Any]
    vintages: Sequence[Any]  # oldest first; each with key, valid_from, valid_to, levels


@dataclass(frozen=True)
class DemoData:
    """The generated rows, as frames whose columns match the store's tables.

    Attributes
    ----------
    villages : pandas.DataFrame
        ``code, name, search_key, lon, lat, households, adults, provenance`` plus helper
        columns (``unit_code``, the parent in the oldest vintage, and others).
    parents : pandas.DataFrame
        ``village_code, vintage_key, unit_code`` for every vintage.
    observations : pandas.DataFrame
        ``indicator_key, period, vintage_key, level, code, numerator, denominator, value,
        provenance, source_key, note``.
    """

    villages: pd.DataFrame
    parents: pd.DataFrame
    observations: pd.DataFrame


def generate_demo(
    units: pd.DataFrame,
    successors: pd.DataFrame,
    options: CalibratedOptions,
    vintages: Sequence[Any],
    seed: int | None = None,
) -> DemoData:
    """Generate the calibrated demo's villages, their parents and every observation.

    Parameters
    ----------
    units : pandas.DataFrame
        The leaf units of the oldest vintage with ``code``, ``name``, ``type``, ``level``,
        ``parent_code`` and ``geometry`` (shapely, lon/lat).
    successors : pandas.DataFrame
        ``code`` (leaf unit) and one column per later vintage key (its successor unit).
    options : CalibratedOptions
        The area's ``[demo]`` table (:func:`calibrated_options`).
    vintages : sequence
        The area's vintages, oldest first (``key``, ``valid_from``, ``valid_to``).
    seed : int, optional
        Seed of the ``numpy.random.Generator`` (default ``[demo] seed``); the same seed and
        inputs give the same output.

    Returns
    -------
    DemoData
        Villages, parents and observations (synthetic rows and the published rows).
    """
    rng = np.random.default_rng(options.seed if seed is None else seed)
    units = units.copy()
    if "area_km2" not in units.columns:
        # Rough km² near 10.5° N, only used to weight the allocation.
        units["area_km2"] = [g.area * 110.6 * 109.3 for g in units["geometry"]]
    villages, parents = make_villages(units, successors, rng, options, vintages[0].key)
    period_vintage = {p: vintage_for_period(p, vintages) for p in options.periods}
    observations = demo_observations(villages, rng, options, period_vintage)
    return DemoData(villages=villages, parents=parents, observations=observations)


def _calibrated(session: Session, area: DemoArea) -> DemoData:
    options = calibrated_options(area.demo_options)
    vintages = tuple(area.vintages)
    base = vintages[0]
    levels = tuple(base.levels)
    units = leaf_units(session, base.key, levels[0] if len(levels) > 1 else None)
    successors = successors_from_store(
        session, units["code"].tolist(), base.key, [v.key for v in vintages[1:]]
    )
    return generate_demo(units, successors, options, vintages)


def load_demo(session: Session, area: DemoArea) -> str:
    """Generate the area's demo data set and write it to the store (once).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction, on a store whose catalogue, vintages, units and
        crosswalk are loaded.
    area : Area
        The area (``demo``, ``demo_options``, ``vintages``, ``key``).

    Returns
    -------
    str
        A one-line summary (or a note that there is nothing to do).

    Raises
    ------
    ValueError
        For an unknown ``demo`` or a bad ``[demo]`` table (naming the key).
    """
    kind = area.demo
    if kind not in DEMO_KINDS:
        raise ValueError(f"[area] demo: unknown demo {kind!r} (one of {', '.join(DEMO_KINDS)})")
    if kind == "none":
        return "demo: none for this area"
    existing = session.scalar(select(func.count()).select_from(Village))
    if existing:
        return f"demo: {existing} villages already loaded, nothing to do"
    if kind == "synthetic":
        return load_synthetic(session, area)
    data = _calibrated(session, area)
    return write_demo(session, data.villages, data.parents, data.observations)
