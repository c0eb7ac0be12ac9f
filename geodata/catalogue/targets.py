"""Which target applies to a unit, and whether a value meets it.

A target row has a scope: ``*`` (every unit) or a unit code. The most specific scope wins: the
unit's own code, then its parent's, and so on up to the root, and only then ``*``. This lets an
island district carry a lower threshold that also applies to everything inside it.

A scope code names a unit of the *scope vintage*: the boundary vintage in force at the end of the
target's period (:func:`geodata.areas.vintages.vintage_for_period`), the same convention as an
observation's code: a 2024 target scoped to a district names that district's code in the 2020
vintage, a 2025 target for the same place names its 2025-07 unit. How such a scope reaches the
units of another vintage is :mod:`geodata.catalogue.scopes`' business; this module is pure apart
from :func:`load_targets`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import VintageSpec, stored_vintages, vintage_for_period
from geodata.store.models import COMPARATORS, Target

ANY_SCOPE = "*"
# Values are computed from integer sums and may carry float noise (e.g. 94.99999999999999).
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class TargetRule:
    """A threshold for one indicator and period, for a scope (a unit code or ``*``).

    ``scope_vintage`` is the vintage whose unit ``scope_code`` names (``None`` for ``*``, or
    when unknown: the code is then read in whatever vintage the units are shown on).
    """

    indicator_key: str
    period: str
    scope_code: str
    threshold: float
    comparator: str = ">="
    is_example: bool = True
    note: str = ""
    scope_vintage: str | None = None


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


def resolve_shared(
    rules: Iterable[TargetRule], scope_chains: Iterable[Sequence[str]]
) -> TargetRule | None:
    """Return the rule for a unit that covers the ground of several units of the scope vintage.

    Parameters
    ----------
    rules : iterable of TargetRule
        The rules of one indicator and period.
    scope_chains : iterable of sequence of str
        One scope chain (see :func:`resolve_target`) per unit of the rules' scope vintage that
        the unit shares ground with (its predecessors or successors in the crosswalk).

    Returns
    -------
    TargetRule or None
        The rule every one of those units resolves to when they all agree; otherwise (they
        disagree, or there is none) the ``*`` rule; failing that ``None``. A commune merged
        from an island commune with a lower threshold and a mainland one gets the general
        target, never the lower one.
    """
    rules = list(rules)
    resolved = {resolve_target(rules, chain) for chain in scope_chains}
    if len(resolved) == 1:
        return resolved.pop()
    return next((rule for rule in rules if rule.scope_code == ANY_SCOPE), None)


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
    """Add the target columns of :func:`apply_rules` to ``frame``, resolving each code's chain.

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
        As :func:`apply_rules`.
    """
    rules = list(rules)
    codes = dict.fromkeys(frame["code"])
    return apply_rules(
        frame, {code: resolve_target(rules, chains.get(code, (code,))) for code in codes}
    )


def apply_rules(frame: pd.DataFrame, resolved: Mapping[str, TargetRule | None]) -> pd.DataFrame:
    """Add ``target``, ``met``, ``comparator``, ``target_scope`` and ``target_scope_vintage``.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``code`` and ``value`` columns.
    resolved : mapping of str to TargetRule or None
        The rule that applies to each code (a code missing here has no target).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``target`` (float or NaN), ``met`` (True, False or None),
        ``comparator``, ``target_scope`` (the rule's code or ``*``) and
        ``target_scope_vintage`` (the vintage that code belongs to; None for ``*``) — str or
        None.
    """
    out = frame.copy()
    targets: list[float] = []
    met: list[bool | None] = []
    comparators: list[str | None] = []
    scopes: list[str | None] = []
    scope_vintages: list[str | None] = []
    for code, value in zip(out["code"], out["value"], strict=True):
        rule = resolved.get(code)
        if rule is None:
            targets.append(math.nan)
            met.append(None)
            comparators.append(None)
            scopes.append(None)
            scope_vintages.append(None)
            continue
        targets.append(rule.threshold)
        met.append(is_met(value, rule.threshold, rule.comparator))
        comparators.append(rule.comparator)
        scopes.append(rule.scope_code)
        scope_vintages.append(rule.scope_vintage)
    out["target"] = pd.Series(targets, index=out.index, dtype=float)
    out["met"] = pd.Series(met, index=out.index, dtype=object)
    out["comparator"] = pd.Series(comparators, index=out.index, dtype=object)
    out["target_scope"] = pd.Series(scopes, index=out.index, dtype=object)
    out["target_scope_vintage"] = pd.Series(scope_vintages, index=out.index, dtype=object)
    return out


def scope_vintage(period: str, vintages: Sequence[VintageSpec]) -> str | None:
    """Return the vintage whose unit codes the scopes of ``period``'s targets name.

    Parameters
    ----------
    period : str
        Period key, e.g. ``2024``.
    vintages : sequence of VintageSpec
        The stored vintages (:func:`geodata.areas.vintages.stored_vintages`).

    Returns
    -------
    str or None
        The vintage in force at the end of the period (``2024`` → ``2020``, ``2025`` →
        ``2025-07`` for BR-VT), or ``None`` for a period no vintage covers.
    """
    try:
        return vintage_for_period(period, vintages)
    except ValueError:
        return None


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
        Possibly empty; a scoped rule's ``scope_vintage`` is :func:`scope_vintage` of
        ``period``.
    """
    stmt = select(Target).where(Target.indicator_key == indicator_key, Target.period == period)
    vintage = scope_vintage(period, stored_vintages(session))
    return [
        TargetRule(
            indicator_key=t.indicator_key,
            period=t.period,
            scope_code=t.scope_code or ANY_SCOPE,
            threshold=float(t.threshold),
            comparator=t.comparator,
            is_example=bool(t.is_example),
            note=t.note or "",
            scope_vintage=vintage if (t.scope_code or ANY_SCOPE) != ANY_SCOPE else None,
        )
        for t in session.scalars(stmt)
    ]
