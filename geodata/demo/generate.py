"""The deterministic synthetic demo dataset: 503 villages and their indicator values.

No public village- or commune-level values exist for Bà Rịa-Vũng Tàu. This module makes a
plausible stand-in, clearly labelled ``synthetic`` (source ``dxmap_demo``), calibrated so that:

- the 2024 province aggregates computed from the village rows equal the published figures of the
  article (``article_brvt_2024_10_15``) to well within 0.01 percentage points;
- Xã Phước Hưng (26677, 6 villages) equals its published 2024 values;
- spatial variation is plausible (urban phường higher, remote rural and island areas lower);
- 2023 is lower and has real gaps (villages without mobile broadband, villages without a
  community technology team); 2025 is slightly higher than 2024.

The published figures themselves are stored as separate ``published`` rows at the province
(77) and at Phước Hưng (26677); the synthetic data live at village level (and, for the
province-only indicator ``full_online_procedures``, at the province in 2023 and 2025), so
nothing synthetic is ever stored as, or mixed with, a published value.

:func:`generate_demo` is pure (units and successors in, frames out); :func:`load_demo` reads the
units from the store (:mod:`geodata.demo.inputs`), calls it and bulk-inserts the rows. The villages
are drawn in :mod:`geodata.demo.villages`, their values in :mod:`geodata.demo.values` (calibrated
with :mod:`geodata.demo.calibrate` to the figures of :mod:`geodata.demo.published`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from geodata.demo.calibrate import calibrate_capped, integerize
from geodata.demo.inputs import leaf_units, successors_from_store
from geodata.demo.values import RATIO_INDICATORS, demo_observations
from geodata.demo.villages import allocate_villages, make_villages
from geodata.store.models import OBSERVATION_FIELDS, Indicator, Observation, Village, VillageParent

# Besides the entry points, names the demo generator's tests reach through this module.
__all__ = [
    "DEMO_SEED",
    "RATIO_INDICATORS",
    "DemoData",
    "allocate_villages",
    "calibrate_capped",
    "generate_demo",
    "integerize",
    "load_demo",
]

log = logging.getLogger(__name__)

DEMO_SEED = 20241015


@dataclass(frozen=True)
class DemoData:
    """The generated rows, as frames whose columns match the store's tables.

    Attributes
    ----------
    villages : pandas.DataFrame
        ``code, name, search_key, lon, lat, households, adults, provenance`` plus the helper
        columns ``unit_code`` (2020 parent), ``people_15plus``, ``merchants``,
        ``farm_households``, ``utility_bills`` (2024 denominators) and ``score``.
    parents : pandas.DataFrame
        ``village_code, vintage_key, unit_code`` for the vintages 2020, 2025-01 and 2025-07.
    observations : pandas.DataFrame
        ``indicator_key, period, vintage_key, level, code, numerator, denominator, value,
        provenance, source_key, note``.
    """

    villages: pd.DataFrame
    parents: pd.DataFrame
    observations: pd.DataFrame


def generate_demo(units: pd.DataFrame, successors: pd.DataFrame, seed: int = DEMO_SEED) -> DemoData:
    """Generate the demo villages, their parents and every observation.

    Parameters
    ----------
    units : pandas.DataFrame
        The leaf units of the 2020 vintage (82 communes and Côn Đảo district) with ``code``,
        ``name``, ``type``, ``level``, ``parent_code`` and ``geometry`` (shapely, lon/lat).
    successors : pandas.DataFrame
        ``code`` (2020 leaf unit), ``code_2025_01`` and ``code_2025_07`` (its successor units).
    seed : int
        Seed of the ``numpy.random.Generator``; the same seed and inputs give the same output.

    Returns
    -------
    DemoData
        Villages, parents and observations (synthetic rows and the article's published rows).
    """
    rng = np.random.default_rng(seed)
    units = units.copy()
    if "area_km2" not in units.columns:
        # Rough km² at 10.5° N, only used to weight the allocation.
        units["area_km2"] = [g.area * 110.6 * 109.3 for g in units["geometry"]]
    villages, parents = make_villages(units, successors, rng)
    observations = demo_observations(villages, rng)
    return DemoData(villages=villages, parents=parents, observations=observations)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    subset = frame[columns].astype(object)
    subset = subset.where(subset.notna(), None)
    return subset.to_dict("records")


def load_demo(session: Session, seed: int = DEMO_SEED) -> str:
    """Generate the demo dataset and write it to the store (once).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction, on a store whose catalogue, vintages, units and
        crosswalk are loaded.
    seed : int
        Generator seed.

    Returns
    -------
    str
        A one-line summary (or a note that the demo data were already there).
    """
    existing = session.scalar(select(func.count()).select_from(Village))
    if existing:
        return f"demo: {existing} villages already loaded, nothing to do"
    units = leaf_units(session, "2020")
    successors = successors_from_store(session, units["code"].tolist())
    data = generate_demo(units, successors, seed)
    known = set(session.scalars(select(Indicator.key)).all())
    observations = data.observations[data.observations["indicator_key"].isin(known)]
    skipped = sorted(set(data.observations["indicator_key"]) - known)
    if skipped:
        log.warning("demo: indicators not in the catalogue, not loaded: %s", ", ".join(skipped))
    village_columns = ["code", "name", "search_key", "lon", "lat", "households", "adults"]
    session.execute(insert(Village), _records(data.villages, [*village_columns, "provenance"]))
    session.execute(
        insert(VillageParent),
        _records(data.parents, ["village_code", "vintage_key", "unit_code"]),
    )
    session.execute(insert(Observation), _records(observations, list(OBSERVATION_FIELDS)))
    published = int((observations["provenance"] == "published").sum())
    return (
        f"demo: {len(data.villages)} villages (synthetic), {len(observations) - published} "
        f"synthetic and {published} published observations"
    )
