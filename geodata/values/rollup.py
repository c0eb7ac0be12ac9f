"""How stored observations become the values of a vintage's units.

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
from geodata.areas.hierarchy import Hierarchy, load_hierarchy, village_parent_links
from geodata.areas.links import chain_links
from geodata.catalogue.scopes import unit_rules
from geodata.catalogue.targets import apply_rules, load_targets
from geodata.store.frames import rows_frame
from geodata.store.models import LEVELS, Indicator, Observation
from geodata.values.aggregate import PERCENT_KINDS, aggregate, row_values
from geodata.values.cells import as_floats, nullable
from geodata.values.columns import UNIT_COLUMNS, UNIT_EXTRA_COLUMNS

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
    """Compute the rows of :func:`~geodata.values.queries.unit_values` (arguments checked).

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
