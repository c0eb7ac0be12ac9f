"""The indicator catalogue, targets and sources: data files loaded into the store, and read back.

:func:`load_catalogue` writes the CSV files into the store; :func:`catalogue_indicators` and
:func:`catalogue_frame` read the catalogue back in catalogue order for every other module.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.models import COMPARATORS, KINDS, LEVELS, Indicator, Source, Target

PILLARS = {
    "chinh_quyen_so": ("Chính quyền số", "Digital government"),
    "kinh_te_so": ("Kinh tế số", "Digital economy"),
    "xa_hoi_so": ("Xã hội số", "Digital society"),
}
#: The descriptive fields of ``indicators.csv``, in file order (besides key, source, sort order).
INDICATOR_TEXT_FIELDS = (
    "name_vi",
    "name_en",
    "pillar",
    "unit",
    "kind",
    "direction",
    "definition_vi",
    "definition_en",
    "numerator_vi",
    "numerator_en",
    "denominator_vi",
    "denominator_en",
    "finest_level",
)
#: The fields that name and describe an indicator at the head of an analysis table.
INDICATOR_LABEL_FIELDS = ("key", "name_vi", "name_en", "pillar", "kind", "unit", "direction")
#: The columns of :func:`catalogue_frame`.
CATALOGUE_COLUMNS = (
    *INDICATOR_LABEL_FIELDS,
    "numerator_vi",
    "numerator_en",
    "denominator_vi",
    "denominator_en",
    "finest_level",
    "sort_order",
)


class CatalogueError(ValueError):
    """A catalogue, target or source file has a bad row."""


def _rows(name: str, folder: Path | None = None) -> list[tuple[int, dict[str, str]]]:
    path = (folder / name) if folder else resources.files("geodata.catalogue") / "data" / name
    return _read(path)


def _read(path: Any) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
    except FileNotFoundError:
        raise CatalogueError(f"{path}: catalogue file not found") from None


def _merged(base: list[tuple[int, dict[str, str]]], extra: list[tuple[int, dict[str, str]]]):
    """Add the area's sources to the generic ones (replacing those with the same key)."""
    keys = {row["key"] for _, row in extra}
    return [(n, row) for n, row in base if row["key"] not in keys] + extra


def _check(condition: bool, file: str, row: int, column: str, message: str) -> None:
    if not condition:
        raise CatalogueError(f"{file}, row {row}, column {column}: {message}")


def load_catalogue(
    session: Session,
    folder: Path | None = None,
    *,
    sources: Path | None = None,
    targets: Path | None = None,
    indicator_source: str | None = None,
) -> str:
    """Insert or update sources, indicators and targets from the CSV files in ``folder``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction.
    folder : pathlib.Path, optional
        Where ``sources.csv``, ``indicators.csv`` and ``targets.csv`` live; default: the
        package's generic ``geodata/catalogue/data``.
    sources : pathlib.Path, optional
        The area's own sources (the ``[catalogue]`` table's ``sources``), added to the generic.
    targets : pathlib.Path, optional
        The area's targets (``[catalogue]`` ``targets``), instead of the generic examples.
    indicator_source : str, optional
        The source of every indicator whose ``source_key`` is empty (``[catalogue]``
        ``indicator_source``).

    Returns
    -------
    str
        A one-line summary.

    Raises
    ------
    CatalogueError
        Naming file, row and column of the first bad value; nothing is written then.
    """
    base_sources = _rows("sources.csv", folder)
    sources_rows = _merged(base_sources, _read(sources)) if sources else base_sources
    indicators = _rows("indicators.csv", folder)
    if indicator_source:
        for _, row in indicators:
            row["source_key"] = row["source_key"] or indicator_source
    target_rows = _read(targets) if targets else _rows("targets.csv", folder)
    sources, targets_ = sources_rows, target_rows
    source_keys = {row["key"] for _, row in sources}
    for n, row in sources:
        _check(
            row["provenance"] in ("published", "synthetic"),
            "sources.csv",
            n,
            "provenance",
            f"must be published or synthetic, got {row['provenance']!r}",
        )
    for n, row in indicators:
        _check(row["kind"] in KINDS, "indicators.csv", n, "kind", f"unknown kind {row['kind']!r}")
        _check(
            row["pillar"] in PILLARS,
            "indicators.csv",
            n,
            "pillar",
            f"unknown pillar {row['pillar']!r}",
        )
        _check(
            row["finest_level"] in LEVELS,
            "indicators.csv",
            n,
            "finest_level",
            f"unknown level {row['finest_level']!r}",
        )
        _check(
            row["direction"] in ("higher", "lower"),
            "indicators.csv",
            n,
            "direction",
            "must be higher or lower",
        )
        _check(
            not row["source_key"] or row["source_key"] in source_keys,
            "indicators.csv",
            n,
            "source_key",
            f"unknown source {row['source_key']!r}",
        )
    indicator_keys = {row["key"] for _, row in indicators}
    for n, row in targets_:
        _check(
            row["indicator_key"] in indicator_keys,
            "targets.csv",
            n,
            "indicator_key",
            f"unknown indicator {row['indicator_key']!r}",
        )
        _check(
            row["comparator"] in COMPARATORS,
            "targets.csv",
            n,
            "comparator",
            f"must be one of {', '.join(COMPARATORS)}",
        )
        try:
            float(row["threshold"])
        except ValueError:
            _check(False, "targets.csv", n, "threshold", f"not a number: {row['threshold']!r}")

    for _, row in sources:
        src = session.get(Source, row["key"]) or Source(key=row["key"])
        src.title, src.publisher, src.url = row["title"], row["publisher"], row["url"]
        src.published_on = date.fromisoformat(row["published_on"]) if row["published_on"] else None
        src.licence, src.provenance = row["licence"], row["provenance"]
        session.add(src)
    session.flush()
    for _, row in indicators:
        ind = session.get(Indicator, row["key"]) or Indicator(key=row["key"])
        for column in INDICATOR_TEXT_FIELDS:
            setattr(ind, column, row[column])
        ind.source_key = row["source_key"] or None
        ind.sort_order = int(row["sort_order"] or 0)
        session.add(ind)
    session.flush()
    existing = {
        (t.indicator_key, t.period, t.scope_code): t for t in session.scalars(select(Target))
    }
    for _, row in targets_:
        key = (row["indicator_key"], row["period"], row["scope_code"] or "*")
        tgt = existing.get(key) or Target(indicator_key=key[0], period=key[1], scope_code=key[2])
        tgt.comparator, tgt.threshold = row["comparator"], float(row["threshold"])
        tgt.is_example = row["is_example"].strip().lower() in ("true", "1", "yes")
        tgt.note = row["note"]
        session.add(tgt)
    return (
        f"catalogue: {len(sources)} sources, {len(indicators)} indicators, {len(targets_)} targets"
    )


def catalogue_indicators(session: Session, indicator_key: str | None = None) -> list[Indicator]:
    """Return the stored indicators in catalogue order (``sort_order``, then key).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str, optional
        Only this indicator (an empty list when it is unknown).

    Returns
    -------
    list of Indicator
        The catalogue entries.
    """
    stmt = select(Indicator).order_by(Indicator.sort_order, Indicator.key)
    if indicator_key is not None:
        stmt = stmt.where(Indicator.key == indicator_key)
    return list(session.scalars(stmt))


def catalogue_frame(session: Session, indicator_key: str | None = None) -> pd.DataFrame:
    """Return the indicator catalogue in catalogue order.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str, optional
        Only this indicator.

    Returns
    -------
    pandas.DataFrame
        One row per indicator with :data:`CATALOGUE_COLUMNS`.

    Raises
    ------
    ValueError
        If ``indicator_key`` is given and unknown.
    """
    rows = [
        {c: getattr(ind, c) for c in CATALOGUE_COLUMNS}
        for ind in catalogue_indicators(session, indicator_key)
    ]
    if indicator_key is not None and not rows:
        raise ValueError(f"unknown indicator {indicator_key!r}")
    return pd.DataFrame(rows, columns=list(CATALOGUE_COLUMNS))
