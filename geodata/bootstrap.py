"""``dxmap init``: create the store and load the area, boundaries, catalogue, targets, demo data.

Every step is idempotent: running ``init`` again on a loaded store changes nothing.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field

from sqlalchemy import Engine

from geodata.areas.manifest import Area
from geodata.areas.stored import store_area
from geodata.boundaries import load as boundaries
from geodata.catalogue import indicators as catalogue
from geodata.demo import generate as demo
from geodata.store.engine import create_schema, transaction

log = logging.getLogger(__name__)


@dataclass
class InitReport:
    """What ``init`` did and what the load checks found."""

    steps: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def _load_demo(session, area: Area) -> str:
    """Call the demo with the area when it takes one (``load_demo(session, area)``)."""
    params = list(inspect.signature(demo.load_demo).parameters)
    if len(params) > 1 and params[1] != "seed":
        return demo.load_demo(session, area)
    if area.demo == "brvt-2024":
        return demo.load_demo(session)
    return f"demo: the {area.demo!r} demo is not available; none loaded"


def init_store(engine: Engine, area: Area, *, with_demo: bool = True) -> InitReport:
    """Create the schema and load everything ``dxmap init`` promises for ``area``.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    area : Area
        The area manifest (:func:`geodata.areas.manifest.load_area`); its files are read where
        :meth:`Area.resolve` finds them.
    with_demo : bool
        Also generate and load the area's demo dataset (``[area] demo``; skipped if already
        loaded, or when the area's demo is ``none``).

    Returns
    -------
    InitReport
        Steps taken and load-check findings (invalid geometry repaired, children outside parents).
    """
    report = InitReport()
    create_schema(engine)
    with transaction(engine) as session:
        store_area(session, area)
        files = {k: area.resolve(v) for k, v in area.catalogue.items() if k != "indicator_source"}
        report.steps.append(
            catalogue.load_catalogue(
                session,
                sources=files.get("sources"),
                targets=files.get("targets"),
                indicator_source=area.catalogue.get("indicator_source"),
            )
        )
    with transaction(engine) as session:
        loaded = boundaries.load_boundaries(session, area)
        report.steps.append(loaded.summary)
        report.findings.extend(loaded.findings)
    if with_demo and area.demo != "none":
        with transaction(engine) as session:
            report.steps.append(_load_demo(session, area))
    for finding in report.findings:
        log.warning("boundary check: %s", finding)
    return report
