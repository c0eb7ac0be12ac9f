"""Writing the demo rows (in bulk: :func:`geodata.store.bulk.insert_frame`)."""

from __future__ import annotations

import logging

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.bulk import insert_frame
from geodata.store.models import OBSERVATION_FIELDS, Indicator, Observation, Village, VillageParent

log = logging.getLogger(__name__)

VILLAGE_FIELDS = ("code", "name", "search_key", "lon", "lat", "households", "adults", "provenance")
PARENT_FIELDS = ("village_code", "vintage_key", "unit_code")


def known_indicators(session: Session) -> set[str]:
    """Return the indicator keys of the stored catalogue."""
    return set(session.scalars(select(Indicator.key)).all())


def write_demo(
    session: Session,
    villages: pd.DataFrame,
    parents: pd.DataFrame,
    observations: pd.DataFrame,
) -> str:
    """Write villages, their parents and observations (of catalogue indicators only).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction.
    villages, parents, observations : pandas.DataFrame
        As :class:`geodata.demo.generate.DemoData`.

    Returns
    -------
    str
        A one-line summary.
    """
    known = known_indicators(session)
    keep = observations["indicator_key"].isin(known)
    skipped = sorted(set(observations.loc[~keep, "indicator_key"]))
    if skipped:
        log.warning("demo: indicators not in the catalogue, not loaded: %s", ", ".join(skipped))
    observations = observations[keep]
    insert_frame(session, Village, villages, VILLAGE_FIELDS)
    insert_frame(session, VillageParent, parents, PARENT_FIELDS)
    insert_frame(session, Observation, observations, OBSERVATION_FIELDS)
    published = int((observations["provenance"] == "published").sum())
    return (
        f"demo: {len(villages)} villages (synthetic), {len(observations) - published} "
        f"synthetic and {published} published observations"
    )
