"""``dxmap init``: create the store and load vintages, boundaries, catalogue, targets, demo data.

Every step is idempotent: running ``init`` again on a loaded store changes nothing.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from geodata.areas.vintages import stored_vintages
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


@dataclass(frozen=True)
class _DefaultDemoArea:
    """Stand-in for the default area until ``geodata.areas.manifest.Area`` lands.

    TODO(lead, at merge): pass the loaded ``Area`` to ``demo.load_demo`` and delete this class
    and :func:`_default_demo_area` (the brvt ``[demo]`` table is then in ``brvt.toml``).
    """

    key: str
    demo: str
    demo_options: Mapping[str, Any]
    vintages: Sequence[Any]


def _default_demo_area(session: Session) -> _DefaultDemoArea:
    text = resources.files("geodata.areas").joinpath("data/brvt-demo.toml").read_text("utf-8")
    return _DefaultDemoArea(
        key="brvt",
        demo="brvt-2024",
        demo_options=tomllib.loads(text)["demo"],
        vintages=stored_vintages(session),
    )


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
        Also generate and load the area's demo dataset (skipped if already loaded).
    area : Area, optional
        The area (its ``demo``, ``demo_options`` and ``vintages``); the default area if None.

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
            report.steps.append(demo.load_demo(session, area or _default_demo_area(session)))
    for finding in report.findings:
        log.warning("boundary check: %s", finding)
    return report
