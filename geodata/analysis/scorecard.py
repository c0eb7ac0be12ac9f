"""Target scorecards: each indicator's value against its target for one unit, and per pillar.

Everything is counted from the catalogue, the stored values and the stored targets; nothing is
hard-coded. The target that applies is the one :mod:`geodata.catalogue.targets` resolves for the
unit (its
own scope, then its ancestors', then ``*``), so area-specific thresholds such as a lower one for
an island district are honoured.

Statuses
--------
``met`` / ``not_met``
    The unit has a value and a target applies.
``no_target``
    The unit has a value but no target applies for that indicator and period.
``no_data``
    The unit has no value (whether or not a target applies).

An indicator whose finest level is coarser than the unit (``full_online_procedures`` is
province-only) can have no value for a district or commune: its row stays in the scorecard,
marked ``applicable = False``, and :func:`pillar_summary` leaves it out of the counts, so that a
commune is not shown failing a target it cannot be measured against.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from geodata.analysis.lookup import require_unit, value_row
from geodata.areas.hierarchy import load_hierarchy
from geodata.catalogue.indicators import INDICATOR_LABEL_FIELDS, PILLARS, catalogue_frame
from geodata.catalogue.scopes import unit_rules
from geodata.catalogue.targets import is_met, load_targets
from geodata.rollups.read import unit_series
from geodata.store.models import LEVELS
from geodata.values.cells import as_floats, as_number, nullable

STATUSES = ("met", "not_met", "no_target", "no_data")
LOWER_COMPARATORS = ("<=", "<")
SCORECARD_COLUMNS = (
    *INDICATOR_LABEL_FIELDS,
    "value",
    "numerator",
    "denominator",
    "target",
    "comparator",
    "target_scope",
    "target_scope_vintage",
    "gap",
    "status",
    "provenance",
    "source",
    "published_value",
    "published_source",
    "above_100",
    "applicable",
)
SUMMARY_COLUMNS = (
    "pillar",
    "pillar_vi",
    "pillar_en",
    "met",
    "not_met",
    "no_data",
    "with_target",
    "no_target",
    "total",
    "not_applicable",
    "label",
)
_DEPTH = {level: depth for depth, level in enumerate(LEVELS)}


def target_gap(value: float | None, target: float | None, comparator: str | None) -> float:
    """Return the signed distance from ``value`` to ``target``: negative means short of it.

    Parameters
    ----------
    value : float or None
        The unit's value.
    target : float or None
        The threshold.
    comparator : str or None
        ``>=`` or ``>`` (higher is better: ``value - target``), ``<=`` or ``<`` (lower is better:
        ``target - value``).

    Returns
    -------
    float
        The gap, NaN when the value or the target is missing.
    """
    v, t = as_number(value), as_number(target)
    if v is None or t is None:
        return math.nan
    return t - v if comparator in LOWER_COMPARATORS else v - t


def card_status(value: float | None, target: float | None, comparator: str | None) -> str:
    """Return the scorecard status of one value against one target.

    Parameters
    ----------
    value : float or None
        The unit's value (None or NaN: no data).
    target : float or None
        The resolved threshold (None or NaN: no target).
    comparator : str or None
        The target's comparator (``>=`` when missing).

    Returns
    -------
    str
        ``no_data``, ``no_target``, ``met`` or ``not_met`` (see the module notes).
    """
    v, t = as_number(value), as_number(target)
    if v is None:
        return "no_data"
    if t is None:
        return "no_target"
    return "met" if is_met(v, t, comparator or ">=") else "not_met"


def score(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``gap`` and ``status`` to a frame of values and targets (pure).

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``value``, ``target`` and ``comparator`` columns.

    Returns
    -------
    pandas.DataFrame
        A copy with ``gap`` (float, negative = short) and ``status`` (one of :data:`STATUSES`).
    """
    out = frame.copy()
    rows = list(zip(out["value"], out["target"], out["comparator"], strict=True))
    out["gap"] = pd.Series([target_gap(*r) for r in rows], index=out.index, dtype=float)
    out["status"] = pd.Series([card_status(*r) for r in rows], index=out.index, dtype=object)
    return out


def scorecard(session: Session, period: str, vintage: str, unit_code: str) -> pd.DataFrame:
    """Return one unit's scorecard: every catalogue indicator's value against its target.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    period : str
        Period key, e.g. ``2024``.
    vintage : str
        Vintage the unit belongs to (values of other vintages are carried onto it).
    unit_code : str
        Code of a unit of ``vintage`` (the province for the whole area).

    Returns
    -------
    pandas.DataFrame
        One row per catalogue indicator (catalogue order) with :data:`SCORECARD_COLUMNS`:
        catalogue fields, ``value`` (percentage or count, NaN without data), ``numerator``,
        ``denominator``, the resolved ``target``, ``comparator``, ``target_scope`` and
        ``target_scope_vintage`` (the code or ``*`` the threshold was set for, and the vintage
        of that code), ``gap`` (negative = short of the target),
        ``status`` (``met``, ``not_met``, ``no_target``, ``no_data``), the value's
        ``provenance`` and ``source``, a ``published_value`` stored for this very unit (shown
        beside the computed value, never replacing it), ``above_100`` and ``applicable``
        (False for an indicator measured only above the unit's level and without a value here).

    Raises
    ------
    ValueError
        On an unknown vintage or unit.
    """
    unit = require_unit(session, vintage, unit_code)
    catalogue = catalogue_frame(session)
    head = len(INDICATOR_LABEL_FIELDS)
    value_columns = [c for c in SCORECARD_COLUMNS[head:-1] if c not in ("gap", "status")]
    records = []
    hier, cache = None, {}
    stored = unit_series(session, vintage, unit.code, period)  # every indicator, one read
    for indicator in catalogue.to_dict("records"):
        record = {column: indicator[column] for column in INDICATOR_LABEL_FIELDS}
        try:
            found = stored.get((indicator["key"], period))
            if isinstance(found, ValueError):
                raise found
            row = found if found is not None else value_row(session, indicator["key"], period, unit)
        except ValueError:
            row = None  # data of a later vintage cannot be split back onto this unit
        if row is not None:
            record.update({c: row.get(c) for c in value_columns})
        else:
            hier = hier or load_hierarchy(session, vintage)
            rules = load_targets(session, indicator["key"], period)
            rule = unit_rules(session, rules, hier, [unit.code], cache)[unit.code]
            if rule is not None:
                record.update(target=rule.threshold, comparator=rule.comparator)
                record.update(target_scope=rule.scope_code, target_scope_vintage=rule.scope_vintage)
        finest = _DEPTH.get(indicator["finest_level"], len(LEVELS))
        record["applicable"] = finest >= _DEPTH.get(unit.level, 0)
        records.append(record)
    columns = [*INDICATOR_LABEL_FIELDS, *value_columns, "applicable"]
    card = pd.DataFrame(records, columns=columns)
    for column in ("value", "numerator", "denominator", "target", "published_value"):
        card[column] = as_floats(card[column])
    card["above_100"] = card["above_100"].fillna(False).astype(bool)
    # Data beats the catalogue's claim: an imported value makes the indicator applicable.
    card["applicable"] = card["applicable"].astype(bool) | card["value"].notna()
    text_columns = ("comparator", "target_scope", "target_scope_vintage", "provenance", "source")
    for column in (*text_columns, "published_source"):
        card[column] = nullable(card[column])
    card = score(card)[list(SCORECARD_COLUMNS)]
    card.attrs.update(unit=unit.code, name=unit.name, level=unit.level)
    card.attrs.update(period=period, vintage=vintage)
    return card


def pillar_summary(card: pd.DataFrame) -> pd.DataFrame:
    """Count targets met per pillar ("13/15" style) from a scorecard (pure).

    Parameters
    ----------
    card : pandas.DataFrame
        A :func:`scorecard` frame (``pillar`` and ``status`` columns are enough; ``target``
        and ``applicable`` are used when present).

    Returns
    -------
    pandas.DataFrame
        One row per pillar present (in :data:`geodata.catalogue.indicators.PILLARS` order, unknown
        pillars
        after) with :data:`SUMMARY_COLUMNS`: ``met``, ``not_met``, ``no_data`` (indicators
        without a value), ``with_target`` (indicators with a target: met + not met + those
        whose target cannot be judged for lack of data), ``no_target`` (a value but no
        target), ``total`` (applicable indicators), ``not_applicable`` (left out of every
        other count) and ``label`` = ``"met/with_target"``.

    Notes
    -----
    An indicator with a target but no value counts in ``with_target`` and not in ``met``: a
    target whose outcome is unknown is not a target met.
    """
    order = list(PILLARS) + sorted(set(card["pillar"]) - set(PILLARS))
    rows = []
    for pillar in order:
        part = card[card["pillar"] == pillar]
        if part.empty:
            continue
        if "applicable" in part:
            applicable = part["applicable"].fillna(True).astype(bool)
            skipped = int((~applicable).sum())
            part = part[applicable]
        else:
            skipped = 0
        status = part["status"]
        judged = status.isin(["met", "not_met"])
        has_target = (part["target"].notna() | judged) if "target" in part else judged
        met = int((status == "met").sum())
        with_target = int(has_target.sum())
        vi, en = PILLARS.get(pillar, (pillar, pillar))
        rows.append(
            {
                "pillar": pillar,
                "pillar_vi": vi,
                "pillar_en": en,
                "met": met,
                "not_met": int((status == "not_met").sum()),
                "no_data": int((status == "no_data").sum()),
                "with_target": with_target,
                "no_target": int((status == "no_target").sum()),
                "total": len(part),
                "not_applicable": skipped,
                "label": f"{met}/{with_target}",
            }
        )
    out = pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
    for column in SUMMARY_COLUMNS[3:-1]:
        out[column] = out[column].astype(np.int64)
    return out
