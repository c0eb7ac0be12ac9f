"""``dxmap init``: create the store and load vintages, boundaries, catalogue, targets, demo data.

Every step is idempotent: running ``init`` again on a loaded store changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from geodata.boundaries import load as boundaries
from geodata.catalogue import indicators as catalogue
from geodata.demo import generate as demo
from geodata.imports.villages import load_village_register
from geodata.store.engine import create_schema, transaction

log = logging.getLogger(__name__)


@dataclass
class InitReport:
    """What ``init`` did and what the load checks found."""

    steps: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


def init_store(
    engine: Engine, geodata_dir: Path, *, with_demo: bool = True, area: Any = None
) -> InitReport:
    """Create the schema and load everything ``dxmap init`` promises.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store.
    geodata_dir : pathlib.Path
        Folder with the boundary files named in ``geodata/data/boundaries.toml``.
    with_demo : bool
        Also generate and load the synthetic demo dataset (skipped if already loaded).
    area : Area, optional
        The area manifest; its ``[villages] file`` is loaded (once) after the demo.

    Returns
    -------
    InitReport
        Steps taken and load-check findings (invalid geometry repaired, children outside parents).
    """
    report = InitReport()
    create_schema(engine)
    with transaction(engine) as session:
        report.steps.append(catalogue.load_catalogue(session))
    with transaction(engine) as session:
        loaded = boundaries.load_boundaries(session, geodata_dir)
        report.steps.append(loaded.summary)
        report.findings.extend(loaded.findings)
    if with_demo:
        with transaction(engine) as session:
            report.steps.append(demo.load_demo(session))
    if area is not None:
        with transaction(engine) as session:
            report.steps.append(load_village_register(session, area))
    for finding in report.findings:
        log.warning("boundary check: %s", finding)
    return report
