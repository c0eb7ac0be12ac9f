"""What the roll-ups are made of, read from the store: finest level, village sums, unit rows.

Village rows are summed by the database (one ``GROUP BY`` per indicator, period and vintage,
through the indexed village parents): the 90,994 villages of the country never travel to Python
one by one. Unit rows (a commune- or province-level import, a published figure) are few and
read as they are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

import numpy as np
import pandas as pd
from sqlalchemy import Float, and_, case, cast, false, func, null, select
from sqlalchemy.orm import Session

from geodata.rollups.partials import PART_COLUMNS, empty_parts, join_sources
from geodata.store.frames import rows_frame
from geodata.store.models import LEVELS, Observation, VillageParent

#: Codes per ``IN (…)`` list (well under SQLite's and PostgreSQL's parameter limits).
CHUNK = 500
ROW_COLUMNS = ("code", "vintage_key", "numerator", "denominator", "value", "provenance", "source")


def chunks(items: Collection[str], size: int = CHUNK) -> Iterator[list[str]]:
    """Yield ``items`` in sorted lists of at most ``size``."""
    ordered = sorted(items)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def finest_level(session: Session, indicator: str, period: str) -> tuple[str | None, str | None]:
    """Return the finest level holding values of an indicator and period, and its vintages.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator, period : str
        The pair.

    Returns
    -------
    tuple of (str or None, str or None)
        The level (``village`` … ``country``; ``None`` without any row) and the sorted,
        ``,``-joined vintage keys of that level's rows.
    """
    for level in reversed(LEVELS):
        here = (
            Observation.indicator_key == indicator,
            Observation.period == period,
            Observation.level == level,
        )
        if session.scalar(select(Observation.id).where(*here).limit(1)) is None:
            continue
        vintages = session.scalars(select(Observation.vintage_key).where(*here).distinct())
        return level, ",".join(sorted(v for v in vintages if v))
    return None, None


def _observation_join(indicator: str, period: str):  # noqa: ANN202 - a SQL expression
    return and_(
        Observation.indicator_key == indicator,
        Observation.period == period,
        Observation.level == "village",
        Observation.code == VillageParent.village_code,
    )


def village_parts(
    session: Session,
    indicator: str,
    period: str,
    kind: str,
    vintage: str,
    units: Collection[str] | None = None,
) -> pd.DataFrame:
    """Sum the village rows of one indicator and period into their units' partials.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator, period, kind : str
        The pair and the indicator's kind.
    vintage : str
        Whose village parents link the villages to units.
    units : collection of str, optional
        Only these units (default: every unit that holds villages).

    Returns
    -------
    pandas.DataFrame
        :data:`~geodata.rollups.partials.PART_COLUMNS`, indexed by unit code: every village
        linked counts in ``n_children``, with or without a row.
    """
    o = Observation
    if kind == "count":
        amount = func.coalesce(o.value, o.numerator)
        summable = amount.is_not(None)
        value_only = false()
        den = cast(null(), Float)
    else:
        amount = o.numerator
        summable = and_(o.numerator.is_not(None), o.denominator.is_not(None))
        value_only = and_(o.id.is_not(None), ~summable, o.value.is_not(None))
        den = case((summable, o.denominator))
    columns = [
        VillageParent.unit_code,
        func.count(),
        func.sum(case((summable, 1), else_=0)),
        func.sum(case((and_(summable, o.provenance != ""), 1), else_=0)),
        func.sum(case((and_(summable, o.provenance == "published"), 1), else_=0)),
        func.sum(case((value_only, 1), else_=0)),
        func.sum(case((summable, amount))),
        func.sum(den),
        func.max(case((value_only, o.value))),
        func.max(case((value_only, o.provenance))),
        func.max(case((value_only, o.source_key))),
    ]
    names = ["code", *PART_COLUMNS[:5], "part_num", "part_den", *PART_COLUMNS[-3:]]
    base = (
        select(*columns)
        .select_from(VillageParent)
        .outerjoin(o, _observation_join(indicator, period))
        .where(VillageParent.vintage_key == vintage)
        .group_by(VillageParent.unit_code)
    )
    source_query = (
        select(VillageParent.unit_code, o.source_key)
        .select_from(VillageParent)
        .join(o, _observation_join(indicator, period))
        .where(VillageParent.vintage_key == vintage, summable, o.source_key != "")
        .distinct()
    )
    rows: list = []
    pairs: list = []
    for chunk in [None] if units is None else list(chunks(units)):
        if chunk is not None and not chunk:
            continue
        narrow = [] if chunk is None else [VillageParent.unit_code.in_(chunk)]
        rows.extend(session.execute(base.where(*narrow)).all())
        pairs.extend(session.execute(source_query.where(*narrow)).all())
    if not rows:
        return empty_parts([])
    frame = rows_frame(rows, names).set_index("code")
    for column in PART_COLUMNS[:5]:
        frame[column] = frame[column].fillna(0).astype(np.int64)
    for column in ("part_num", "part_den", "part_vo_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    lone = frame["part_value_only"] == 1
    frame.loc[~lone, ["part_vo_value"]] = np.nan
    for column in ("part_vo_provenance", "part_vo_source"):
        kept = frame[column].where(lone & frame[column].map(lambda v: bool(v)), None)
        frame[column] = kept.astype(object)
    sources = join_sources(rows_frame(pairs, ["code", "source"]))
    frame["part_sources"] = sources.reindex(frame.index).astype(object)
    frame["part_sources"] = frame["part_sources"].where(frame["part_sources"].notna(), None)
    frame.index.name = "code"
    return frame[list(PART_COLUMNS)]


def unit_rows(session: Session, indicator: str, period: str, level: str) -> pd.DataFrame:
    """Return the stored rows of one unit level (few): :data:`ROW_COLUMNS`."""
    o = Observation
    rows = session.execute(
        select(
            o.code, o.vintage_key, o.numerator, o.denominator, o.value, o.provenance, o.source_key
        ).where(o.indicator_key == indicator, o.period == period, o.level == level)
    ).all()
    return _numbers(rows_frame(rows, list(ROW_COLUMNS)))


def published_rows(session: Session, indicator: str, period: str) -> pd.DataFrame:
    """Return the published unit rows of a pair (shown beside the computed values).

    Returns
    -------
    pandas.DataFrame
        ``level, code, vintage_key, numerator, denominator, value, source, note``.
    """
    o = Observation
    rows = session.execute(
        select(
            o.level,
            o.code,
            o.vintage_key,
            o.numerator,
            o.denominator,
            o.value,
            o.source_key,
            o.note,
        ).where(
            o.indicator_key == indicator,
            o.period == period,
            o.provenance == "published",
            o.level != "village",
        )
    ).all()
    columns = ["level", "code", "vintage_key", "numerator", "denominator", "value", "source"]
    return _numbers(rows_frame(rows, [*columns, "note"]))


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("numerator", "denominator", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame
