"""Indicator values per unit, village or indicator, read from the roll-ups kept in the store.

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

The values are computed when the data change, in the same transaction
(:mod:`geodata.rollups`), and read here: this module is the one read path of the map, the
analysis, the API and the exports. :mod:`geodata.values.flat` computes the same from the raw
rows, as the reference the roll-ups are checked against.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import check_vintage_level, root_codes
from geodata.catalogue.indicators import catalogue_indicators
from geodata.rollups.read import level_values, unit_villages
from geodata.store.models import Unit, Vintage
from geodata.values.columns import INDICATOR_COLUMNS, UNIT_COLUMNS, UNIT_EXTRA_COLUMNS

__all__ = ["province_values", "unit_values", "village_values"]


def unit_values(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None = None,
    codes: Collection[str] | None = None,
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
    codes : collection of str, optional
        Only these units of the level (one indexed read, for a scorecard or a comparison).

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
    return level_values(session, indicator_key, period, vintage, level, parent_code, codes)


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
    if session.get(Vintage, vintage) is None:
        raise ValueError(f"unknown vintage {vintage!r}")
    return unit_villages(session, indicator_key, period, vintage, unit_code)


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
    roots = root_codes(session, vintage)
    if not roots:
        raise ValueError(f"no units are loaded for vintage {vintage!r}; run `dxmap init` first")
    top = str(
        session.scalar(select(Unit.level).where(Unit.vintage_key == vintage, Unit.code == roots[0]))
    )
    check_vintage_level(session, vintage, top)
    frames = []
    for indicator in catalogue_indicators(session):
        frame = level_values(session, indicator.key, period, vintage, top)
        for column in INDICATOR_COLUMNS:
            frame[column] = getattr(indicator, column)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(UNIT_COLUMNS + UNIT_EXTRA_COLUMNS + INDICATOR_COLUMNS))
    return pd.concat(frames, ignore_index=True)
