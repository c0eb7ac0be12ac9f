"""Compare units side by side across indicators, and rank all units of a level on one.

Leaders comparing districts is the main use: :func:`compare_units` gives the matrix (every
indicator × the selected units, each cell a value and whether it meets its target) and
:func:`ranking` the ordered bar chart of all units of that level for one indicator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy.orm import Session

from geodata.analysis.lookup import require_unit
from geodata.areas.unit_records import UnitRecord
from geodata.catalogue.indicators import INDICATOR_LABEL_FIELDS, catalogue_frame
from geodata.rollups.queries import unit_values
from geodata.rollups.read import units_series
from geodata.values.cells import as_floats, met_flags
from geodata.values.columns import UNIT_COLUMNS

MATRIX_INDICATOR_COLUMNS = INDICATOR_LABEL_FIELDS
CELL_FIELDS = ("value", "target", "met")
RANKING_COLUMNS = ("rank", *UNIT_COLUMNS, "direction", "selected")


def cell_column(field: str, code: str) -> str:
    """Return the matrix column holding ``field`` (``value``, ``target``, ``met``) of a unit.

    Parameters
    ----------
    field : str
        One of :data:`CELL_FIELDS`.
    code : str
        The unit's code.

    Returns
    -------
    str
        For example ``value_750`` (no dots: data-grid field names treat dots as paths).
    """
    return f"{field}_{code}"


def _selected_units(session: Session, codes: Sequence[str], vintage: str) -> list[UnitRecord]:
    codes = list(dict.fromkeys(str(c) for c in codes))
    if not codes:
        raise ValueError("pick at least one unit to compare")
    units = [require_unit(session, vintage, code) for code in codes]
    levels = sorted({u.level for u in units})
    if len(levels) > 1:
        detail = ", ".join(f"{u.code} ({u.name}) is a {u.level}" for u in units)
        raise ValueError(
            f"units of different levels cannot be compared ({' and '.join(levels)}): {detail}; "
            "pick units of one level"
        )
    return units


def compare_units(
    session: Session, codes: Sequence[str], period: str, vintage: str
) -> pd.DataFrame:
    """Return the comparison matrix: every catalogue indicator × the selected units.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    codes : sequence of str
        Codes of units of ``vintage``, all of one level (duplicates are dropped, order kept).
    period : str
        Period key.
    vintage : str
        Vintage key.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (catalogue order) with :data:`MATRIX_INDICATOR_COLUMNS`, then,
        for each unit in the order given, ``value_<code>`` (float, NaN without data),
        ``target_<code>`` (the threshold resolved for that unit, NaN without one) and
        ``met_<code>`` (True, False or None); see :func:`cell_column`. ``frame.attrs["units"]``
        lists the units as ``{"code", "name", "level"}`` dicts for column headers.

    Raises
    ------
    ValueError
        If no code is given, a code is not a unit of ``vintage``, or the units are of different
        levels (comparing a district with a commune would mislead).
    """
    units = _selected_units(session, codes, vintage)
    level = units[0].level
    catalogue = catalogue_frame(session)
    out = catalogue[list(MATRIX_INDICATOR_COLUMNS)].copy()
    cells: dict[str, list[object]] = {
        cell_column(f, u.code): [] for u in units for f in CELL_FIELDS
    }
    stored = units_series(session, vintage, [u.code for u in units], period)  # one read
    for key in catalogue["key"]:
        for unit in units:
            row = stored.get((unit.code, key, period))
            if row is None and (unit.code, key, period) not in stored:
                row = _fallback(session, key, period, vintage, level, unit.code)
            for field in CELL_FIELDS:
                cell = None if row is None or isinstance(row, ValueError) else row[field]
                cells[cell_column(field, unit.code)].append(cell)
    for unit in units:
        for field in ("value", "target"):
            column = cell_column(field, unit.code)
            out[column] = as_floats(pd.Series(cells[column]))
        column = cell_column("met", unit.code)
        out[column] = met_flags(pd.Series(cells[column], dtype=object))
    ordered = [cell_column(f, u.code) for u in units for f in CELL_FIELDS]
    out = out[list(MATRIX_INDICATOR_COLUMNS) + ordered].reset_index(drop=True)
    out.attrs["units"] = [{"code": u.code, "name": u.name, "level": u.level} for u in units]
    out.attrs.update(period=period, vintage=vintage, level=level)
    return out


def _fallback(
    session: Session, key: str, period: str, vintage: str, level: str, code: str
) -> pd.Series | None:
    """Return the row of a pair with no stored row (no values, no targets) as its level has it."""
    try:
        frame = unit_values(session, key, period, vintage, level, codes=[code])
    except ValueError:
        return None
    return None if frame.empty else frame.iloc[0]


def rank_values(values: pd.Series, direction: str = "higher") -> pd.Series:
    """Return competition ranks (1 = best; ties share the best rank) with no data unranked.

    Parameters
    ----------
    values : pandas.Series
        Values (NaN: no data).
    direction : str
        ``higher`` (the largest value ranks first) or ``lower``.

    Returns
    -------
    pandas.Series
        Float ranks (NaN where the value is missing), aligned with ``values``.
    """
    return as_floats(values).rank(method="min", ascending=direction == "lower", na_option="keep")


def ranking(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None = None,
    selected: Iterable[str] = (),
) -> pd.DataFrame:
    """Return every unit of a level ranked on one indicator, best first.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key.
    period : str
        Period key.
    vintage : str
        Vintage key.
    level : str
        ``province``, ``district`` or ``commune``.
    parent_code : str, optional
        Only units lying in this unit.
    selected : iterable of str, optional
        Codes to flag in the ``selected`` column (the units being compared, for highlighting).

    Returns
    -------
    pandas.DataFrame
        :data:`RANKING_COLUMNS`: ``rank`` (1 = best, direction-aware; ties share a rank;
        NaN without data), the value columns of :func:`geodata.rollups.queries.unit_values`,
        the indicator's ``direction`` and ``selected``. Sorted by rank, units without data last
        (by code).

    Raises
    ------
    ValueError
        On an unknown indicator, vintage, level or parent.
    """
    direction = str(catalogue_frame(session, indicator_key).at[0, "direction"] or "higher")
    frame = unit_values(session, indicator_key, period, vintage, level, parent_code)
    out = frame.copy()
    out["rank"] = rank_values(out["value"], direction)
    out["direction"] = direction
    picked = {str(code) for code in selected}
    out["selected"] = out["code"].isin(picked).to_numpy(dtype=bool)
    out = out.sort_values(["rank", "code"], na_position="last", kind="mergesort")
    out["met"] = met_flags(out["met"])
    return out[list(RANKING_COLUMNS)].reset_index(drop=True)
