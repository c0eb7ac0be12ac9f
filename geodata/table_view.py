"""The map's current view as a table: the accessible alternative to the choropleth.

The rows are what the map shows for a selected unit (the rule of the map view): nothing or the
root selected → the root's children; a unit with children → its children; a leaf (a commune, or
Côn Đảo district, which has no communes) → its villages. Values are those of
:mod:`geodata.values` and the classes those of :func:`geodata.classify.classify` over the same
rows, so the table and the map agree.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.catalogue import catalogue_frame
from geodata.classify import DEFAULT_K, DEFAULT_SCHEME, classify
from geodata.hierarchy import root_codes
from geodata.models import Unit
from geodata.unit_lookup import find_unit
from geodata.value_cells import as_number, met_flags
from geodata.values import unit_values, village_values

CLASS_COLUMNS = ("class_index", "class_lower", "class_upper", "class_label")


def _view_rows(
    session: Session, indicator_key: str, period: str, vintage: str, unit_code: str | None
) -> pd.DataFrame:
    code = unit_code or next(iter(root_codes(session, vintage)), None)
    if code is None:
        raise ValueError(f"no units are loaded for vintage {vintage!r}")
    unit = find_unit(session, vintage, code)
    child_level = session.scalar(
        select(Unit.level).where(Unit.vintage_key == vintage, Unit.parent_code == unit.code)
    )
    if child_level is None and unit.level != "province":
        return village_values(session, indicator_key, period, vintage, unit.code)
    if child_level is None:
        return unit_values(session, indicator_key, period, vintage, unit.level)
    return unit_values(session, indicator_key, period, vintage, child_level, unit.code)


def view_table(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    unit_code: str | None = None,
    scheme: str = DEFAULT_SCHEME,
    k: int = DEFAULT_K,
) -> pd.DataFrame:
    """Return the rows the map shows for a view state, with their values and classes.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key, period, vintage : str
        The view's indicator, period and vintage.
    unit_code : str, optional
        The selected unit (``unit`` in the URL); ``None`` or the root for the whole area.
    scheme : str
        ``quantiles``, ``equal``, ``jenks`` or ``target`` (as on the map).
    k : int
        Number of classes wanted.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`geodata.values.unit_values` (units) or
        :func:`geodata.values.village_values` (villages of a leaf), sorted best first for the
        indicator's direction (no data last), plus ``class_index`` (0-based, None for no data;
        for ``target``: 0 not met, 1 met), ``class_lower`` and ``class_upper`` (the class's
        bounds; NaN for ``target``) and ``class_label`` (``"lower–upper"``, ``met``,
        ``not_met`` or ``no_data``). ``frame.attrs`` holds ``scheme``, ``breaks``, ``counts``
        and ``no_data`` for a legend.

    Raises
    ------
    ValueError
        On an unknown indicator, vintage, unit or scheme.
    """
    direction = str(catalogue_frame(session, indicator_key).at[0, "direction"] or "higher")
    rows = _view_rows(session, indicator_key, period, vintage, unit_code)
    values = {code: as_number(v) for code, v in zip(rows["code"], rows["value"], strict=True)}
    met = dict(zip(rows["code"], met_flags(rows["met"]), strict=True))
    classes = classify(values, scheme, k, met=met)
    ranges = classes.ranges()
    out = rows.copy()
    index = [classes.classes.get(code) for code in out["code"]]
    out["class_index"] = pd.Series(index, index=out.index, dtype=object)
    lower, upper, labels = [], [], []
    for i in index:
        if i is None:
            lower.append(math.nan)
            upper.append(math.nan)
            labels.append("no_data")
        elif scheme == "target":
            lower.append(math.nan)
            upper.append(math.nan)
            labels.append("met" if i == 1 else "not_met")
        else:
            lo, hi = ranges[i]
            lower.append(lo)
            upper.append(hi)
            labels.append(f"{lo:.4g}–{hi:.4g}")
    out["class_lower"] = pd.Series(lower, index=out.index, dtype=float)
    out["class_upper"] = pd.Series(upper, index=out.index, dtype=float)
    out["class_label"] = labels
    out = out.sort_values(
        ["value", "code"], ascending=[direction == "lower", True], na_position="last"
    )
    out.attrs.update(
        scheme=classes.scheme,
        breaks=list(classes.breaks),
        counts=list(classes.counts),
        no_data=classes.no_data,
    )
    return out.reset_index(drop=True)
