"""The crosswalk file and the links it gives between units of two vintages, stored once.

The crosswalk (``crosswalk_77_2024_to_2025-07.csv``, named in the manifest) follows every 2024
commune (and the commune-less district Côn Đảo) through the 2025-03 structure to 2025-07.
:func:`crosswalk_links` turns it into links; :mod:`geodata.areas.crosswalk` walks the stored links.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import stored_links
from geodata.areas.manifest import load_manifest
from geodata.boundaries.files import read_csv_table, require_file
from geodata.store.models import CrosswalkLink, Unit

CROSSWALK_COLUMNS = (
    "code_2024",
    "name_2024",
    "district_code_2024",
    "district_name_2024",
    "code_2025_03",
    "name_2025_03",
    "district_code_2025_03",
    "district_name_2025_03",
    "step1_note",
    "code_2025_07",
    "name_2025_07",
    "province_code_2025_07",
    "nq1685_line",
)


def read_crosswalk(geodata_dir: Path) -> pd.DataFrame:
    """Read the crosswalk 2024 → 2025-03 → 2025-07 named in the manifest.

    Parameters
    ----------
    geodata_dir : pathlib.Path
        Folder holding ``crosswalk_77_2024_to_2025-07.csv``.

    Returns
    -------
    pandas.DataFrame
        83 rows for BR-VT (82 communes and the commune-less district Côn Đảo, 755), columns
        ``code_2024, name_2024, district_code_2024, district_name_2024, code_2025_03,
        name_2025_03, district_code_2025_03, district_name_2025_03, step1_note, code_2025_07,
        name_2025_07, province_code_2025_07, nq1685_line``; all of string dtype, empty cells
        as ``""``.

    Raises
    ------
    BoundaryLoadError
        If the file is missing or lacks a column.
    """
    name = load_manifest().crosswalk.file
    return read_csv_table(require_file(geodata_dir, name), CROSSWALK_COLUMNS)


def crosswalk_links(crosswalk: pd.DataFrame) -> list[tuple[str, str, str, str, str]]:
    """Turn the crosswalk table into links between units of two vintages.

    Parameters
    ----------
    crosswalk : pandas.DataFrame
        As returned by :func:`read_crosswalk`.

    Returns
    -------
    list of tuple
        ``(from_vintage, from_code, to_vintage, to_code, note)``, without duplicates, in a
        stable order: communes 2020 → 2025-01 (``code_2024`` → ``code_2025_03``), districts
        2020 → 2025-01 (752 and 753 → 753, 755 → 755, others identity), 2025-01 → 2025-07
        (``code_2025_03`` → ``code_2025_07``; district 755 → 26732), 2020 → 2025-07
        (``code_2024`` → ``code_2025_07``, 755 → 26732) and the province 77 → 77 between all
        vintages. Every weight is 1.0 (the 2025 changes are merges, never splits).
    """
    links: dict[tuple[str, str, str, str], str] = {}

    def add(from_v: str, from_c: str, to_v: str, to_c: str, note: str) -> None:
        if from_c and to_c:
            links.setdefault((from_v, from_c, to_v, to_c), note)

    for row in crosswalk.itertuples(index=False):
        is_commune = len(row.code_2024) == 5
        if is_commune:
            add("2020", row.code_2024, "2025-01", row.code_2025_03, row.step1_note)
    for row in crosswalk.itertuples(index=False):
        from_d, to_d = row.district_code_2024, row.district_code_2025_03
        note = ""
        if (
            from_d != to_d
            or (
                crosswalk["district_code_2025_03"].eq(to_d)
                & crosswalk["district_code_2024"].ne(to_d)
            ).any()
        ):
            note = f"{row.district_name_2024} → {row.district_name_2025_03} (NQ 1256/NQ-UBTVQH15)"
        add("2020", from_d, "2025-01", to_d, note)
    for row in crosswalk.itertuples(index=False):
        add("2025-01", row.code_2025_03, "2025-07", row.code_2025_07, row.nq1685_line)
    for row in crosswalk.itertuples(index=False):
        add("2020", row.code_2024, "2025-07", row.code_2025_07, row.nq1685_line)
    for from_v, to_v in (("2020", "2025-01"), ("2025-01", "2025-07"), ("2020", "2025-07")):
        add(from_v, "77", to_v, "77", "Province / former-province area")
    return [(*key, note) for key, note in links.items()]


def crosswalk_findings(crosswalk: pd.DataFrame, links: list[tuple[str, ...]]) -> list[str]:
    """Report units that map to several units of a later vintage, and repeated 2024 codes."""
    findings = []
    for from_v, to_v in (("2020", "2025-01"), ("2025-01", "2025-07"), ("2020", "2025-07")):
        targets: dict[str, set[str]] = {}
        for fv, fc, tv, tc, _ in links:
            if fv == from_v and tv == to_v:
                targets.setdefault(fc, set()).add(tc)
        for code, tos in sorted(targets.items()):
            if len(tos) > 1:
                findings.append(
                    f"crosswalk: {from_v} unit {code} maps to several {to_v} units "
                    f"({', '.join(sorted(tos))}) with weight 1.0 each"
                )
    if crosswalk["code_2024"].duplicated().any():
        dups = sorted(set(crosswalk.loc[crosswalk["code_2024"].duplicated(), "code_2024"]))
        findings.append(f"crosswalk: code_2024 repeated: {', '.join(dups)}")
    return findings


def store_links(
    session: Session, links: list[tuple[str, str, str, str, str]]
) -> tuple[int, list[str]]:
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


def unit_reference_findings(session: Session, links: list[tuple[str, ...]]) -> list[str]:
    """Report links whose source or target unit is not in the store."""
    known = set(session.execute(select(Unit.vintage_key, Unit.code)).all())
    findings = []
    for from_v, from_c, to_v, to_c, _ in links:
        if (from_v, from_c) not in known:
            findings.append(f"crosswalk: source unit {from_v} {from_c} is not loaded")
        if (to_v, to_c) not in known:
            findings.append(f"crosswalk: target unit {to_v} {to_c} is not loaded")
    return sorted(set(findings))
