"""The reference computation: a vintage's unit values straight from the raw observations.

This is how dxmap computed every answer before the roll-ups were kept in the store, and it stays
as the independent check of them: ``dxmap rollup --check`` and the parity tests compare the
stored roll-ups (:mod:`geodata.rollups`) with what these functions compute from the raw rows.
Nothing that serves a request calls them.

Rows of the finest level that holds data for an indicator and period are linked to the units
asked for: village rows through the villages' parents in the vintage; unit rows of the same
vintage up its hierarchy; unit rows of another vintage through the crosswalk (forward in time
only) or, for the province, on their own vintage (the root is the same area in every vintage).
The links are then summed as numerators and denominators
(:func:`geodata.values.aggregate.aggregate`),
targets are resolved (:mod:`geodata.catalogue.scopes`) and published figures put beside the values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import crosswalk_path
from geodata.areas.hierarchy import (
    Hierarchy,
    check_vintage_level,
    load_hierarchy,
    village_parent_links,
)
from geodata.areas.links import chain_links
from geodata.catalogue.scopes import unit_rules, village_rules
from geodata.catalogue.targets import apply_rules, load_targets
from geodata.store.frames import rows_frame
from geodata.store.models import LEVELS, Indicator, Observation, Village, Vintage
from geodata.values.aggregate import PERCENT_KINDS, aggregate, row_values
from geodata.values.cells import as_floats, nullable
from geodata.values.columns import (
    UNIT_COLUMNS,
    UNIT_EXTRA_COLUMNS,
    VILLAGE_COLUMNS,
    VILLAGE_EXTRA_COLUMNS,
)

_DEPTH = {level: depth for depth, level in enumerate(LEVELS)}


def find_indicator(session: Session, indicator_key: str) -> Indicator:
    """Return the catalogue entry ``indicator_key``; raise ``ValueError`` if unknown."""
    indicator = session.get(Indicator, indicator_key)
    if indicator is None:
        raise ValueError(f"unknown indicator {indicator_key!r}")
    return indicator


def load_observations(session: Session, indicator_key: str, period: str) -> pd.DataFrame:
    """Return the stored rows of one indicator and period, every level and vintage.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key, period : str
        Catalogue and period keys.

    Returns
    -------
    pandas.DataFrame
        ``level, code, vintage_key, numerator, denominator, value`` (floats, NaN when
        missing), ``provenance, source, note``.
    """
    # Core, not the ORM: plain tuples of the 100,000s of village rows, without ORM row loading.
    rows = (
        session.connection()
        .execute(
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
        )
        .all()
    )
    frame = rows_frame(
        rows,
        [
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
        frame[column] = as_floats(frame[column])
    return frame


def _finest_level(obs: pd.DataFrame) -> str | None:
    levels = [lv for lv in obs["level"].unique() if lv in _DEPTH]
    return max(levels, key=_DEPTH.__getitem__) if levels else None


def _links_onto(
    session: Session,
    base: pd.DataFrame,
    finest: str,
    hier: Hierarchy,
    level: str,
    cache: dict[str, object],
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Key the finest rows and link them to units of ``hier`` at ``level``."""
    if finest == "village":
        key = f"village_parents:{hier.vintage}"
        if key not in cache:
            cache[key] = village_parent_links(session, hier.vintage)
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
        elif level == hier.top_level():
            # The root is the same area in every vintage: roll up on the data's own vintage.
            own = load_hierarchy(session, data_vintage)
            links = own.up_links(group["code"], str(own.top_level()))
            if len(own.roots()) == 1 and len(hier.roots()) == 1:
                # One root each: the whole area, whatever its code in either vintage.
                links = links.assign(parent_code=hier.roots()[0])
            missing = sorted(set(links["parent_code"]) - set(hier.roots()))
            if missing:
                raise ValueError(
                    f"root {missing[0]} of vintage {data_vintage} is not a root of vintage "
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


def unit_rows(
    session: Session,
    indicator: Indicator,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None,
    hier: Hierarchy,
    cache: dict[str, object],
) -> pd.DataFrame:
    """Compute the rows of :func:`~geodata.rollups.queries.unit_values` (arguments checked).

    ``cache`` memoises what several indicators on the same vintage share (village parents,
    other vintages' units, crosswalk walks).
    """
    units = hier.units
    if parent_code is not None and parent_code not in units.index:
        raise ValueError(f"no unit {parent_code!r} in vintage {vintage}")
    at_level = units[units["level"] == level]
    if parent_code is not None:
        inside = [parent_code in hier.chain(code)[1:] for code in at_level["code"]]
        at_level = at_level[inside]
        if at_level.empty and not hier.has_children(parent_code):
            # A leaf (a district without communes): drilling into it shows the unit itself.
            at_level = units.loc[[parent_code]]
            level = str(units.at[parent_code, "level"])
    selected = at_level.sort_values("code")

    obs = load_observations(session, indicator.key, period)
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
        out[column] = nullable(out[column])
    out["type"] = selected["type"].to_numpy()
    out["n_children"] = agg["n_children"].fillna(0).to_numpy(dtype=int)
    out["n_with_data"] = agg["n_with_data"].fillna(0).to_numpy(dtype=int)
    out["above_100"] = (
        (out["value"] > 100.0).to_numpy()
        if indicator.kind in PERCENT_KINDS
        else np.zeros(len(out), dtype=bool)
    )

    rules = load_targets(session, indicator.key, period)
    out = apply_rules(out, unit_rules(session, rules, hier, out["code"], cache))

    published = obs[(obs["provenance"] == "published") & (obs["level"] == level)]
    if level != hier.top_level():
        published = published[published["vintage_key"] == vintage]
    published = published.assign(_value=row_values(published, indicator.kind))
    published = published.drop_duplicates("code").set_index("code")
    out["published_value"] = out["code"].map(published["_value"]).astype(float)
    for column, target in (("source", "published_source"), ("note", "published_note")):
        out[target] = nullable(out["code"].map(published[column]))
    out["data_level"] = finest
    out["data_vintage"] = data_vintage
    return out[list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS)].reset_index(drop=True)


def unit_values_from_raw(
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
        no units at ``level`` (a district without communes), the parent itself is returned.

    Returns
    -------
    pandas.DataFrame
        One row per unit, sorted by code, with the columns of :data:`UNIT_COLUMNS` (``code,
        name, level, parent_code, vintage, period, indicator, value, numerator, denominator,
        target, met, provenance, source``) followed by :data:`UNIT_EXTRA_COLUMNS`: unit
        ``type``; ``n_children`` and ``n_with_data`` (finest-level rows linked and contributing);
        ``above_100`` (a percentage over 100, legal but flagged); the target's ``comparator``,
        ``target_scope`` and ``target_scope_vintage`` (the unit or ``*`` the target was set for,
        and that unit's vintage); ``published_value``, ``published_source`` and
        ``published_note`` (a published figure stored for this very unit, shown beside the
        computed value);
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
    check_vintage_level(session, vintage, level)
    hier = load_hierarchy(session, vintage)
    memo: dict[str, object] = {}
    indicator = find_indicator(session, indicator_key)
    return unit_rows(session, indicator, period, vintage, level, parent_code, hier, memo)


def village_values_from_raw(
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
    indicator = find_indicator(session, indicator_key)
    if session.get(Vintage, vintage) is None:
        raise ValueError(f"unknown vintage {vintage!r}")
    hier = load_hierarchy(session, vintage)
    if unit_code not in hier.units.index:
        raise ValueError(f"no unit {unit_code!r} in vintage {vintage}")
    parents = village_parent_links(session, vintage)
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
    obs = load_observations(session, indicator.key, period)
    obs = obs[obs["level"] == "village"].drop_duplicates("code")
    obs = obs.assign(_value=row_values(obs, indicator.kind)).set_index("code")
    out = villages.sort_values("code", ignore_index=True)
    out["value"] = out["code"].map(obs["_value"]).astype(float)
    out["numerator"] = out["code"].map(obs["numerator"]).astype(float)
    out["denominator"] = out["code"].map(obs["denominator"]).astype(float)
    for column in ("provenance", "source"):
        out[column] = nullable(out["code"].map(obs[column]))
    out["level"] = "village"
    out["vintage"] = vintage
    out["period"] = period
    out["indicator"] = indicator.key
    out["above_100"] = (
        (out["value"] > 100.0)
        if indicator.kind in PERCENT_KINDS
        else pd.Series(False, index=out.index)
    )
    rules = load_targets(session, indicator.key, period)
    parent_of = dict(zip(out["code"], out["parent_code"], strict=True))
    out = apply_rules(out, village_rules(session, rules, hier, parent_of))
    return out[list(VILLAGE_COLUMNS + VILLAGE_EXTRA_COLUMNS)]
