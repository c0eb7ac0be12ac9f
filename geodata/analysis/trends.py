"""Trends: one unit's indicators across every period with data, on one boundary vintage.

Each period's data belong to the vintage in force at the period's end (2023 and 2024 to
``2020``, 2025 to ``2025-07``). A trend is shown on one vintage, so some periods are carried
onto it; each row says how (``method``):

``own_vintage``
    The period's data are on the displayed vintage: nothing was moved.
``villages``
    The data are village rows: villages are points with a parent unit in every vintage, so
    they are regrouped exactly under the displayed vintage's units (both directions in time).
``crosswalk``
    Unit rows of an earlier vintage carried forward through the crosswalk (merges; numerators
    and denominators summed, never percentages averaged). For the root of the area (the
    province) this is the identity.
``successor``
    Unit rows of a *later* vintage cannot be split back onto a unit that was merged away, so
    the row shows the value of the unit it became (the one that received the largest share of
    it, should it have been split), named in ``value_code`` / ``value_name``.
    Example: a 2020 commune merged into a larger commune in 2025-07. With village data its
    2025 value comes from its own villages (``villages``, exact); only when a 2025 value is
    stored for communes of 2025-07 alone (an import by commune code) does the row fall back to
    the merged commune's value, flagged.

``reaggregated`` is True for ``villages`` and ``crosswalk`` rows (the value was computed on other
boundaries than those in force at the time); ``vintage_change_before`` is True on the first
period of a new vintage in each indicator's series, where a chart draws the mark.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.analysis.lookup import require_unit, value_row
from geodata.areas.crosswalk import crosswalk_path
from geodata.areas.unit_records import UnitRecord
from geodata.areas.vintages import period_bounds, stored_vintages, vintage_for_period
from geodata.catalogue.indicators import INDICATOR_LABEL_FIELDS, catalogue_frame
from geodata.rollups.read import unit_series
from geodata.store.models import RollupScope, Vintage
from geodata.values.cells import as_floats, met_flags, nullable

METHODS = ("own_vintage", "villages", "crosswalk", "successor")
TREND_COLUMNS = (
    "indicator",
    *INDICATOR_LABEL_FIELDS[1:],
    "code",
    "name",
    "vintage",
    "period",
    "period_vintage",
    "value",
    "numerator",
    "denominator",
    "target",
    "comparator",
    "met",
    "provenance",
    "source",
    "published_value",
    "method",
    "reaggregated",
    "value_code",
    "value_name",
    "successor_code",
    "successor_name",
    "vintage_change_before",
)
_VALUE_FIELDS = ("value", "numerator", "denominator", "target", "comparator", "met")
_VALUE_FIELDS += ("provenance", "source", "published_value")


def period_order(period: str) -> tuple[date, date, str]:
    """Return a sort key that puts periods in time order (unknown formats last, by name).

    Parameters
    ----------
    period : str
        A period key (``2024``, ``2025-H1``…).

    Returns
    -------
    tuple
        ``(end, start, key)``.
    """
    try:
        start, end = period_bounds(period)
    except ValueError:
        return date.max, date.max, period
    return end, start, period


def data_periods(session: Session, indicator_key: str | None = None) -> pd.DataFrame:
    """Return every (indicator, period) with stored data and the period's own vintage.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str, optional
        Only this indicator.

    Returns
    -------
    pandas.DataFrame
        ``indicator, period, period_vintage`` in time order. The period's vintage is the one
        in force at its end when the rows its values are made of are stored on it, else the
        latest vintage they are stored on (read from the roll-ups' scopes: no scan of values).
    """
    stmt = select(RollupScope.indicator_key, RollupScope.period, RollupScope.data_vintage).where(
        RollupScope.data_level.is_not(None)
    )
    if indicator_key is not None:
        stmt = stmt.where(RollupScope.indicator_key == indicator_key)
    rows = session.execute(stmt.distinct()).all()
    starts = dict(session.execute(select(Vintage.key, Vintage.valid_from)).all())
    stored: dict[tuple[str, str], set[str]] = {}
    for key, period, vintages in rows:
        stored.setdefault((key, period), set()).update(v for v in (vintages or "").split(",") if v)
    records = []
    specs = stored_vintages(session)
    for (key, period), vintages in stored.items():
        try:
            in_force = vintage_for_period(period, specs)
        except ValueError:
            in_force = None
        if in_force not in vintages:
            in_force = max(vintages, key=lambda v: (starts.get(v) or date.min, v))
        records.append((key, period, in_force))
    records.sort(key=lambda r: (r[0], period_order(r[1])))
    return pd.DataFrame(records, columns=["indicator", "period", "period_vintage"])


def mark_vintage_changes(frame: pd.DataFrame) -> pd.Series:
    """Flag the first period of a new vintage in each indicator's series (pure).

    Parameters
    ----------
    frame : pandas.DataFrame
        ``indicator`` and ``period_vintage`` columns, each indicator's rows in time order.

    Returns
    -------
    pandas.Series
        True where the row's vintage differs from the previous row of the same indicator.
    """
    previous = frame.groupby("indicator", sort=False)["period_vintage"].shift(1)
    return (previous.notna() & (previous != frame["period_vintage"])).astype(bool)


def _successors(
    session: Session, unit: UnitRecord, later: str, cache: dict[str, pd.DataFrame]
) -> list[str]:
    """Codes of ``later`` the unit became, largest share first ([] unless ``later`` is later)."""
    if later not in cache:
        try:
            cache[later] = crosswalk_path(session, unit.vintage, later)
        except ValueError:
            cache[later] = pd.DataFrame(columns=["code", "parent_code", "weight"])
    links = cache[later]
    mine = links[links["code"] == unit.code].sort_values(["weight", "parent_code"])
    return list(mine["parent_code"][::-1])


def _row_record(row: pd.Series | None) -> dict[str, object]:
    if row is None:
        return dict.fromkeys(_VALUE_FIELDS)
    return {field: row.get(field) for field in _VALUE_FIELDS}


def _has_value(row: pd.Series | None) -> bool:
    return row is not None and pd.notna(row.get("value"))


def trend(
    session: Session, unit_code: str, vintage: str, indicator_key: str | None = None
) -> pd.DataFrame:
    """Return one unit's values for every indicator and every period with data.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    unit_code : str
        Code of a unit of ``vintage``.
    vintage : str
        The vintage the trend is shown on.
    indicator_key : str, optional
        Only this indicator (default: the whole catalogue).

    Returns
    -------
    pandas.DataFrame
        One row per (indicator, period) for which the store holds observations of that
        indicator, indicators in catalogue order and periods in time order, with
        :data:`TREND_COLUMNS`: the indicator's catalogue fields; the unit (``code``, ``name``,
        ``vintage``); ``period`` and its own ``period_vintage``; ``value`` (NaN when this unit
        has none), ``numerator``, ``denominator``, ``target``, ``comparator``, ``met``,
        ``provenance``, ``source``, ``published_value``; ``method`` (see the module notes;
        None without a value), ``reaggregated``, ``value_code``/``value_name`` (whose value it
        is: the unit, or its successor), ``successor_code``/``successor_name`` (what the unit
        became in a later period's vintage, when it changed) and ``vintage_change_before``.

    Raises
    ------
    ValueError
        On an unknown unit or indicator.
    """
    unit = require_unit(session, vintage, unit_code)
    catalogue = catalogue_frame(session, indicator_key)
    periods = data_periods(session, indicator_key)
    order = {key: n for n, key in enumerate(catalogue["key"])}
    periods = periods[periods["indicator"].isin(order)]
    periods = periods.assign(_order=periods["indicator"].map(order)).sort_values(
        "_order", kind="mergesort"
    )
    indicators = catalogue.set_index("key")
    walk_cache: dict[str, pd.DataFrame] = {}
    stored = unit_series(session, vintage, unit.code)  # the unit's every pair in one read

    def own_row(key: str, period: str) -> pd.Series | None:
        found = stored.get((key, period))
        if found is None:
            return value_row(session, key, period, unit)
        if isinstance(found, ValueError):
            raise found
        return found  # type: ignore[return-value]

    records = []
    for key, period, period_vintage in periods[["indicator", "period", "period_vintage"]].values:
        entry = indicators.loc[key]
        record: dict[str, object] = {"indicator": key}
        record.update({c: entry[c] for c in INDICATOR_LABEL_FIELDS[1:]})
        record.update(code=unit.code, name=unit.name, vintage=vintage, period=period)
        record.update(period_vintage=period_vintage, successor_code=None, successor_name=None)
        try:
            row = own_row(key, period)
        except ValueError:
            row = None  # e.g. unit data of a later vintage: cannot be split back
        later = _successors(session, unit, period_vintage, walk_cache)
        successor = require_unit(session, period_vintage, later[0]) if later else None
        if successor is not None and (successor.code, successor.name) != (unit.code, unit.name):
            record.update(successor_code=successor.code, successor_name=successor.name)
        method: str | None = None
        shown = unit
        if _has_value(row):
            if period_vintage == vintage:
                method = "own_vintage"
            elif row["data_level"] == "village":
                method = "villages"
            else:
                method = "crosswalk"
        elif successor is not None:
            try:
                candidate = value_row(session, key, period, successor)
            except ValueError:
                candidate = None
            if _has_value(candidate):
                row, method, shown = candidate, "successor", successor
        record.update(_row_record(row if _has_value(row) else None))
        if row is not None and not _has_value(row):
            record.update(target=row.get("target"), comparator=row.get("comparator"))
        record.update(method=method, reaggregated=method in ("villages", "crosswalk"))
        record.update(value_code=shown.code, value_name=shown.name)
        records.append(record)
    out = pd.DataFrame(records, columns=list(TREND_COLUMNS))
    for column in ("value", "numerator", "denominator", "target", "published_value"):
        out[column] = as_floats(out[column])
    out["met"] = met_flags(out["met"])
    for column in ("comparator", "provenance", "source", "method"):
        out[column] = nullable(out[column])
    for column in ("successor_code", "successor_name"):
        out[column] = nullable(out[column])
    out["reaggregated"] = out["reaggregated"].astype(bool)
    out["vintage_change_before"] = (
        mark_vintage_changes(out) if len(out) else pd.Series(dtype=bool)
    ).to_numpy(dtype=np.bool_)
    return out.reset_index(drop=True)
