"""Targets across vintages: which rule applies to the units and villages of the vintage shown.

A scoped target names a unit of its scope vintage (:func:`geodata.catalogue.targets.scope_vintage`:
the
vintage in force at the end of its period). Values can be shown on any vintage, so:

- On the scope vintage itself, a unit's rule is the nearest scope on its chain of ancestors, then
  ``*`` (:func:`geodata.catalogue.targets.resolve_target`).
- On another vintage, a unit is matched with the units of the scope vintage it shares ground with
  through the crosswalk (:func:`geodata.areas.crosswalk.shared_ground`: its predecessors or
  successors,
  and those of every unit inside it). Each of those resolves its rule on the scope vintage; the
  unit takes that rule only when **all** of them resolve to the same rule. When they disagree —
  a 2025-07 commune merged from 2020 communes with different scoped targets, as a merged phường
  would be if one of the wards it absorbed had a target of its own — or when no link reaches
  the unit, the general ``*`` rule applies
  (:func:`geodata.catalogue.targets.resolve_shared`). So a 2024 island threshold shown on
  2025-07 keeps to the island's 2025-07 unit, and a 2025 one shown on 2020 keeps to the 2020
  district, while the province as a whole (which covers the island and the mainland) gets the
  general target.
- A village lies in exactly one unit of every vintage: it resolves on its own code, then the chain
  of its parent in the scope vintage (falling back to its unit's rule when it has no parent there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

import pandas as pd
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import shared_ground
from geodata.areas.hierarchy import Hierarchy, load_hierarchy, village_parent_links
from geodata.catalogue.targets import ANY_SCOPE, TargetRule, resolve_shared, resolve_target

Rules = dict[str, TargetRule | None]
T = TypeVar("T")


def other_scope_vintage(rules: list[TargetRule], vintage: str) -> str | None:
    """Return the scoped rules' vintage when it differs from ``vintage`` (else None)."""
    vintages = {r.scope_vintage for r in rules if r.scope_code != ANY_SCOPE and r.scope_vintage}
    if len(vintages) > 1:
        raise ValueError(
            f"the targets of one indicator and period name units of several vintages "
            f"({', '.join(sorted(vintages))})"
        )
    other = vintages.pop() if vintages else None
    return other if other != vintage else None


def _memo(cache: dict[str, object], key: str, make: Callable[[], T]) -> T:
    key = f"target_scopes:{key}"
    if key not in cache:
        cache[key] = make()
    return cache[key]  # type: ignore[return-value]


def _scope_hierarchy(session: Session, vintage: str, cache: dict[str, object]) -> Hierarchy | None:
    """Return the scope vintage's units (None when that vintage is not loaded)."""
    try:
        return _memo(cache, f"hierarchy:{vintage}", lambda: load_hierarchy(session, vintage))
    except ValueError:
        return None


def _parent_of(links: pd.DataFrame) -> dict[str, str]:
    return dict(zip(links["code"], links["parent_code"], strict=True))


def unit_rules(
    session: Session,
    rules: Iterable[TargetRule],
    hier: Hierarchy,
    codes: Iterable[str],
    cache: dict[str, object] | None = None,
) -> Rules:
    """Return the rule that applies to each unit of ``hier`` (see the module notes).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    rules : iterable of TargetRule
        The rules of one indicator and period (:func:`geodata.catalogue.targets.load_targets`).
    hier : Hierarchy
        The units of the vintage the values are shown on.
    codes : iterable of str
        Unit codes of ``hier``.
    cache : dict, optional
        Memo shared between calls (the scope vintage's units and crosswalk).

    Returns
    -------
    dict of str to TargetRule or None
        Code → rule (``None``: no target applies).

    Raises
    ------
    ValueError
        If the scoped rules name units of several vintages.
    """
    rules = list(rules)
    other = other_scope_vintage(rules, hier.vintage)
    if other is None:
        return {code: resolve_target(rules, hier.chain(code)) for code in codes}
    cache = {} if cache is None else cache
    scope_hier = _scope_hierarchy(session, other, cache)
    if scope_hier is None:  # the scope vintage is not loaded: its codes cannot be placed
        return {code: resolve_shared(rules, []) for code in codes}
    ground = _memo(
        cache, f"ground:{hier.vintage}:{other}", lambda: shared_ground(session, hier, other)
    )
    return {
        code: resolve_shared(rules, [scope_hier.chain(c) for c in sorted(ground.get(code, ()))])
        for code in codes
    }


def village_rules(
    session: Session,
    rules: Iterable[TargetRule],
    hier: Hierarchy,
    parents: Mapping[str, str],
    cache: dict[str, object] | None = None,
) -> Rules:
    """Return the rule that applies to each village (see the module notes).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    rules : iterable of TargetRule
        The rules of one indicator and period.
    hier : Hierarchy
        The units of the vintage the villages are shown on.
    parents : mapping of str to str
        Village code → its unit in ``hier``.
    cache : dict, optional
        Memo shared between calls.

    Returns
    -------
    dict of str to TargetRule or None
        Village code → rule.
    """
    rules = list(rules)
    other = other_scope_vintage(rules, hier.vintage)
    if other is None:
        return {
            code: resolve_target(rules, [code, *hier.chain(parent)])
            for code, parent in parents.items()
        }
    cache = {} if cache is None else cache
    scope_hier = _scope_hierarchy(session, other, cache)
    scope_parents: dict[str, str] = {}
    if scope_hier is not None:
        scope_parents = _memo(
            cache,
            f"village_parents:{other}",
            lambda: _parent_of(village_parent_links(session, other)),
        )
    by_scope = {rule.scope_code: rule for rule in rules}
    units = unit_rules(session, rules, hier, set(parents.values()), cache)
    out: Rules = {}
    for code, parent in parents.items():
        if code in by_scope:
            out[code] = by_scope[code]
        elif scope_hier is not None and code in scope_parents:
            out[code] = resolve_target(rules, [code, *scope_hier.chain(scope_parents[code])])
        else:
            out[code] = units[parent]
    return out
