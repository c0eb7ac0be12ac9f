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

Targets follow :mod:`geodata.catalogue.scopes`: a target scoped to a unit of another vintage (the
2024 threshold of an island district) reaches the units of the vintage shown through the
crosswalk (the island's 2025-07 unit), and every row says which scope and vintage its target came
from.

The computation lives in :mod:`geodata.values.rollup`; this module is the public entry point.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import check_vintage_level, load_hierarchy, village_parent_links
from geodata.catalogue.indicators import catalogue_indicators
from geodata.catalogue.scopes import village_rules
from geodata.catalogue.targets import apply_rules, load_targets
from geodata.store.models import Village, Vintage
from geodata.values.aggregate import PERCENT_KINDS, row_values
from geodata.values.cells import nullable
from geodata.values.columns import (
    INDICATOR_COLUMNS,
    UNIT_COLUMNS,
    UNIT_EXTRA_COLUMNS,
    VILLAGE_COLUMNS,
    VILLAGE_EXTRA_COLUMNS,
)
from geodata.values.rollup import find_indicator, load_observations, unit_rows

__all__ = ["province_values", "unit_values", "village_values"]

#: ``session.info`` key of the structures the unit queries of one session share (read only).
SESSION_MEMO = "dxmap.values.memo"
# session.info key of a shared store of whole levels' values (geodata.service.level_tables): a
# callable (indicator, period, vintage, level) -> frame, kept across sessions per data version.
LEVEL_TABLES = "dxmap.values.level_tables"


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
    # What the indicators of one read share (units, village parents, crosswalk walks) is kept
    # for the session: a scorecard asks for twelve indicators of one unit.
    memo = session.info.setdefault(SESSION_MEMO, {})
    hier = memo.get(f"hierarchy:{vintage}")
    if hier is None:
        hier = memo[f"hierarchy:{vintage}"] = load_hierarchy(session, vintage)
    tables = session.info.get(LEVEL_TABLES)
    if tables is not None:  # every unit of the level is computed once, then rows are picked
        inside = _from_table(tables(indicator_key, period, vintage, level), parent_code, hier)
        if inside is not None:
            return inside
    indicator = find_indicator(session, indicator_key)
    return unit_rows(session, indicator, period, vintage, level, parent_code, hier, memo)


def _from_table(whole: pd.DataFrame, parent_code: str | None, hier: Any) -> pd.DataFrame | None:
    """Return the rows of a whole level's table that lie in ``parent_code`` (a new frame).

    ``None`` when no unit of the level lies in it (a leaf parent: computed on its own).
    """
    if parent_code is None:
        return whole.copy()
    if parent_code not in hier.units.index:
        raise ValueError(f"no unit {parent_code!r} in vintage {hier.vintage}")
    inside = [parent_code in hier.chain(code)[1:] for code in whole["code"]]
    return whole[inside].reset_index(drop=True) if any(inside) else None


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
    hier = load_hierarchy(session, vintage)
    top = hier.top_level() or "province"
    check_vintage_level(session, vintage, top)
    cache: dict[str, object] = {}
    frames = []
    for indicator in catalogue_indicators(session):
        frame = unit_rows(session, indicator, period, vintage, top, None, hier, cache)
        for column in INDICATOR_COLUMNS:
            frame[column] = getattr(indicator, column)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS + INDICATOR_COLUMNS))
    return pd.concat(frames, ignore_index=True)
