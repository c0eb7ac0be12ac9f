"""Which target applies to a unit, and whether a value meets it.

A target row has a scope: ``*`` (every unit) or a unit code. The most specific scope wins: the
unit's own code, then its parent's, and so on up to the root, and only then ``*``. This lets an
island district carry a lower threshold that also applies to everything inside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.models import COMPARATORS, Target

ANY_SCOPE = "*"
# Values are computed from integer sums and may carry float noise (e.g. 94.99999999999999).
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TargetRule:
    """A threshold for one indicator and period, for a scope (a unit code or ``*``)."""

    indicator_key: str
    period: str
    scope_code: str
    threshold: float
    comparator: str = ">="
    is_example: bool = True
    note: str = ""


def resolve_target(rules: Iterable[TargetRule], scope_chain: Sequence[str]) -> TargetRule | None:
    """Return the rule that applies to a unit, or ``None`` when no rule applies.

    Parameters
    ----------
    rules : iterable of TargetRule
        The rules of one indicator and period.
    scope_chain : sequence of str
        The unit's code followed by its ancestors' codes, nearest first (for a village: the
        village code, its commune, district, province).

    Returns
    -------
    TargetRule or None
        The rule whose scope is the nearest code in ``scope_chain``; failing that the ``*``
        rule; failing that ``None``.
    """
    by_scope = {rule.scope_code: rule for rule in rules}
    for code in scope_chain:
        if code in by_scope:
            return by_scope[code]
    return by_scope.get(ANY_SCOPE)


def is_met(value: float | None, threshold: float | None, comparator: str = ">=") -> bool | None:
    """Tell whether ``value`` meets ``threshold`` under ``comparator``.

    Parameters
    ----------
    value : float or None
        The unit's value (NaN or None: no data).
    threshold : float or None
        The target threshold (None: no target).
    comparator : str
        One of ``>=``, ``>``, ``<=``, ``<``.

    Returns
    -------
    bool or None
        ``None`` when there is no value or no target; otherwise whether the value meets it
        (with a 1e-9 tolerance for float noise on ``>=`` and ``<=``).

    Raises
    ------
    ValueError
        On an unknown comparator.
    """
    if comparator not in COMPARATORS:
        raise ValueError(f"unknown comparator {comparator!r}; expected {', '.join(COMPARATORS)}")
    if value is None or threshold is None:
        return None
    value, threshold = float(value), float(threshold)
    if math.isnan(value) or math.isnan(threshold):
        return None
    if comparator == ">=":
        return value >= threshold - _TOLERANCE
    if comparator == ">":
        return value > threshold
    if comparator == "<=":
        return value <= threshold + _TOLERANCE
    return value < threshold


def apply_targets(
    frame: pd.DataFrame,
    rules: Iterable[TargetRule],
    chains: Mapping[str, Sequence[str]],
) -> pd.DataFrame:
    """Add ``target``, ``met``, ``comparator`` and ``target_scope`` columns to ``frame``.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``code`` and ``value`` columns.
    rules : iterable of TargetRule
        The rules of the frame's indicator and period.
    chains : mapping of str to sequence of str
        For each code, its scope chain (the code itself first, then its ancestors); a code
        missing here is matched on its own code and ``*`` only.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``target`` (float or NaN), ``met`` (True, False or None),
        ``comparator`` and ``target_scope`` (str or None).
    """
    rules = list(rules)
    out = frame.copy()
    targets: list[float] = []
    met: list[bool | None] = []
    comparators: list[str | None] = []
    scopes: list[str | None] = []
    for code, value in zip(out["code"], out["value"], strict=True):
        rule = resolve_target(rules, chains.get(code, (code,)))
        if rule is None:
            targets.append(math.nan)
            met.append(None)
            comparators.append(None)
            scopes.append(None)
            continue
        targets.append(rule.threshold)
        met.append(is_met(value, rule.threshold, rule.comparator))
        comparators.append(rule.comparator)
        scopes.append(rule.scope_code)
    out["target"] = pd.Series(targets, index=out.index, dtype=float)
    out["met"] = pd.Series(met, index=out.index, dtype=object)
    out["comparator"] = pd.Series(comparators, index=out.index, dtype=object)
    out["target_scope"] = pd.Series(scopes, index=out.index, dtype=object)
    return out


def load_targets(session: Session, indicator_key: str, period: str) -> list[TargetRule]:
    """Load the target rules of one indicator and period from the store.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key, e.g. ``fibre_households``.
    period : str
        Period key, e.g. ``2024``.

    Returns
    -------
    list of TargetRule
        Possibly empty.
    """
    stmt = select(Target).where(Target.indicator_key == indicator_key, Target.period == period)
    return [
        TargetRule(
            indicator_key=t.indicator_key,
            period=t.period,
            scope_code=t.scope_code or ANY_SCOPE,
            threshold=float(t.threshold),
            comparator=t.comparator,
            is_example=bool(t.is_example),
            note=t.note or "",
        )
        for t in session.scalars(stmt)
    ]
