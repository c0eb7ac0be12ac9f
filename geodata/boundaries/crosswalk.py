"""Crosswalk files and the links they give between units of two vintages, stored once.

Each ``[[crosswalk]]`` of the area manifest names a CSV and the columns holding the codes of
``from_vintage`` and ``to_vintage`` (one file may serve several crosswalks, as BR-VT's does).
:func:`crosswalk_links` turns them into links: unit → unit, parent → parent when the crosswalk
names parent columns, root → root, and, for two vintages that no crosswalk joins directly, the
composition of the steps between them. :mod:`geodata.areas.crosswalk` walks the stored links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import stored_links
from geodata.areas.links import chain_links
from geodata.areas.manifest import Area, CrosswalkSpec
from geodata.boundaries.files import read_csv_table, require_file
from geodata.store.models import CrosswalkLink, Unit

Link = tuple[str, str, str, str, str]  # from_vintage, from_code, to_vintage, to_code, note


def read_crosswalk(area: Area, spec: CrosswalkSpec) -> pd.DataFrame:
    """Read the CSV of one ``[[crosswalk]]`` with string codes.

    Parameters
    ----------
    area : Area
        The area whose manifest names the crosswalk.
    spec : CrosswalkSpec
        The crosswalk.

    Returns
    -------
    pandas.DataFrame
        Every column of the file, of string dtype, empty cells as ``""``.

    Raises
    ------
    BoundaryLoadError
        If the file is missing or lacks a column the manifest names.
    """
    return read_csv_table(require_file(area.resolve(spec.file), area.source), spec.columns())


def crosswalk_links(
    area: Area,
    tables: Mapping[tuple[str, str], pd.DataFrame],
    roots: Mapping[str, Sequence[str]],
    names: Mapping[tuple[str, str], str] | None = None,
) -> list[Link]:
    """Turn the crosswalk tables into links between units of two vintages.

    Parameters
    ----------
    area : Area
        Its ``crosswalks`` and vintages (in time order).
    tables : mapping
        ``(from_vintage, to_vintage)`` → the table (:func:`read_crosswalk`).
    roots : mapping
        Vintage key → codes of its root units; vintages with one root each are linked root →
        root.
    names : mapping, optional
        ``(vintage, code)`` → unit name, for the notes of parent links that change.

    Returns
    -------
    list of tuple
        ``(from_vintage, from_code, to_vintage, to_code, note)`` without duplicates: for each
        crosswalk its unit links, its parent links and the root link; then, for vintages no
        crosswalk joins directly, the composition of the steps between them (in time order).
    """
    names = names or {}
    links: dict[tuple[str, str, str, str], str] = {}

    def add(from_v: str, from_c: str, to_v: str, to_c: str, note: str) -> None:
        if from_c and to_c:
            links.setdefault((from_v, from_c, to_v, to_c), note)

    for spec in area.crosswalks:
        table = tables[(spec.from_vintage, spec.to_vintage)]
        fv, tv = spec.from_vintage, spec.to_vintage
        notes = table[spec.note_field] if spec.note_field else pd.Series("", index=table.index)
        for from_c, to_c, note in zip(
            table[spec.from_field], table[spec.to_field], notes, strict=True
        ):
            add(fv, from_c, tv, to_c, note)
        if spec.from_parent_field:
            pairs = table[[spec.from_parent_field, spec.to_parent_field]].drop_duplicates()
            pairs.columns = ["from", "to"]
            pairs = pairs[(pairs["from"] != "") & (pairs["to"] != "")]
            sources = pairs.groupby("to")["from"].nunique()
            for from_c, to_c in pairs.itertuples(index=False):
                note = ""
                if from_c != to_c or sources.get(to_c, 0) > 1:
                    note = f"{names.get((fv, from_c), from_c)} → {names.get((tv, to_c), to_c)}"
                add(fv, from_c, tv, to_c, note)
        _add_root_link(add, roots, fv, tv)
    direct = {(spec.from_vintage, spec.to_vintage) for spec in area.crosswalks}
    keys = [v.key for v in area.vintages]
    for i, first in enumerate(keys):
        composed: pd.DataFrame | None = None
        for middle, last in zip(keys[i:], keys[i + 1 :], strict=False):
            step = _frame(links, middle, last)
            if step.empty:
                break
            composed = step if composed is None else chain_links(composed, step)
            if (first, last) in direct or middle == first:
                continue
            for code, parent, _ in composed.itertuples(index=False):
                add(first, code, last, parent, f"{first} → {middle} → {last}")
            _add_root_link(add, roots, first, last)
    return [(*key, note) for key, note in links.items()]


def _frame(links: Mapping[tuple[str, str, str, str], str], fv: str, tv: str) -> pd.DataFrame:
    rows = [(key[1], key[3], 1.0) for key in links if key[0] == fv and key[2] == tv]
    return pd.DataFrame(rows, columns=["code", "parent_code", "weight"])


def _add_root_link(add, roots: Mapping[str, Sequence[str]], fv: str, tv: str) -> None:
    if len(roots.get(fv, ())) == 1 and len(roots.get(tv, ())) == 1:
        add(fv, roots[fv][0], tv, roots[tv][0], "Root of the area")


def official_from_crosswalks(
    area: Area, tables: Mapping[tuple[str, str], pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """Return, per vintage without a code list, the official units a crosswalk names.

    A crosswalk with ``to_name_field`` lists every unit of its ``to_vintage`` (codes and names);
    a vintage with a ``[[codelist]]`` uses that instead.
    """
    listed = {c.vintage for c in area.codelists}
    out: dict[str, pd.DataFrame] = {}
    for spec in area.crosswalks:
        if not spec.to_name_field or spec.to_vintage in listed or spec.to_vintage in out:
            continue
        table = tables[(spec.from_vintage, spec.to_vintage)]
        frame = table[[spec.to_field, spec.to_name_field]].drop_duplicates(spec.to_field)
        out[spec.to_vintage] = frame.rename(
            columns={spec.to_field: "code", spec.to_name_field: "name"}
        )
    return out


def crosswalk_findings(links: Sequence[Link]) -> list[str]:
    """Report units that map to several units of another vintage."""
    targets: dict[tuple[str, str, str], set[str]] = {}
    for fv, fc, tv, tc, _ in links:
        targets.setdefault((fv, tv, fc), set()).add(tc)
    return [
        f"crosswalk: {fv} unit {code} maps to several {tv} units "
        f"({', '.join(sorted(tos))}) with weight 1.0 each"
        for (fv, tv, code), tos in sorted(targets.items())
        if len(tos) > 1
    ]


def store_links(session: Session, links: Sequence[Link]) -> tuple[int, list[str]]:
    """Add the links not stored yet; return how many, and findings on stored links not wanted."""
    stored = stored_links(session).drop(columns="weight")
    existing = set(stored.itertuples(index=False, name=None))
    added = 0
    for from_v, from_c, to_v, to_c, note in links:
        if (from_v, from_c, to_v, to_c) in existing:
            continue
        session.add(
            CrosswalkLink(
                from_vintage=from_v,
                from_code=from_c,
                to_vintage=to_v,
                to_code=to_c,
                weight=1.0,
                note=note,
            )
        )
        added += 1
    wanted = {link[:4] for link in links}
    stale = sorted(key for key in existing if key not in wanted)
    findings = [
        f"crosswalk: stored link {fv} {fc} → {tv} {tc} is not in the crosswalk file (kept)"
        for fv, fc, tv, tc in stale
    ]
    return added, findings


def unit_reference_findings(session: Session, links: Sequence[Link]) -> list[str]:
    """Report links whose source or target unit is not in the store."""
    known = set(session.execute(select(Unit.vintage_key, Unit.code)).all())
    findings = []
    for from_v, from_c, to_v, to_c, _ in links:
        if (from_v, from_c) not in known:
            findings.append(f"crosswalk: source unit {from_v} {from_c} is not loaded")
        if (to_v, to_c) not in known:
            findings.append(f"crosswalk: target unit {to_v} {to_c} is not loaded")
    return sorted(set(findings))
