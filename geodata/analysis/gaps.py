"""The gap register: units or villages below target, and what is still missing in real terms.

The shortfall is what would have to change for the target to be met, counted in the things
the indicator counts (see :func:`shortfall`): households or adults still missing for a ratio,
villages still uncovered for a share of villages, teams still missing for a count.
"""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy.orm import Session

from geodata.analysis.lookup import BBOX_COLUMNS, unit_boxes
from geodata.analysis.scorecard import LOWER_COMPARATORS, target_gap
from geodata.areas.hierarchy import Hierarchy, load_hierarchy, root_codes
from geodata.catalogue.indicators import catalogue_frame
from geodata.rollups.queries import unit_values, village_values
from geodata.values.cells import as_number, not_met, nullable

GAP_COLUMNS = (
    "code",
    "name",
    "level",
    "parent_code",
    "parent_name",
    "vintage",
    "period",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "target",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "gap",
    "shortfall",
    "shortfall_unit_vi",
    "shortfall_unit_en",
    "lon",
    "lat",
    *BBOX_COLUMNS,
    "provenance",
    "source",
)
VILLAGE_UNIT = ("thôn, ấp, khu phố", "villages")
# Values are sums of integers scaled by a percentage: round away float noise before ceil/floor.
_DECIMALS = 9


def shortfall(
    kind: str,
    numerator: float | None,
    denominator: float | None,
    value: float | None,
    target: float | None,
    comparator: str | None = ">=",
) -> float:
    """Return how much is still missing for a value to meet its target, in real terms.

    Parameters
    ----------
    kind : str
        ``ratio``: the numerator units still missing, ``ceil(target% × denominator −
        numerator)`` (households with fibre, adults with an e-ID…). ``share_of_villages``: the
        same arithmetic on covered villages / villages, i.e. villages still uncovered.
        ``count``: ``target − value`` (teams still missing).
    numerator, denominator : float or None
        The stored or aggregated numerator and denominator (ratio and share kinds).
    value : float or None
        The value (used by ``count``; for a count stored only as a numerator, that).
    target : float or None
        The threshold (a percentage for ratio and share kinds).
    comparator : str or None
        ``>=`` (default), ``>`` (one more than reaching the threshold is needed), or ``<=`` /
        ``<`` for a lower-is-better target, where the result is the excess to remove.

    Returns
    -------
    float
        A whole number ≥ 0 (0 when the target is met, including values above 100 %); NaN when
        it cannot be computed (no target, or a ratio stored without numerator and
        denominator, e.g. a published figure on its own).

    Raises
    ------
    ValueError
        On an unknown kind or comparator.
    """
    comparator = comparator or ">="
    if comparator not in (">=", ">", "<=", "<"):
        raise ValueError(f"unknown comparator {comparator!r}")
    threshold = as_number(target)
    if kind in ("ratio", "share_of_villages"):
        num, den = as_number(numerator), as_number(denominator)
        if threshold is None or num is None or den is None or den <= 0:
            return math.nan
        have, need = num, threshold / 100.0 * den
    elif kind == "count":
        have = as_number(value)
        have = as_number(numerator) if have is None else have
        if threshold is None or have is None:
            return math.nan
        need = threshold
    else:
        raise ValueError(f"unknown indicator kind {kind!r}")
    lower = comparator in LOWER_COMPARATORS
    distance = round((have - need) if lower else (need - have), _DECIMALS)
    if comparator in (">", "<"):  # strictly beyond the threshold: one more than reaching it
        return float(math.floor(distance) + 1) if distance >= 0 else 0.0
    return float(max(0, math.ceil(distance)))


def shortfall_unit(indicator: dict) -> tuple[str, str]:
    """Return the Vietnamese and English name of what an indicator's shortfall counts.

    Parameters
    ----------
    indicator : dict
        A catalogue row (``kind``, ``numerator_vi``, ``numerator_en``, ``name_vi``,
        ``name_en``).

    Returns
    -------
    tuple of str
        Villages for a share of villages; the catalogue's numerator label for a ratio (e.g.
        "Household fibre subscriptions"); the indicator's name for a count or when the
        catalogue has no numerator label.
    """
    if indicator["kind"] == "share_of_villages":
        return VILLAGE_UNIT
    vi = indicator.get("numerator_vi") or indicator["name_vi"]
    en = indicator.get("numerator_en") or indicator["name_en"]
    return (
        (vi, en) if indicator["kind"] == "ratio" else (indicator["name_vi"], indicator["name_en"])
    )


def _village_rows(
    session: Session, indicator_key: str, period: str, vintage: str, parent_code: str | None
) -> pd.DataFrame:
    parents = [parent_code] if parent_code else root_codes(session, vintage)
    frames = [village_values(session, indicator_key, period, vintage, p) for p in parents]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    frame = frame.drop_duplicates("code")
    for column in BBOX_COLUMNS:  # a village is a point: its box is the point itself
        frame[column] = frame["lon" if "lon" in column else "lat"]
    return frame


def _leaf_units(
    hier: Hierarchy, level: str, parent_code: str | None
) -> list[tuple[str, str, str | None]]:
    """Units above ``level`` (not the root) with no units below, inside ``parent_code``.

    A district without communes: a register of communes must still list it.
    """
    units = hier.units[["code", "level", "parent_code"]]
    with_children = {parent for parent in units["parent_code"] if parent}
    depth = {"country": 0, "province": 1, "district": 2, "commune": 3}
    leaves = []
    for code, unit_level, parent in units.itertuples(index=False):
        if code in with_children or not parent:
            continue
        if depth.get(unit_level, 9) >= depth.get(level, 0):
            continue
        if parent_code is None or parent_code in hier.chain(code)[1:]:
            leaves.append((code, unit_level, parent))
    return leaves


def _unit_rows(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None,
) -> pd.DataFrame:
    frame = unit_values(session, indicator_key, period, vintage, level, parent_code)
    known = set(frame["code"])
    extra = []
    hier = load_hierarchy(session, vintage)
    for code, leaf_level, leaf_parent in _leaf_units(hier, level, parent_code):
        if code in known:
            continue
        rows = unit_values(session, indicator_key, period, vintage, leaf_level, leaf_parent)
        extra.append(rows[rows["code"] == code])
    return pd.concat([frame, *extra], ignore_index=True) if extra else frame


def gap_register(
    session: Session,
    indicator_key: str,
    period: str,
    vintage: str,
    level: str,
    parent_code: str | None = None,
) -> pd.DataFrame:
    """Return the units or villages below target, with the shortfall in real terms.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key.
    period : str
        Period key.
    vintage : str
        Vintage to show the units (or the villages' parents) on.
    level : str
        ``province``, ``district``, ``commune`` or ``village``.
    parent_code : str, optional
        Only units (or villages) lying in this unit; villages default to the whole area.
        A unit above ``level`` that has no units below it (an island district without
        communes) is listed with the units of ``level``, under its own level.

    Returns
    -------
    pandas.DataFrame
        One row per unit or village whose value does not meet its target (rows without a
        value or without a target are not listed), with :data:`GAP_COLUMNS`: identity and
        ``parent_name``; ``value``, ``numerator``, ``denominator``, resolved ``target``,
        ``comparator``, ``target_scope`` and ``target_scope_vintage``; ``gap`` (value − target,
        negative = short); ``shortfall`` (see :func:`shortfall`) counted in ``shortfall_unit_vi`` /
        ``shortfall_unit_en``; ``lon``/``lat`` (the village, or the centre of the unit's box)
        and ``min_lon, min_lat, max_lon, max_lat`` so that a map can fit the row;
        ``provenance`` and ``source``. Sorted by shortfall (largest first; NaN last), then by
        gap and code.

    Raises
    ------
    ValueError
        On an unknown indicator, vintage, level or parent (as :mod:`geodata.rollups.queries`).
    """
    indicator = catalogue_frame(session, indicator_key).iloc[0].to_dict()
    if level == "village":
        frame = _village_rows(session, indicator_key, period, vintage, parent_code)
    else:
        frame = _unit_rows(session, indicator_key, period, vintage, level, parent_code)
    boxes = unit_boxes(session, vintage)
    if frame.empty:
        return pd.DataFrame(columns=list(GAP_COLUMNS))
    out = frame[not_met(frame["met"])].copy()
    if level != "village":
        for column in ("lon", "lat", *BBOX_COLUMNS):
            out[column] = out["code"].map(boxes[column]).astype(float)
    out["parent_name"] = nullable(out["parent_code"].map(boxes["name"]))
    parts = ("numerator", "denominator", "value", "target", "comparator")
    rows = list(zip(*(out[column] for column in parts), strict=True))
    out["shortfall"] = pd.Series(
        [shortfall(indicator["kind"], *row) for row in rows], index=out.index, dtype=float
    )
    out["gap"] = pd.Series([target_gap(*row[2:]) for row in rows], index=out.index, dtype=float)
    out["shortfall_unit_vi"], out["shortfall_unit_en"] = shortfall_unit(indicator)
    out = out.sort_values(
        ["shortfall", "gap", "code"], ascending=[False, True, True], na_position="last"
    )
    return out[list(GAP_COLUMNS)].reset_index(drop=True)
