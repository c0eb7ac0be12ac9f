"""Reading the stored roll-ups: a level's units, a unit's villages, the area's root; indexed reads.

Every answer of dxmap (the map, the analysis tabs, the API, the CLI export, the print brief)
comes through these functions (by way of :mod:`geodata.rollups.queries`): a level of the country
is one indexed read of its rows, a commune's villages one read of their values; nothing is
summed per request.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from geodata.catalogue.scopes import other_scope_vintage
from geodata.catalogue.targets import TargetRule, apply_rules, load_targets
from geodata.rollups.build import SHOWN_COLUMNS
from geodata.rollups.inputs import chunks
from geodata.store.frames import rows_frame
from geodata.store.models import (
    Indicator,
    Observation,
    Rollup,
    RollupScope,
    Unit,
    UnitAncestor,
    Village,
    VillageParent,
)
from geodata.values.aggregate import PERCENT_KINDS, row_values
from geodata.values.cells import nullable
from geodata.values.columns import (
    UNIT_COLUMNS,
    UNIT_EXTRA_COLUMNS,
    VILLAGE_COLUMNS,
    VILLAGE_EXTRA_COLUMNS,
)

_UNIT_FIELDS = ("code", "name", "level", "parent_code", "type")
_FLOATS = ("value", "numerator", "denominator", "target", "published_value")
_COUNTS = ("n_children", "n_with_data")


def stored_periods(session: Session) -> tuple[str, ...]:
    """Return every period with at least one stored value, sorted (read from the roll-ups)."""
    query = select(RollupScope.period).where(RollupScope.data_level.is_not(None)).distinct()
    return tuple(sorted(session.scalars(query)))


def indicator_kind(session: Session, indicator: str) -> str:
    """Return an indicator's kind; raise ``ValueError`` for an unknown indicator."""
    kind = session.scalar(select(Indicator.kind).where(Indicator.key == indicator))
    if kind is None:
        raise ValueError(f"unknown indicator {indicator!r}")
    return str(kind)


def _unit_level(session: Session, vintage: str, code: str) -> str | None:
    return session.scalar(select(Unit.level).where(Unit.vintage_key == vintage, Unit.code == code))


def _has_children(session: Session, vintage: str, code: str) -> bool:
    query = select(UnitAncestor.code).where(
        UnitAncestor.vintage_key == vintage, UnitAncestor.ancestor_code == code
    )
    return session.scalar(query.limit(1)) is not None


def _rows(
    session: Session,
    indicator: str,
    period: str,
    vintage: str,
    level: str | None,
    parent: str | None,
    codes: Collection[str] | None = None,
) -> list:
    joined = and_(
        Rollup.vintage_key == Unit.vintage_key,
        Rollup.code == Unit.code,
        Rollup.indicator_key == indicator,
        Rollup.period == period,
    )
    query = (
        select(
            *(getattr(Unit, f) for f in _UNIT_FIELDS), *(getattr(Rollup, c) for c in SHOWN_COLUMNS)
        )
        .select_from(Unit)
        .outerjoin(Rollup, joined)
        .where(Unit.vintage_key == vintage)
    )
    if level is not None:
        query = query.where(Unit.level == level)
    if codes is not None:
        query = query.where(Unit.code.in_(sorted(codes)))
    if parent is not None:
        query = query.join(
            UnitAncestor,
            and_(
                UnitAncestor.vintage_key == Unit.vintage_key,
                UnitAncestor.code == Unit.code,
                UnitAncestor.ancestor_code == parent,
            ),
        )
    return session.execute(query).all()


def _scope(
    session: Session, indicator: str, period: str, vintage: str, level: str
) -> tuple[str | None, str | None, str | None]:
    row = session.execute(
        select(RollupScope.data_level, RollupScope.data_vintage, RollupScope.error).where(
            RollupScope.indicator_key == indicator,
            RollupScope.period == period,
            RollupScope.vintage_key == vintage,
            RollupScope.level == level,
        )
    ).first()
    return (None, None, None) if row is None else (row[0], row[1], row[2])


def _frame(rows: list, kind: str) -> pd.DataFrame:
    out = rows_frame(rows, [*_UNIT_FIELDS, *SHOWN_COLUMNS])
    out = out.sort_values("code", kind="stable", ignore_index=True)
    for column in _FLOATS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in _COUNTS:
        out[column] = pd.to_numeric(out[column], errors="coerce").fillna(0).astype(int)
    for column in (
        "provenance",
        "source",
        "comparator",
        "target_scope",
        "target_scope_vintage",
        "published_source",
        "published_note",
        "parent_code",
    ):
        out[column] = nullable(out[column].astype(object))
    out["met"] = pd.Series(
        [None if m is None or m is pd.NA else bool(m) for m in out["met"]],
        index=out.index,
        dtype=object,
    )
    out["type"] = out["type"].fillna("").astype(object)
    out["above_100"] = (
        (out["value"] > 100.0).to_numpy()
        if kind in PERCENT_KINDS
        else np.zeros(len(out), dtype=bool)
    )
    return out


def level_values(
    session: Session,
    indicator: str,
    period: str,
    vintage: str,
    level: str,
    parent: str | None = None,
    codes: Collection[str] | None = None,
) -> pd.DataFrame:
    """Return the stored values of a level's units (optionally inside one unit).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator, period, vintage, level : str
        What to read (the vintage and level already checked).
    parent : str, optional
        Only units lying, directly or not, in this unit. A leaf (a district without
        communes) asked for its communes is returned itself, as the map drills into it.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`geodata.rollups.queries.unit_values`, sorted by code.

    Raises
    ------
    ValueError
        On an unknown indicator or parent, or a level that cannot show the period (its roll-up
        scope says why: a backward crosswalk).
    """
    kind = indicator_kind(session, indicator)
    if parent is not None:
        if _unit_level(session, vintage, parent) is None:
            raise ValueError(f"no unit {parent!r} in vintage {vintage}")
        rows = _rows(session, indicator, period, vintage, level, parent)
        if not rows and not _has_children(session, vintage, parent):
            level = str(_unit_level(session, vintage, parent))
            rows = _rows(session, indicator, period, vintage, None, None, codes=[parent])
    else:
        rows = _rows(session, indicator, period, vintage, level, None, codes)
    data_level, data_vintage, error = _scope(session, indicator, period, vintage, level)
    if error and rows:
        raise ValueError(error)
    out = _frame(rows, kind)
    out["vintage"], out["period"], out["indicator"] = vintage, period, indicator
    out["data_level"] = data_level
    out["data_vintage"] = data_vintage if rows else None
    return out[list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS)].reset_index(drop=True)


def unit_series(
    session: Session, vintage: str, code: str, period: str | None = None
) -> dict[tuple[str, str], object]:
    """Return one unit's stored rows of every indicator and period (one read, for a trend).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage, code : str
        The unit.
    period : str, optional
        Only this period (a scorecard).

    Returns
    -------
    dict
        ``(indicator, period)`` → the unit's row (a ``pandas.Series`` with the columns of
        :func:`level_values`), or the ``ValueError`` that level gives for that pair (a backward
        crosswalk). Pairs without a stored row are absent.
    """
    return {
        (indicator, p): row
        for (_, indicator, p), row in units_series(session, vintage, [code], period).items()
    }


def units_series(
    session: Session, vintage: str, codes: Collection[str], period: str | None = None
) -> dict[tuple[str, str, str], object]:
    """Return some units' stored rows of every indicator (and period), in one read.

    Returns
    -------
    dict
        ``(code, indicator, period)`` → the row or the ``ValueError`` of its level (see
        :func:`unit_series`).

    Raises
    ------
    ValueError
        On a code that is not a unit of ``vintage``.
    """
    levels = dict(
        session.execute(
            select(Unit.code, Unit.level).where(
                Unit.vintage_key == vintage, Unit.code.in_(sorted(codes))
            )
        ).all()
    )
    for code in codes:
        if code not in levels:
            raise ValueError(f"no unit {code!r} in vintage {vintage}")
    kinds = dict(session.execute(select(Indicator.key, Indicator.kind)).all())
    scope_query = select(
        RollupScope.indicator_key,
        RollupScope.period,
        RollupScope.level,
        RollupScope.data_level,
        RollupScope.data_vintage,
        RollupScope.error,
    ).where(RollupScope.vintage_key == vintage, RollupScope.level.in_(set(levels.values())))
    query = (
        select(
            Rollup.indicator_key,
            Rollup.period,
            *(getattr(Unit, f) for f in _UNIT_FIELDS),
            *(getattr(Rollup, c) for c in SHOWN_COLUMNS),
        )
        .select_from(Unit)
        .join(Rollup, and_(Rollup.vintage_key == Unit.vintage_key, Rollup.code == Unit.code))
        .where(Unit.vintage_key == vintage, Unit.code.in_(sorted(codes)))
    )
    if period is not None:
        scope_query = scope_query.where(RollupScope.period == period)
        query = query.where(Rollup.period == period)
    scopes = {(i, p, lv): rest for i, p, lv, *rest in session.execute(scope_query)}
    rows = session.execute(query.order_by(Unit.code, Rollup.indicator_key, Rollup.period)).all()
    out: dict[tuple[str, str, str], object] = {}
    if not rows:
        return out
    frame = _frame([row[2:] for row in rows], "ratio")  # one code after another: stays in order
    keys = [(row[2], row[0], row[1]) for row in sorted(rows, key=lambda r: r[2])]
    found = [scopes.get((i, p, levels[c]), (None, None, None)) for c, i, p in keys]
    frame["vintage"] = vintage
    frame["indicator"] = [k[1] for k in keys]
    frame["period"] = [k[2] for k in keys]
    frame["data_level"] = [f[0] for f in found]
    frame["data_vintage"] = [f[1] for f in found]
    percent = frame["indicator"].map(lambda key: kinds.get(key) in PERCENT_KINDS).astype(bool)
    frame["above_100"] = (frame["value"] > 100.0) & percent
    frame = frame[list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS)]
    for n, key in enumerate(keys):
        error = found[n][2]
        out[key] = ValueError(error) if error else frame.iloc[n]
    return out


def _stored_rules(
    session: Session, indicator: str, period: str, vintage: str, codes: list[str]
) -> dict[str, TargetRule | None]:
    """Return the target rule stored with each unit's roll-up (``None``: no target)."""
    out: dict[str, TargetRule | None] = {}
    for chunk in chunks(codes):
        for code, target, comparator, scope, scope_vintage in session.execute(
            select(
                Rollup.code,
                Rollup.target,
                Rollup.comparator,
                Rollup.target_scope,
                Rollup.target_scope_vintage,
            ).where(
                Rollup.vintage_key == vintage,
                Rollup.indicator_key == indicator,
                Rollup.period == period,
                Rollup.code.in_(chunk),
            )
        ):
            out[code] = (
                None
                if target is None
                else TargetRule(
                    indicator,
                    period,
                    scope or "*",
                    float(target),
                    comparator or ">=",
                    scope_vintage=scope_vintage,
                )
            )
    return out


def village_rules_stored(
    session: Session,
    rules: list[TargetRule],
    indicator: str,
    period: str,
    vintage: str,
    parents: Mapping[str, str],
) -> dict[str, TargetRule | None]:
    """Return each village's target rule from its units' stored rules.

    A village's own scope comes first; then its unit's rule in the targets' scope vintage
    (when that is another vintage and the village has a unit there), else its unit's rule in
    ``vintage`` — what :func:`geodata.catalogue.scopes.village_rules` resolves, read from the
    roll-ups instead of walking the trees.
    """
    if not rules:
        return {}
    by_scope = {rule.scope_code: rule for rule in rules}
    here = _stored_rules(session, indicator, period, vintage, sorted(set(parents.values())))
    other = other_scope_vintage(rules, vintage)
    there: dict[str, str] = {}
    there_rules: dict[str, TargetRule | None] = {}
    if other is not None:
        for chunk in chunks(list(parents)):
            there.update(
                session.execute(
                    select(VillageParent.village_code, VillageParent.unit_code).where(
                        VillageParent.vintage_key == other,
                        VillageParent.village_code.in_(chunk),
                    )
                ).all()
            )
        there_rules = _stored_rules(session, indicator, period, other, sorted(set(there.values())))
    out: dict[str, TargetRule | None] = {}
    for code, parent in parents.items():
        if code in by_scope:
            out[code] = by_scope[code]
        elif code in there and there[code] in there_rules:
            out[code] = there_rules[there[code]]
        else:
            out[code] = here.get(parent)
    return out


def unit_villages(
    session: Session, indicator: str, period: str, vintage: str, unit: str
) -> pd.DataFrame:
    """Return the villages lying in a unit (or below it) with their values and targets.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator, period, vintage : str
        What to read (the vintage already checked).
    unit : str
        A unit of ``vintage``.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`geodata.rollups.queries.village_values`, sorted by code.

    Raises
    ------
    ValueError
        On an unknown indicator or unit.
    """
    kind = indicator_kind(session, indicator)
    if _unit_level(session, vintage, unit) is None:
        raise ValueError(f"no unit {unit!r} in vintage {vintage}")
    below = select(UnitAncestor.code).where(
        UnitAncestor.vintage_key == vintage, UnitAncestor.ancestor_code == unit
    )
    o = Observation
    query = (
        select(
            Village.code,
            Village.name,
            Village.lon,
            Village.lat,
            Village.households,
            Village.adults,
            VillageParent.unit_code,
            o.numerator,
            o.denominator,
            o.value,
            o.provenance,
            o.source_key,
        )
        .select_from(VillageParent)
        .join(Village, Village.code == VillageParent.village_code)
        .outerjoin(
            o,
            and_(
                o.indicator_key == indicator,
                o.period == period,
                o.level == "village",
                o.code == VillageParent.village_code,
            ),
        )
        .where(
            VillageParent.vintage_key == vintage,
            (VillageParent.unit_code == unit) | VillageParent.unit_code.in_(below),
        )
    )
    names = ["code", "name", "lon", "lat", "households", "adults", "parent_code"]
    rows = session.execute(query).all()
    frame = rows_frame(rows, [*names, "numerator", "denominator", "value", "provenance", "source"])
    frame = frame.sort_values("code", kind="stable", ignore_index=True)
    for column in ("numerator", "denominator", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    out = frame[names].copy()
    out["value"] = row_values(frame, kind).astype(float)
    out["numerator"] = frame["numerator"]
    out["denominator"] = frame["denominator"]
    for column in ("provenance", "source"):
        out[column] = nullable(frame[column].astype(object))
    out["level"] = "village"
    out["vintage"], out["period"], out["indicator"] = vintage, period, indicator
    out["above_100"] = (
        (out["value"] > 100.0) if kind in PERCENT_KINDS else pd.Series(False, index=out.index)
    )
    rules = load_targets(session, indicator, period)
    parent_of = dict(zip(out["code"], out["parent_code"], strict=True))
    out = apply_rules(
        out, village_rules_stored(session, rules, indicator, period, vintage, parent_of)
    )
    return out[list(VILLAGE_COLUMNS + VILLAGE_EXTRA_COLUMNS)]
