"""One import pipeline for values and village registers: one commit, one rollback, same roll-ups.

Every write keeps the roll-ups in its transaction; `check_rollups` (what `dxmap rollup --check`
runs) recomputes every indicator, period, vintage and level from the raw values and must find
no difference after a batch of either kind is committed or rolled back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.imports import (
    KINDS,
    RollbackRefused,
    import_bytes,
    import_file,
    import_villages,
    rollback_batch,
    validate_bytes,
)
from geodata.imports.kinds import format_of_batch
from geodata.rollups.check import check_rollups
from geodata.store.models import Observation, Rollup, Village, VillageParent

# Points inside Phường 1 (26506) and Xã Phước Hưng (26677) of 2020 (as in test_villages.py).
P1 = (107.0732, 10.35)
PH = (107.228, 10.4224)
REGISTER = (
    "code,name,parent_code,households,adults,lon,lat\n"
    f"PIPE-01,Khu phố Một,26506,420,1100,{P1[0]},{P1[1]}\n"
    "PIPE-02,Khu phố Hai,26506,310,800,,\n"
    f"PIPE-03,Ấp Ba,26677,250,610,{PH[0]},{PH[1]}\n"
)
# What the writes below touch (a register touches every pair summed from villages: two of them
# are checked; tests/integration/test_rollups.py checks every pair once).
TOUCHED = [("fibre_households", "2022"), ("fibre_households", "2024"), ("eid_adults", "2023")]
# Values of the new villages in 2022 (no demo data) and one replaced demo value of 2024.
VALUES = (
    "code,period,indicator,numerator,denominator\n"
    "PIPE-01,2022,fibre_households,400,420\n"
    "PIPE-02,2022,fibre_households,100,310\n"
    "PIPE-03,2022,fibre_households,200,250\n"
    "26506-01,2024,fibre_households,1,2\n"
)


def _rollups(session: Session) -> list[tuple]:
    """Every row of the roll-up table, in primary-key order."""
    table = Rollup.__table__
    return [tuple(r) for r in session.execute(table.select().order_by(*table.primary_key))]


def _content(session: Session) -> tuple[set, set, set]:
    """Observations, villages and village parents by content (ids change on a restore)."""
    observations = {
        tuple(r)
        for r in session.execute(
            select(
                Observation.indicator_key,
                Observation.period,
                Observation.level,
                Observation.code,
                Observation.numerator,
                Observation.denominator,
                Observation.value,
                Observation.source_key,
                Observation.batch_id,
            )
        )
    }
    villages = {tuple(r) for r in session.execute(Village.__table__.select())}
    parents = {
        tuple(r)
        for r in session.execute(
            select(VillageParent.village_code, VillageParent.vintage_key, VillageParent.unit_code)
        )
    }
    return observations, villages, parents


def test_one_rollback_undoes_a_register_batch_and_a_values_batch(
    store_engine, tmp_path: Path
) -> None:
    with Session(store_engine) as session:
        before = _content(session)
    register = import_bytes(store_engine, REGISTER.encode(), "thon.csv", "ann", kind="register")
    path = tmp_path / "values.csv"
    path.write_text(VALUES, encoding="utf-8")
    values = import_file(store_engine, path, "ann")
    assert (register.kind, register.rows_inserted, register.vintages) == (
        "register",
        3,
        ("2020", "2025-01", "2025-07"),
    )
    assert (values.kind, values.rows_inserted, values.rows_replaced) == ("values", 3, 1)
    with Session(store_engine) as session:
        assert format_of_batch(session, register.batch_id).kind == "register"
        assert format_of_batch(session, values.batch_id).kind == "values"
    # The register is under values of its villages: the same function refuses, naming them.
    with pytest.raises(RollbackRefused, match=f"roll back value batch\\(es\\) {values.batch_id}"):
        rollback_batch(store_engine, register.batch_id)

    undone = rollback_batch(store_engine, values.batch_id, "ann")
    assert (undone.kind, undone.rows_removed, undone.rows_restored) == ("values", 4, 1)
    with Session(store_engine) as session:
        assert check_rollups(session, pairs=TOUCHED) == []
    undone = rollback_batch(store_engine, register.batch_id, "ann")
    assert (undone.kind, undone.rows_removed, undone.rows_restored) == ("register", 3, 0)
    with Session(store_engine) as session:
        assert check_rollups(session, pairs=TOUCHED) == []
        assert _content(session) == before
    with pytest.raises(RollbackRefused, match="is rolled back"):
        rollback_batch(store_engine, register.batch_id)


def test_a_communes_villages_moved_and_rolled_back_leave_the_rollups_as_they_were(
    store_engine,
) -> None:
    # Phường 1's five demo villages (26506, Vũng Tàu) are re-registered under Xã Phước Hưng
    # (26677, Long Điền): their values move to another commune and district in every vintage.
    with Session(store_engine) as session:
        codes = sorted(
            session.scalars(
                select(VillageParent.village_code).where(
                    VillageParent.vintage_key == "2020", VillageParent.unit_code == "26506"
                )
            )
        )
        names = dict(session.execute(select(Village.code, Village.name)).all())
        before = _rollups(session)
    assert len(codes) == 5
    register = "code,name,parent_code\n" + "".join(f"{c},{names[c]},26677\n" for c in codes)
    outcome = import_villages(store_engine, register.encode(), "ann", file_name="moved.csv")
    assert (outcome.rows_inserted, outcome.rows_replaced) == (0, 5)
    with Session(store_engine) as session:
        moved = _rollups(session)
        assert check_rollups(session, pairs=TOUCHED) == []
    assert moved != before

    rollback_batch(store_engine, outcome.batch_id)
    with Session(store_engine) as session:
        assert _rollups(session) == before


def test_both_kinds_are_read_and_reported_alike(store_engine) -> None:
    assert KINDS == ("values", "register")
    register = b"code,name,parent_code\nX-1,\x00Thon,26506\n"
    values = b"code,period,indicator,numerator,denominator\nX-1,\x002024,fibre_households,1,2\n"
    with Session(store_engine) as session:
        found = {
            "register": validate_bytes(session, register, "thon.csv", kind="register"),
            "values": validate_bytes(session, values, "v.csv"),
        }
        with pytest.raises(ValueError, match="unknown kind of import 'villages'"):
            validate_bytes(session, b"", "x.csv", kind="villages")
    # The same reader: the same message at the same place, whatever the format.
    assert [str(p) for p in found["register"].problems] == [
        "thon.csv, row 2, column name: control character U+0000 (NUL) at character 1; remove it"
    ]
    assert [str(p) for p in found["values"].problems] == [
        "v.csv, row 2, column period: control character U+0000 (NUL) at character 1; remove it"
    ]


def test_a_register_lists_every_rows_problems_and_trailing_empty_headers_are_no_column(
    sqlite_store_url: str,
) -> None:
    from geodata.store.engine import make_engine

    engine = make_engine(sqlite_store_url)
    register = (
        "code,name,parent_code,,\n"  # a spreadsheet's trailing commas
        "PIPE-10,\x07Thon,26506,,\n"  # a cell that cannot be read
        "PIPE-11,Thon,99999,,\n"  # an unknown parent, on a row below it
        "PIPE-12,Thon,26506,,oops\n"  # a value under no column
    )
    values = "code,period,indicator,numerator,denominator,\n26506-01,2024,fibre_households,1,2,\n"
    with Session(engine) as session:
        found = validate_bytes(session, register.encode(), "thon.csv", kind="register")
        assert validate_bytes(session, values.encode(), "v.csv").ok
    engine.dispose()
    assert [(p.row, p.column) for p in found.problems] == [
        (2, "name"),
        (3, "parent_code"),
        (4, ""),
    ]
    assert found.problems[2].message == "4 cells but the header has 3 columns"
