"""The unit tree of each vintage as the roll-ups walk it: depth, children, the ancestor closure."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from geodata.areas.hierarchy import Hierarchy, load_hierarchy
from geodata.areas.vintages import stored_vintages
from geodata.store.models import UnitAncestor


def depths(hier: Hierarchy) -> pd.Series:
    """Return each unit's depth below its root (0 for a root), indexed by code."""
    codes = hier.units.index
    return pd.Series([len(hier.chain(code)) - 1 for code in codes], index=codes, dtype=int)


def children(hier: Hierarchy) -> dict[str, list[str]]:
    """Return each parent's child codes (only units of the vintage), sorted."""
    out: dict[str, list[str]] = {}
    known = set(hier.units.index)
    for code, parent in zip(hier.units["code"], hier.units["parent_code"], strict=True):
        if isinstance(parent, str) and parent in known and parent != code:
            out.setdefault(parent, []).append(code)
    return {parent: sorted(kids) for parent, kids in out.items()}


def closure_rows(hier: Hierarchy) -> Iterable[dict[str, object]]:
    """Yield one row per (unit, ancestor above it) with the ancestor's distance."""
    for code in hier.units.index:
        for depth, ancestor in enumerate(hier.chain(code)[1:], start=1):
            yield {
                "vintage_key": hier.vintage,
                "ancestor_code": ancestor,
                "code": code,
                "depth": depth,
            }


def rebuild_closure(session: Session) -> int:
    """Rewrite the ancestor closure of every stored vintage; return the rows written."""
    session.execute(delete(UnitAncestor))
    count = 0
    for spec in stored_vintages(session):
        try:
            hier = load_hierarchy(session, spec.key)
        except ValueError:  # a vintage without units
            continue
        rows = list(closure_rows(hier))
        if rows:
            session.execute(insert(UnitAncestor), rows)
        count += len(rows)
    return count
