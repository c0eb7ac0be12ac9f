"""Indicator values per unit, village or indicator, computed from the stored observations.

The rule (see PRODUCT.md, "Indicators"): values are computed from the finest level at which
observations exist for the indicator and period.

- Village rows roll up through the villages' parents in the requested vintage (every village
  has a parent in every vintage), so any period can be viewed on any vintage.
- Unit rows stored on the period's vintage are carried to the requested vintage through the
  crosswalk (forward in time only: the 2025 changes are merges, exact only in that direction);
  province values never need the crosswalk, the root of the area is the same in every vintage.
- A province-only indicator returns the stored province value.

Provenance is never mixed silently: a unit's ``value`` is always the computed aggregate with the
aggregate's provenance (``synthetic`` if any input is), and a ``published`` figure stored for that
same unit is shown beside it as ``published_value`` (with ``published_source`` and
``published_note``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.aggregate import PERCENT_KINDS, aggregate, chain_links, row_values
from geodata.models import (
    LEVELS,
    CrosswalkLink,
    Indicator,
    Observation,
    Unit,
    Village,
    VillageParent,
    Vintage,
)
from geodata.targets import apply_targets, load_targets

# The columns every unit table starts with (exports and the API rely on these names).
UNIT_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "vintage",
    "period",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "target",
    "met",
    "provenance",
    "source",
)
UNIT_EXTRA_COLUMNS = (
    "type",
    "n_children",
    "n_with_data",
    "above_100",
    "comparator",
    "target_scope",
    "published_value",
    "published_source",
    "published_note",
    "data_level",
    "data_vintage",
)
VILLAGE_COLUMNS = (
    "code",
    "name",
    "lon",
    "lat",
    "households",
    "adults",
    "value",
    "numerator",
    "denominator",
    "target",
    "met",
    "provenance",
    "source",
)
VILLAGE_EXTRA_COLUMNS = (
    "parent_code",
    "level",
    "vintage",
    "period",
    "indicator",
    "above_100",
    "comparator",
    "target_scope",
)
INDICATOR_COLUMNS = ("name_vi", "name_en", "pillar", "kind", "unit", "direction", "sort_order")
_DEPTH = {level: depth for depth, level in enumerate(LEVELS)}


# --------------------------------------------------------------------------- hierarchy


@dataclass
class _Hierarchy:
    """The units of one vintage with their parent chain."""

    vintage: str
    units: pd.DataFrame  # indexed by code: code, name, type, level, parent_code
    _chains: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._parent = {
            code: parent if isinstance(parent, str) and parent else None
            for code, parent in zip(self.units["code"], self.units["parent_code"], strict=True)
        }
        self._level = dict(zip(self.units["code"], self.units["level"], strict=True))

    def chain(self, code: str) -> list[str]:
        """Return the code and its ancestors' codes, nearest first."""
        if code not in self._chains:
            chain: list[str] = []
            current: str | None = code
            while current is not None and current in self._parent and current not in chain:
                chain.append(current)
                current = self._parent[current]
            self._chains[code] = chain or [code]
        return self._chains[code]

    def ancestor_at(self, code: str, level: str) -> str | None:
        for candidate in self.chain(code):
            if self._level.get(candidate) == level:
                return candidate
        return None

    def up_links(self, codes: Iterable[str], level: str) -> pd.DataFrame:
        """Links from each code to its ancestor (or itself) at ``level``; codes without one drop."""
        pairs = [(c, self.ancestor_at(c, level)) for c in dict.fromkeys(codes)]
        return pd.DataFrame(
            [(c, a, 1.0) for c, a in pairs if a is not None],
            columns=["code", "parent_code", "weight"],
        )

    def roots(self) -> list[str]:
        return sorted(code for code, level in self._level.items() if level == "province")

    def has_children(self, code: str) -> bool:
        return code in set(self._parent.values())


def _units(session: Session, vintage: str) -> pd.DataFrame:
    rows = session.execute(
        select(Unit.code, Unit.name, Unit.type, Unit.level, Unit.parent_code).where(
            Unit.vintage_key == vintage
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["code", "name", "type", "level", "parent_code"])
    frame.index = pd.Index(frame["code"].to_numpy(), name=None)
    return frame


def _hierarchy(session: Session, vintage: str) -> _Hierarchy:
    units = _units(session, vintage)
    if units.empty:
        raise ValueError(f"no units are loaded for vintage {vintage!r}; run `dxmap init` first")
    return _Hierarchy(vintage, units)


def _vintage_order(session: Session) -> dict[str, int]:
    rows = session.execute(select(Vintage.key, Vintage.valid_from)).all()
    return {key: rank for rank, (key, _) in enumerate(sorted(rows, key=lambda r: r[1]))}


def _check_vintage_level(session: Session, vintage: str, level: str) -> None:
    row = session.get(Vintage, vintage)
    if row is None:
        known = ", ".join(sorted(_vintage_order(session))) or "none loaded"
        raise ValueError(f"unknown vintage {vintage!r}; known vintages: {known}")
    levels = [lv.strip() for lv in (row.levels or "").split(",") if lv.strip()]
    if level == "village":
        raise ValueError("level 'village' is not a unit level; use village_values() for villages")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS[:3])}")
    if levels and level not in levels:
        raise ValueError(
            f"vintage {vintage!r} has no {level!r} level (its levels are {', '.join(levels)})"
        )


def _indicator(session: Session, indicator_key: str) -> Indicator:
    indicator = session.get(Indicator, indicator_key)
    if indicator is None:
        raise ValueError(f"unknown indicator {indicator_key!r}")
    return indicator


def _observations(session: Session, indicator_key: str, period: str) -> pd.DataFrame:
    rows = session.execute(
        select(
            Observation.level,
            Observation.code,
            Observation.vintage_key,
            Observation.numerator,
            Observation.denominator,
            Observation.value,
            Observation.provenance,
            Observation.source_key,
            Observation.note,
        ).where(Observation.indicator_key == indicator_key, Observation.period == period)
    ).all()
    frame = pd.DataFrame(
        rows,
        columns=[
            "level",
            "code",
            "vintage_key",
            "numerator",
            "denominator",
            "value",
            "provenance",
            "source",
            "note",
        ],
    )
    for column in ("numerator", "denominator", "value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def _village_parents(session: Session, vintage: str) -> pd.DataFrame:
    rows = session.execute(
        select(VillageParent.village_code, VillageParent.unit_code).where(
            VillageParent.vintage_key == vintage
        )
    ).all()
    return pd.DataFrame(rows, columns=["code", "parent_code"]).assign(weight=1.0)


def crosswalk_path(session: Session, from_vintage: str, to_vintage: str) -> pd.DataFrame:
    """Return the crosswalk from units of one vintage to units of a later one.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    from_vintage, to_vintage : str
        Vintage keys; ``to_vintage`` must not be earlier than ``from_vintage``.

    Returns
    -------
    pandas.DataFrame
        ``code`` (unit of ``from_vintage``), ``parent_code`` (unit of ``to_vintage``),
        ``weight``. Direct links are used when stored; otherwise links are composed through
        intermediate vintages, in time order.

    Raises
    ------
    ValueError
        If ``to_vintage`` is earlier (no backward crosswalk: the 2025 merges cannot be split
        back exactly) or no chain of links connects the two vintages.
    """
    if from_vintage == to_vintage:
        raise ValueError("a crosswalk needs two different vintages")
    order = _vintage_order(session)
    for key in (from_vintage, to_vintage):
        if key not in order:
            raise ValueError(f"unknown vintage {key!r}")
    if order[to_vintage] < order[from_vintage]:
        raise ValueError(
            f"cannot carry unit data from vintage {from_vintage} back to the earlier vintage "
            f"{to_vintage}: the crosswalk only runs forward in time (merged units cannot be "
            "split back exactly); view this period on its own or a later vintage"
        )
    links = pd.DataFrame(
        session.execute(
            select(
                CrosswalkLink.from_vintage,
                CrosswalkLink.from_code,
                CrosswalkLink.to_vintage,
                CrosswalkLink.to_code,
                CrosswalkLink.weight,
            )
        ).all(),
        columns=["from_vintage", "code", "to_vintage", "parent_code", "weight"],
    )

    def step(a: str, b: str) -> pd.DataFrame:
        part = links[(links["from_vintage"] == a) & (links["to_vintage"] == b)]
        return part[["code", "parent_code", "weight"]].reset_index(drop=True)

    direct = step(from_vintage, to_vintage)
    if not direct.empty:
        return direct
    # Breadth-first over forward steps that have links.
    edges = {
        (a, b)
        for a, b in links[["from_vintage", "to_vintage"]].drop_duplicates().itertuples(index=False)
        if a in order and b in order and order[a] < order[b]
    }
    frontier: list[tuple[str, list[str]]] = [(from_vintage, [from_vintage])]
    seen = {from_vintage}
    while frontier:
        current, path = frontier.pop(0)
        for a, b in sorted(edges):
            if a != current or b in seen or order[b] > order[to_vintage]:
                continue
            if b == to_vintage:
                full = [*path, b]
                composed = step(full[0], full[1])
                for x, y in zip(full[1:], full[2:], strict=False):
                    composed = chain_links(composed, step(x, y))
                return composed
            seen.add(b)
            frontier.append((b, [*path, b]))
    raise ValueError(f"no crosswalk links lead from vintage {from_vintage} to {to_vintage}")


# --------------------------------------------------------------------------- computation


def _finest_level(obs: pd.DataFrame) -> str | None:
    levels = [lv for lv in obs["level"].unique() if lv in _DEPTH]
    return max(levels, key=_DEPTH.__getitem__) if levels else None


def _links_onto(
    session: Session,
    base: pd.DataFrame,
    finest: str,
    hier: _Hierarchy,
    level: str,
    cache: dict[str, object],
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Key the finest rows and link them to units of ``hier`` at ``level``."""
    if finest == "village":
        key = f"village_parents:{hier.vintage}"
        if key not in cache:
            cache[key] = _village_parents(session, hier.vintage)
        parents: pd.DataFrame = cache[key]  # type: ignore[assignment]
        up = hier.up_links(parents["parent_code"].unique(), level)
        links = chain_links(parents, up)
        vintages = ",".join(sorted(base["vintage_key"].dropna().unique()))
        return base, links, vintages
    keyed_parts: list[pd.DataFrame] = []
    link_parts: list[pd.DataFrame] = []
    for data_vintage, group in base.groupby("vintage_key", sort=True):
        if data_vintage == hier.vintage:
            links = hier.up_links(group["code"], level)
        elif level == "province":
            # The root is the same area in every vintage: roll up on the data's own vintage.
            own = _hierarchy(session, data_vintage)
            links = own.up_links(group["code"], "province")
            missing = sorted(set(links["parent_code"]) - set(hier.roots()))
            if missing:
                raise ValueError(
                    f"province {missing[0]} of vintage {data_vintage} is not a root of vintage "
                    f"{hier.vintage}"
                )
        else:
            walk = crosswalk_path(session, data_vintage, hier.vintage)
            up = hier.up_links(walk["parent_code"].unique(), level)
            links = chain_links(walk, up)
        prefix = f"{data_vintage}|"
        keyed_parts.append(group.assign(code=prefix + group["code"]))
        link_parts.append(links.assign(code=prefix + links["code"]))
    keyed = pd.concat(keyed_parts, ignore_index=True)
    links = pd.concat(link_parts, ignore_index=True)
    return keyed, links, ",".join(sorted(base["vintage_key"].dropna().unique()))


def _unit_values(
    session: Session,
    indicator: Indicator,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None,
    hier: _Hierarchy,
    cache: dict[str, object],
) -> pd.DataFrame:
    units = hier.units
    if parent_code is not None and parent_code not in units.index:
        raise ValueError(f"no unit {parent_code!r} in vintage {vintage}")
    at_level = units[units["level"] == level]
    if parent_code is not None:
        inside = [parent_code in hier.chain(code)[1:] for code in at_level["code"]]
        at_level = at_level[inside]
        if at_level.empty and not hier.has_children(parent_code):
            # A leaf (Côn Đảo district has no communes): drilling into it shows the unit itself.
            at_level = units.loc[[parent_code]]
            level = str(units.at[parent_code, "level"])
    selected = at_level.sort_values("code")

    obs = _observations(session, indicator.key, period)
    finest = _finest_level(obs)
    out = pd.DataFrame(
        {
            "code": selected["code"].to_numpy(),
            "name": selected["name"].to_numpy(),
            "level": selected["level"].to_numpy(),
            "parent_code": selected["parent_code"].to_numpy(),
            "vintage": vintage,
            "period": period,
            "indicator": indicator.key,
        }
    )
    agg = pd.DataFrame(
        columns=["numerator", "denominator", "value", "n_children", "n_with_data"]
        + ["provenance", "source"]
    )
    data_vintage = None
    if finest is not None and not selected.empty:
        base = obs[obs["level"] == finest]
        keyed, links, data_vintage = _links_onto(session, base, finest, hier, level, cache)
        links = links[links["parent_code"].isin(set(selected["code"]))]
        if not links.empty:
            agg = aggregate(keyed, links, indicator.kind)
    agg = agg.reindex(out["code"])
    out["value"] = agg["value"].to_numpy(dtype=float)
    out["numerator"] = agg["numerator"].to_numpy(dtype=float)
    out["denominator"] = agg["denominator"].to_numpy(dtype=float)
    out["provenance"] = agg["provenance"].to_numpy(dtype=object)
    out["source"] = agg["source"].to_numpy(dtype=object)
    for column in ("provenance", "source"):
        out[column] = out[column].where(out[column].notna(), None)
    out["type"] = selected["type"].to_numpy()
    out["n_children"] = agg["n_children"].fillna(0).to_numpy(dtype=int)
    out["n_with_data"] = agg["n_with_data"].fillna(0).to_numpy(dtype=int)
    out["above_100"] = (
        (out["value"] > 100.0).to_numpy()
        if indicator.kind in PERCENT_KINDS
        else np.zeros(len(out), dtype=bool)
    )

    chains = {code: hier.chain(code) for code in out["code"]}
    out = apply_targets(out, load_targets(session, indicator.key, period), chains)

    published = obs[(obs["provenance"] == "published") & (obs["level"] == level)]
    if level != "province":
        published = published[published["vintage_key"] == vintage]
    published = published.assign(_value=row_values(published, indicator.kind))
    published = published.drop_duplicates("code").set_index("code")
    out["published_value"] = out["code"].map(published["_value"]).astype(float)
    for column, target in (("source", "published_source"), ("note", "published_note")):
        mapped = out["code"].map(published[column]).astype(object)
        out[target] = mapped.where(mapped.notna(), None)
    out["data_level"] = finest
    out["data_vintage"] = data_vintage
    return out[list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS)].reset_index(drop=True)


def unit_values(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None = None,
) -> pd.DataFrame:
    """Return one indicator's values for every unit of a level (optionally under a parent).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key, e.g. ``fibre_households``.
    period : str
        Period key, e.g. ``2024``.
    vintage : str
        The boundary vintage to show the values on (``2020``, ``2025-01``, ``2025-07``).
    level : str
        ``province``, ``district`` or ``commune`` (must exist in the vintage).
    parent_code : str, optional
        Only units lying (directly or indirectly) in this unit. When the parent is a leaf with
        no units at ``level`` (Côn Đảo district has no communes), the parent itself is returned.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by code, with the columns of :data:`UNIT_COLUMNS` (``code,
        name, level, parent_code, vintage, period, indicator, value, numerator, denominator,
        target, met, provenance, source``) followed by :data:`UNIT_EXTRA_COLUMNS`: unit
        ``type``; ``n_children`` and ``n_with_data`` (finest-level rows linked and contributing);
        ``above_100`` (a percentage over 100, legal but flagged); the target's ``comparator``
        and ``target_scope``; ``published_value``, ``published_source`` and ``published_note``
        (a published figure stored for this very unit, shown beside the computed value);
        ``data_level`` and ``data_vintage`` (where the values were computed from). ``value`` is a
        percentage for ratio and share kinds and a number for counts; NaN without data. ``met``
        is True, False or None (no value or no target).

    Raises
    ------
    ValueError
        On an unknown indicator, vintage, level or parent; a level the vintage does not have
        (``district`` on ``2025-07``); or unit data that cannot be carried to the vintage (no
        crosswalk path, or a backward one).
    """
    _check_vintage_level(session, vintage, level)
    indicator = _indicator(session, indicator_key)
    hier = _hierarchy(session, vintage)
    return _unit_values(session, indicator, period, vintage, level, parent_code, hier, {})


def village_values(
    session: Session, indicator_key: str, period: str, vintage: str, unit_code: str
) -> pd.DataFrame:
    """Return one indicator's values for the villages in a unit.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key.
    period : str
        Period key.
    vintage : str
        Vintage whose village parents are used.
    unit_code : str
        A unit of ``vintage``: its villages, and those of the units below it, are returned.

    Returns
    -------
    pandas.DataFrame
        One row per village (sorted by code) with :data:`VILLAGE_COLUMNS` (``code, name, lon,
        lat, households, adults, value, numerator, denominator, target, met, provenance,
        source``) and then :data:`VILLAGE_EXTRA_COLUMNS` (``parent_code`` is the village's unit
        in ``vintage``). Villages without an observation have NaN values and no provenance.

    Raises
    ------
    ValueError
        On an unknown indicator, vintage or unit.
    """
    indicator = _indicator(session, indicator_key)
    if session.get(Vintage, vintage) is None:
        raise ValueError(f"unknown vintage {vintage!r}")
    hier = _hierarchy(session, vintage)
    if unit_code not in hier.units.index:
        raise ValueError(f"no unit {unit_code!r} in vintage {vintage}")
    parents = _village_parents(session, vintage)
    inside = [unit_code in hier.chain(p) for p in parents["parent_code"]]
    parents = parents[inside]
    codes = parents["code"].tolist()
    villages = pd.DataFrame(
        session.execute(
            select(
                Village.code,
                Village.name,
                Village.lon,
                Village.lat,
                Village.households,
                Village.adults,
            ).where(Village.code.in_(codes))
        ).all()
        if codes
        else [],
        columns=["code", "name", "lon", "lat", "households", "adults"],
    )
    villages = villages.merge(parents[["code", "parent_code"]], on="code", how="left")
    obs = _observations(session, indicator.key, period)
    obs = obs[obs["level"] == "village"].drop_duplicates("code")
    obs = obs.assign(_value=row_values(obs, indicator.kind)).set_index("code")
    out = villages.sort_values("code", ignore_index=True)
    out["value"] = out["code"].map(obs["_value"]).astype(float)
    out["numerator"] = out["code"].map(obs["numerator"]).astype(float)
    out["denominator"] = out["code"].map(obs["denominator"]).astype(float)
    for column in ("provenance", "source"):
        mapped = out["code"].map(obs[column]).astype(object)
        out[column] = mapped.where(mapped.notna(), None)
    out["level"] = "village"
    out["vintage"] = vintage
    out["period"] = period
    out["indicator"] = indicator.key
    out["above_100"] = (
        (out["value"] > 100.0)
        if indicator.kind in PERCENT_KINDS
        else pd.Series(False, index=out.index)
    )
    chains = {
        code: [code, *hier.chain(parent)]
        for code, parent in zip(out["code"], out["parent_code"], strict=True)
    }
    out = apply_targets(out, load_targets(session, indicator.key, period), chains)
    return out[list(VILLAGE_COLUMNS + VILLAGE_EXTRA_COLUMNS)]


def province_values(session: Session, period: str, vintage: str) -> pd.DataFrame:
    """Return every catalogue indicator's value at the root of the area (for scorecards).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    period : str
        Period key.
    vintage : str
        Vintage key.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (catalogue order) with the columns of :func:`unit_values` for the
        province-level unit, followed by the indicator's ``name_vi, name_en, pillar, kind, unit,
        direction, sort_order``.

    Raises
    ------
    ValueError
        On an unknown vintage.
    """
    _check_vintage_level(session, vintage, "province")
    hier = _hierarchy(session, vintage)
    indicators = session.scalars(select(Indicator).order_by(Indicator.sort_order, Indicator.key))
    cache: dict[str, object] = {}
    frames = []
    for indicator in indicators:
        frame = _unit_values(session, indicator, period, vintage, "province", None, hier, cache)
        for column in INDICATOR_COLUMNS:
            frame[column] = getattr(indicator, column)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS + INDICATOR_COLUMNS))
    return pd.concat(frames, ignore_index=True)
