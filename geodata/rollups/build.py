"""Building the stored roll-ups, whole or for what a write touched, in the writer's transaction.

For each indicator and period with values or targets, and each vintage, every unit gets one
:class:`~geodata.store.models.Rollup` row: its partial sums (:mod:`geodata.rollups.partials`),
its value, its target and whether it is met, and the published figure stored for it. Each
vintage and level gets a :class:`~geodata.store.models.RollupScope` row saying what the values
were made from (the finest level, its vintages) or why the level cannot show the period.

The rules are those of :mod:`geodata.values.flat` (the reference computation that
``dxmap rollup --check`` compares with):

- the finest level holding values is what is summed; village rows link to their unit in each
  vintage, unit rows of the vintage shown to their own unit, unit rows of another vintage
  through the crosswalk (forward in time only);
- the root is the same area in every vintage: for unit rows of another vintage it is rolled up
  on their own vintage;
- a parent's partial is the sum of its children's: a commune is summed from its villages, a
  province from its communes' partials, the country from its provinces'.

:func:`update_rollups` recomputes only what a write touched: for village rows, the units the
touched villages lie in and their ancestors (a commune, its province, the country), reading the
other children's stored partials; anything that changes what a pair is made of (its finest
level or its vintages, unit rows) rebuilds that pair.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import crosswalk_path
from geodata.areas.hierarchy import Hierarchy, load_hierarchy
from geodata.areas.vintages import VintageSpec, stored_vintages
from geodata.catalogue.scopes import unit_rules
from geodata.catalogue.targets import apply_rules, is_met, load_targets
from geodata.rollups import inputs
from geodata.rollups.partials import (
    PART_COLUMNS,
    combine,
    empty_parts,
    finalize,
    link_parts,
)
from geodata.rollups.tree import children, depths, rebuild_closure
from geodata.store.bulk import insert_frame
from geodata.store.models import Indicator, Observation, Rollup, RollupScope, Target, VillageParent
from geodata.values.aggregate import row_values

log = logging.getLogger(__name__)

#: The columns a reader shows (besides the partial sums).
SHOWN_COLUMNS = (
    "value",
    "numerator",
    "denominator",
    "n_children",
    "n_with_data",
    "provenance",
    "source",
    "target",
    "met",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "published_value",
    "published_source",
    "published_note",
)
#: Every column of a roll-up row, as written.
ROLLUP_FIELDS = tuple(column.name for column in Rollup.__table__.columns)
TARGET_COLUMNS = ("target", "comparator", "target_scope", "target_scope_vintage")
PUBLISHED_COLUMNS = ("published_value", "published_source", "published_note")


@dataclass(frozen=True)
class Touched:
    """What a write changed: observation keys, and units whose villages changed.

    Attributes
    ----------
    observations : frozenset of tuple
        ``(indicator, period, level, code)`` of every row written, replaced or removed.
    leaves : frozenset of tuple
        ``(vintage, unit code)`` of units that gained, lost or moved villages (a village
        register): every pair summed from villages is updated there.
    """

    observations: frozenset[tuple[str, str, str, str]] = frozenset()
    leaves: frozenset[tuple[str, str]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.observations or self.leaves)


@dataclass
class _Context:
    """What the pairs of one build share: vintages, hierarchies, crosswalk walks, memo."""

    session: Session
    vintages: tuple[VintageSpec, ...] = ()
    kinds: dict[str, str] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)
    _hier: dict[str, Hierarchy] = field(default_factory=dict)
    _depth: dict[str, pd.Series] = field(default_factory=dict)
    _kids: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    _walks: dict[tuple[str, str], pd.DataFrame | ValueError] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session) -> _Context:
        kinds = dict(session.execute(select(Indicator.key, Indicator.kind)).all())
        return cls(session, stored_vintages(session), kinds)

    def hierarchy(self, vintage: str) -> Hierarchy:
        if vintage not in self._hier:
            self._hier[vintage] = load_hierarchy(self.session, vintage)
        return self._hier[vintage]

    def depth(self, vintage: str) -> pd.Series:
        if vintage not in self._depth:
            self._depth[vintage] = depths(self.hierarchy(vintage))
        return self._depth[vintage]

    def kids(self, vintage: str) -> dict[str, list[str]]:
        if vintage not in self._kids:
            self._kids[vintage] = children(self.hierarchy(vintage))
        return self._kids[vintage]

    def walk(self, source: str, target: str) -> pd.DataFrame:
        key = (source, target)
        if key not in self._walks:
            try:
                self._walks[key] = crosswalk_path(self.session, source, target)
            except ValueError as error:
                self._walks[key] = error
        found = self._walks[key]
        if isinstance(found, ValueError):
            raise ValueError(*found.args)
        return found

    def loaded(self) -> list[VintageSpec]:
        """Return the vintages with units (a vintage without a layer has nothing to roll up)."""
        out = []
        for spec in self.vintages:
            try:
                self.hierarchy(spec.key)
            except ValueError:
                continue
            out.append(spec)
        return out


# -- rolling partials up a tree ---------------------------------------------------------------


def _add(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Add partials indexed by code (two frames for one unit add up)."""
    parts = [frame for frame in frames if not frame.empty]
    if not parts:
        return empty_parts([])
    both = pd.concat(parts)
    return combine(both, both.index.to_numpy())


def roll_up(hier: Hierarchy, depth: pd.Series, direct: pd.DataFrame) -> pd.DataFrame:
    """Return every unit's partial: its own links (``direct``) plus its children's, bottom-up."""
    codes = hier.units.index
    parts = _add([empty_parts(codes), direct[direct.index.isin(codes)]]).reindex(codes)
    parent = hier.units["parent_code"]
    known = set(codes)
    for level_depth in sorted(set(depth.unique()), reverse=True):
        if level_depth == 0:
            break
        kids = depth.index[depth == level_depth]
        up = parent.loc[kids]
        up = up[up.map(lambda p: isinstance(p, str) and p in known)]
        if up.empty:
            continue
        summed = combine(parts.loc[up.index], up.to_numpy())
        merged = _add([parts.loc[summed.index], summed])
        parts = pd.concat([parts.drop(index=merged.index), merged]).reindex(codes)
    return parts


def _self_links(codes: Iterable[str], hier: Hierarchy) -> pd.DataFrame:
    known = [code for code in dict.fromkeys(codes) if code in hier.units.index]
    return pd.DataFrame({"code": known, "parent_code": known, "weight": 1.0})


def _unit_parts(
    ctx: _Context, kind: str, rows: pd.DataFrame, vintages: list[str], vintage: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return ``vintage``'s partials from unit rows (own vintage, crosswalk, root rule)."""
    hier = ctx.hierarchy(vintage)
    depth = ctx.depth(vintage)
    top, roots = hier.top_level(), hier.roots()
    errors: dict[str, str] = {}
    total: list[pd.DataFrame] = []
    for data_vintage in vintages:
        group = rows[rows["vintage_key"] == data_vintage]
        if data_vintage == vintage:
            links = _self_links(group["code"], hier)
            total.append(roll_up(hier, depth, link_parts(group, links, kind)))
            continue
        try:
            walked = roll_up(hier, depth, link_parts(group, ctx.walk(data_vintage, vintage), kind))
        except ValueError as error:
            walked = empty_parts(hier.units.index)
            for level in _levels(ctx, vintage):
                if level != top:
                    errors.setdefault(level, str(error))
        # The root is the same area in every vintage: roll up on the data's own vintage.
        own = ctx.hierarchy(data_vintage)
        own_parts = roll_up(
            own, ctx.depth(data_vintage), link_parts(group, _self_links(group["code"], own), kind)
        )
        own_roots = own.roots()
        linked = [r for r in own_roots if own_parts.at[r, "n_children"] > 0]
        if len(own_roots) == 1 and len(roots) == 1:
            mapping = dict.fromkeys(linked, roots[0])
        else:
            mapping = {root: root for root in linked}
            missing = sorted(set(linked) - set(roots))
            if missing:
                errors.setdefault(
                    str(top),
                    f"root {missing[0]} of vintage {data_vintage} is not a root of vintage "
                    f"{vintage}",
                )
                mapping = {}
        tops = hier.units.index[hier.units["level"] == top]
        carried = own_parts.loc[list(mapping)] if mapping else empty_parts([])
        carried = combine(carried, [mapping[c] for c in carried.index]) if mapping else carried
        walked = pd.concat(
            [walked.drop(index=tops), _add([empty_parts(tops), carried]).reindex(tops)]
        ).reindex(hier.units.index)
        total.append(walked)
    return _add(total).reindex(hier.units.index), errors


def _levels(ctx: _Context, vintage: str) -> tuple[str, ...]:
    for spec in ctx.vintages:
        if spec.key == vintage:
            return spec.levels
    return ()


# -- the rows written -------------------------------------------------------------------------


def _published(
    frame: pd.DataFrame, published: pd.DataFrame, kind: str, vintage: str, top: str | None
) -> pd.DataFrame:
    """Put the published figure stored for each unit (same level; same vintage below the top)."""
    out = frame.copy()
    for column in PUBLISHED_COLUMNS:
        out[column] = pd.Series([None] * len(out), index=out.index, dtype=object)
    out["published_value"] = np.nan
    if published.empty:
        return out
    rows = published[published["level"].isin(set(out["level"]))]
    rows = rows[(rows["level"] == top) | (rows["vintage_key"] == vintage)]
    if rows.empty:
        return out
    rows = rows.assign(_value=row_values(rows, kind))
    keyed = rows.drop_duplicates(["level", "code"]).set_index(["level", "code"])
    index = pd.MultiIndex.from_arrays([out["level"], out["code"]])
    found = index.isin(keyed.index)
    if not found.any():
        return out
    picked = keyed.reindex(index[found])
    out.loc[found, "published_value"] = picked["_value"].to_numpy(dtype=float)
    for column, source in (("published_source", "source"), ("published_note", "note")):
        texts = picked[source].to_numpy(dtype=object)
        out.loc[found, column] = [t if isinstance(t, str) else None for t in texts]
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as dicts for the database (NaN and NA as None, numpy scalars as Python)."""
    columns = list(frame.columns)
    out = []
    for row in frame.itertuples(index=False, name=None):
        record = {}
        for column, value in zip(columns, row, strict=True):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                record[column] = None
            elif isinstance(value, np.integer):
                record[column] = int(value)
            elif isinstance(value, np.floating):
                record[column] = float(value)
            elif isinstance(value, np.bool_):
                record[column] = bool(value)
            elif value is pd.NA:
                record[column] = None
            else:
                record[column] = value
        out.append(record)
    return out


def _unit_frame(
    ctx: _Context, indicator: str, period: str, vintage: str, parts: pd.DataFrame
) -> pd.DataFrame:
    """Return the rows of every unit of a vintage with targets and met (published: later)."""
    hier = ctx.hierarchy(vintage)
    kind = ctx.kinds[indicator]
    final = finalize(parts, kind)
    frame = pd.DataFrame(
        {
            "vintage_key": vintage,
            "indicator_key": indicator,
            "period": period,
            "code": hier.units["code"].to_numpy(),
            "level": hier.units["level"].to_numpy(),
        }
    )
    for column in final.columns:
        frame[column] = final[column].to_numpy()
    rules = load_targets(ctx.session, indicator, period)
    frame = apply_rules(frame, unit_rules(ctx.session, rules, hier, frame["code"], ctx.memo))
    frame["met"] = frame["met"].astype(object)
    for column in PART_COLUMNS[1:]:
        frame[column] = parts[column].to_numpy()
    return frame


# -- building a pair --------------------------------------------------------------------------


def _pairs(session: Session) -> list[tuple[str, str]]:
    """Every (indicator, period) with a stored value or a target, sorted."""
    found = set(
        session.execute(select(Observation.indicator_key, Observation.period).distinct()).all()
    )
    found |= set(session.execute(select(Target.indicator_key, Target.period).distinct()).all())
    known = set(session.scalars(select(Indicator.key)))
    return sorted((i, p) for i, p in found if i in known)


def _has_targets(session: Session, indicator: str, period: str) -> bool:
    query = select(Target.id).where(Target.indicator_key == indicator, Target.period == period)
    return session.scalar(query.limit(1)) is not None


def _delete_pair(session: Session, indicator: str, period: str) -> None:
    for model in (Rollup, RollupScope):
        session.execute(
            delete(model).where(model.indicator_key == indicator, model.period == period)
        )


def build_pair(ctx: _Context, indicator: str, period: str, *, replace: bool = True) -> int:
    """Compute and write every roll-up of one pair (all vintages); return the rows written."""
    session = ctx.session
    if replace:
        _delete_pair(session, indicator, period)
    if indicator not in ctx.kinds:
        return 0
    kind = ctx.kinds[indicator]
    finest, data_vintage = inputs.finest_level(session, indicator, period)
    if finest is None and not _has_targets(session, indicator, period):
        return 0
    published = inputs.published_rows(session, indicator, period)
    rows = (
        inputs.unit_rows(session, indicator, period, finest)
        if finest not in (None, "village")
        else None
    )
    written = 0
    for spec in ctx.loaded():
        hier = ctx.hierarchy(spec.key)
        errors: dict[str, str] = {}
        if finest is None:
            parts = empty_parts(hier.units.index)
        elif finest == "village":
            direct = inputs.village_parts(session, indicator, period, kind, spec.key)
            parts = roll_up(hier, ctx.depth(spec.key), direct)
        else:
            vintages = (data_vintage or "").split(",")
            parts, errors = _unit_parts(ctx, kind, rows, vintages, spec.key)
        frame = _unit_frame(ctx, indicator, period, spec.key, parts)
        frame = _published(frame, published, kind, spec.key, hier.top_level())
        written += insert_frame(session, Rollup, frame, ROLLUP_FIELDS)
        scopes = [
            {
                "indicator_key": indicator,
                "period": period,
                "vintage_key": spec.key,
                "level": level,
                "data_level": finest,
                "data_vintage": data_vintage,
                "error": errors.get(level),
            }
            for level in spec.levels
        ]
        if scopes:
            session.execute(insert(RollupScope), scopes)
    return written


def analyze(session: Session) -> None:
    """Refresh PostgreSQL's statistics of the tables the roll-ups read (in this transaction).

    Rows loaded in the same transaction (``dxmap init``) have no statistics yet: without them
    the planner joins 2 million values to the villages row by row.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("observation", "village_parent", "unit", "unit_ancestor", "village"):
        session.execute(text(f"ANALYZE {table}"))


def rebuild_all(session: Session) -> dict[str, float]:
    """Rebuild the unit closure and every roll-up from the raw values, in the session's transaction.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction (nothing is committed here).

    Returns
    -------
    dict
        ``pairs``, ``rows`` and ``seconds``.
    """
    started = time.perf_counter()
    rebuild_closure(session)
    session.execute(delete(Rollup))
    session.execute(delete(RollupScope))
    analyze(session)
    ctx = _Context.of(session)
    pairs = _pairs(session)
    rows = sum(build_pair(ctx, indicator, period, replace=False) for indicator, period in pairs)
    seconds = time.perf_counter() - started
    log.info("roll-ups rebuilt: %d pairs, %d rows in %.1f s", len(pairs), rows, seconds)
    return {"pairs": len(pairs), "rows": rows, "seconds": seconds}


# -- updating what a write touched ------------------------------------------------------------


def _stored_parts(
    session: Session, vintage: str, indicator: str, period: str, codes: Collection[str]
) -> pd.DataFrame:
    """Return the stored partials of some units (missing units: none linked)."""
    columns = [Rollup.code, *(getattr(Rollup, c) for c in PART_COLUMNS[1:]), Rollup.n_children]
    rows: list = []
    for chunk in inputs.chunks(codes):
        rows.extend(
            session.execute(
                select(*columns).where(
                    Rollup.vintage_key == vintage,
                    Rollup.indicator_key == indicator,
                    Rollup.period == period,
                    Rollup.code.in_(chunk),
                )
            ).all()
        )
    frame = pd.DataFrame(rows, columns=["code", *PART_COLUMNS[1:], "n_children"])
    frame = frame.set_index("code")[list(PART_COLUMNS)]
    for column in ("n_children", "part_summable", "part_prov", "part_pub", "part_value_only"):
        frame[column] = frame[column].fillna(0).astype(np.int64)
    for column in ("part_num", "part_den", "part_vo_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    missing = [code for code in codes if code not in frame.index]
    return _add([frame, empty_parts(missing)]) if missing else frame


def _update_villages(
    ctx: _Context, indicator: str, period: str, leaves: Collection[str], vintage: str
) -> int:
    """Recompute the units holding ``leaves`` and their ancestors from villages and children."""
    session = ctx.session
    hier = ctx.hierarchy(vintage)
    depth = ctx.depth(vintage)
    kids = ctx.kids(vintage)
    redo = {code for leaf in leaves if leaf in hier.units.index for code in hier.chain(leaf)}
    if not redo:
        return 0
    kind = ctx.kinds[indicator]
    direct = inputs.village_parts(session, indicator, period, kind, vintage, units=redo)
    outside = {kid for code in redo for kid in kids.get(code, ()) if kid not in redo}
    known = _stored_parts(session, vintage, indicator, period, outside) if outside else None
    done = empty_parts([])
    for level_depth in sorted({int(depth[c]) for c in redo}, reverse=True):
        codes = sorted(c for c in redo if int(depth[c]) == level_depth)
        pieces = [direct[direct.index.isin(codes)], empty_parts(codes)]
        for source in (done, known):
            if source is None or source.empty:
                continue
            below = [
                (kid, code) for code in codes for kid in kids.get(code, ()) if kid in source.index
            ]
            if below:
                frame = source.loc[[kid for kid, _ in below]]
                pieces.append(combine(frame, [code for _, code in below]))
        done = pd.concat([done, _add(pieces).reindex(codes)])
    final = finalize(done, kind)
    stored = dict(
        session.execute(
            select(Rollup.code, Rollup.target).where(
                Rollup.vintage_key == vintage,
                Rollup.indicator_key == indicator,
                Rollup.period == period,
                Rollup.code.in_(sorted(redo)),
            )
        ).all()
    )
    comparators = dict(
        session.execute(
            select(Rollup.code, Rollup.comparator).where(
                Rollup.vintage_key == vintage,
                Rollup.indicator_key == indicator,
                Rollup.period == period,
                Rollup.code.in_(sorted(redo)),
            )
        ).all()
    )
    frame = final.join(done[list(PART_COLUMNS[1:])])
    frame["met"] = [
        is_met(value, stored.get(code), comparators.get(code))
        if stored.get(code) is not None
        else None
        for code, value in zip(frame.index, frame["value"], strict=True)
    ]
    frame = frame.reset_index().rename(columns={"index": "code"})
    frame["vintage_key"], frame["indicator_key"], frame["period"] = vintage, indicator, period
    records = _records(frame)
    session.execute(update(Rollup), records)
    return len(records)


def _update_published(
    ctx: _Context, indicator: str, period: str, units: Collection[tuple[str, str]]
) -> None:
    """Refresh the published figures shown beside some units' values (level, code)."""
    session = ctx.session
    kind = ctx.kinds[indicator]
    published = inputs.published_rows(session, indicator, period)
    for spec in ctx.loaded():
        hier = ctx.hierarchy(spec.key)
        codes = [
            c for level, c in units if c in hier.units.index and hier.units.at[c, "level"] == level
        ]
        if not codes:
            continue
        frame = pd.DataFrame({"code": codes, "level": hier.units.loc[codes, "level"].to_numpy()})
        frame = _published(frame, published, kind, spec.key, hier.top_level())
        frame["vintage_key"], frame["indicator_key"], frame["period"] = (
            spec.key,
            indicator,
            period,
        )
        session.execute(update(Rollup), _records(frame.drop(columns=["level"])))


def _scope(session: Session, indicator: str, period: str) -> tuple[str | None, str | None] | None:
    row = session.execute(
        select(RollupScope.data_level, RollupScope.data_vintage)
        .where(RollupScope.indicator_key == indicator, RollupScope.period == period)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def _village_units(session: Session, villages: Collection[str]) -> dict[str, set[str]]:
    """Vintage → the units the villages lie in."""
    out: dict[str, set[str]] = {}
    for chunk in inputs.chunks(villages):
        for vintage, unit in session.execute(
            select(VillageParent.vintage_key, VillageParent.unit_code).where(
                VillageParent.village_code.in_(chunk)
            )
        ):
            out.setdefault(vintage, set()).add(unit)
    return out


def update_rollups(session: Session, touched: Touched) -> dict[str, int]:
    """Bring the roll-ups up to date with a write, in the writer's transaction.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        The writing transaction, after its rows are written (flushed).
    touched : Touched
        What the write changed.

    Returns
    -------
    dict
        ``pairs_rebuilt`` and ``rows_updated``.
    """
    session.flush()
    ctx = _Context.of(session)
    by_pair: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for indicator, period, level, code in touched.observations:
        by_pair.setdefault((indicator, period), set()).add((level, code))
    register: dict[str, set[str]] = {}
    for vintage, unit in touched.leaves:
        register.setdefault(vintage, set()).add(unit)
    if register:
        village_pairs = session.execute(
            select(RollupScope.indicator_key, RollupScope.period)
            .where(RollupScope.data_level == "village")
            .distinct()
        ).all()
        for pair in village_pairs:
            by_pair.setdefault(tuple(pair), set())
    rebuilt = updated = 0
    for (indicator, period), keys in sorted(by_pair.items()):
        if indicator not in ctx.kinds:
            continue
        now = inputs.finest_level(session, indicator, period)
        stored = _scope(session, indicator, period)
        if stored is None or now[0] != "village" or stored != now:
            if stored is not None or now[0] is not None:
                build_pair(ctx, indicator, period)
                rebuilt += 1
            continue
        leaves = _village_units(session, [c for level, c in keys if level == "village"])
        for vintage, units in register.items():
            leaves.setdefault(vintage, set()).update(units)
        for spec in ctx.loaded():
            if leaves.get(spec.key):
                updated += _update_villages(ctx, indicator, period, leaves[spec.key], spec.key)
        coarser = {(level, c) for level, c in keys if level != "village"}
        if coarser:
            _update_published(ctx, indicator, period, coarser)
    return {"pairs_rebuilt": rebuilt, "rows_updated": updated}
