"""The roll-ups kept in the store: they agree with the raw values, writes update only what they
touched (in the same transaction), a rollback restores them, and every write bumps the version.

Each test compares the stored roll-ups with what the reference computation
(:mod:`geodata.values.flat`) makes of the raw rows: ``check_rollups`` reads both.
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.cli import main
from geodata.imports import import_file, import_villages, rollback_batch
from geodata.rollups.check import check_rollups
from geodata.store.engine import make_engine
from geodata.store.models import Rollup, Village, VillageParent
from geodata.store.version import read_data_version

PHUOC_HUNG = "26677"  # Xã Phước Hưng (2020); in Xã Long Hải (26662) from 2025-07
ROLLUP_COLUMNS = [c.name for c in Rollup.__table__.columns]


def rollups(engine) -> dict[tuple, dict]:  # noqa: ANN001
    with Session(engine) as session:
        rows = session.execute(select(Rollup.__table__)).mappings().all()
    return {(r["vintage_key"], r["indicator_key"], r["period"], r["code"]): dict(r) for r in rows}


def same_row(a: dict, b: dict) -> bool:
    for column in ROLLUP_COLUMNS:
        x, y = a[column], b[column]
        if isinstance(x, float) and isinstance(y, float):
            if not math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12):
                return False
        elif x != y:
            return False
    return True


def changed(before: dict, after: dict) -> set[tuple]:
    keys = set(before) | set(after)
    return {
        k for k in keys if k not in before or k not in after or not same_row(before[k], after[k])
    }


def villages_of(engine, commune: str, vintage: str = "2020") -> list[str]:  # noqa: ANN001
    with Session(engine) as session:
        return sorted(
            session.scalars(
                select(VillageParent.village_code).where(
                    VillageParent.vintage_key == vintage, VillageParent.unit_code == commune
                )
            )
        )


def chains(engine, code: str) -> set[tuple[str, str]]:  # noqa: ANN001
    """(vintage, unit) of every unit holding the commune's villages, in every vintage."""
    out = set()
    with Session(engine) as session:
        from geodata.areas.hierarchy import load_hierarchy

        for vintage in ("2020", "2025-01", "2025-07"):
            units = set(
                session.scalars(
                    select(VillageParent.unit_code).where(
                        VillageParent.vintage_key == vintage,
                        VillageParent.village_code.in_(villages_of(engine, code)),
                    )
                )
            )
            hier = load_hierarchy(session, vintage)
            out |= {(vintage, c) for unit in units for c in hier.chain(unit)}
    return out


def test_the_stored_rollups_agree_with_the_raw_values(store_engine) -> None:
    with Session(store_engine) as session:
        assert check_rollups(session) == []


def test_a_changed_rollup_is_found_and_named(sqlite_store_url) -> None:
    store_engine = make_engine(sqlite_store_url)
    with Session(store_engine) as session, session.begin():
        session.execute(
            update(Rollup)
            .where(
                Rollup.vintage_key == "2020",
                Rollup.indicator_key == "fibre_households",
                Rollup.period == "2024",
                Rollup.code == "750",
            )
            .values(value=1.0, n_with_data=3)
        )
    with Session(store_engine) as session:
        found = check_rollups(session, pairs=[("fibre_households", "2024")])
    store_engine.dispose()
    assert {(d.code, d.column) for d in found} == {("750", "value"), ("750", "n_with_data")}
    assert "fibre_households 2024 2020 district 750: value is 1.0 in the store" in str(found[0])


def test_an_import_updates_its_units_ancestors_and_a_rollback_restores_them(
    store_engine, tmp_path: Path
) -> None:
    villages = villages_of(store_engine, PHUOC_HUNG)
    lines = ["code,period,indicator,numerator,denominator"]
    lines += [f"{v},2024,fibre_households,{10 + i},{40 + i}" for i, v in enumerate(villages)]
    lines += [f"{v},2024,eid_adults,{5 + i},{20 + i}" for i, v in enumerate(villages)]
    path = tmp_path / "phuoc_hung.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before, version = rollups(store_engine), read_version(store_engine)

    batch = import_file(store_engine, path, "tester").batch_id
    after = rollups(store_engine)
    assert read_version(store_engine) == version + 1
    touched = changed(before, after)
    # Only Phước Hưng's chain in each vintage (the commune, its district, the province; Long
    # Hải and the former province from 2025-07), for the two indicators of 2024.
    expected = {
        (vintage, indicator, "2024", code)
        for vintage, code in chains(store_engine, PHUOC_HUNG)
        for indicator in ("fibre_households", "eid_adults")
    }
    assert touched <= expected and len(touched) >= 2 * 3
    with Session(store_engine) as session:
        pairs = [("fibre_households", "2024"), ("eid_adults", "2024")]
        assert check_rollups(session, pairs=pairs) == []
        commune = session.get(Rollup, ("2020", "fibre_households", "2024", PHUOC_HUNG))
        expected_value = (
            100
            * sum(10 + i for i in range(len(villages)))
            / sum(40 + i for i in range(len(villages)))
        )
        assert commune.value == pytest.approx(expected_value)
        assert commune.provenance == "published" and commune.n_with_data == len(villages)

    rollback_batch(store_engine, batch, "tester")
    assert read_version(store_engine) == version + 2
    assert changed(before, rollups(store_engine)) == set()


def read_version(engine) -> int:  # noqa: ANN001
    with engine.connect() as connection:
        return read_data_version(connection)


def test_a_rejected_import_changes_neither_the_rollups_nor_the_version(
    store_engine, tmp_path: Path
) -> None:
    from geodata.imports import ImportRejected

    path = tmp_path / "bad.csv"
    path.write_text("code,period,indicator,numerator,denominator\nXX,2024,nope,1,2\n")
    before, version = rollups(store_engine), read_version(store_engine)
    with pytest.raises(ImportRejected):
        import_file(store_engine, path, "tester")
    assert read_version(store_engine) == version
    assert changed(before, rollups(store_engine)) == set()


def test_a_new_village_counts_in_its_units_and_its_rollback_removes_it(
    store_engine, tmp_path: Path
) -> None:
    path = tmp_path / "thon.csv"
    path.write_text(
        "code,name,parent_code,households,adults,lon,lat,vintage\n"
        f"REG-0100,Ấp Mới,{PHUOC_HUNG},250,610,107.228,10.4224,2020\n",
        encoding="utf-8",
    )
    before = rollups(store_engine)
    key = ("2020", "fibre_households", "2024", PHUOC_HUNG)
    outcome = import_villages(store_engine, path, "tester")
    after = rollups(store_engine)
    assert after[key]["n_children"] == before[key]["n_children"] + 1
    assert after[key]["n_with_data"] == before[key]["n_with_data"]  # the new village has no value
    with Session(store_engine) as session:
        assert session.get(Village, "REG-0100") is not None
        assert check_rollups(session, pairs=[("fibre_households", "2024")]) == []
    rollback_batch(store_engine, outcome.batch_id, "tester")
    assert changed(before, rollups(store_engine)) == set()


def test_dxmap_rollup_checks_and_rebuilds(sqlite_store_url: str, monkeypatch, capsys) -> None:
    store_engine = make_engine(sqlite_store_url)
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    with Session(store_engine) as session, session.begin():
        session.execute(
            update(Rollup)
            .where(Rollup.indicator_key == "eid_adults", Rollup.code == PHUOC_HUNG)
            .values(numerator=0.0)
        )
    assert main(["rollup", "--check", "--limit", "1"]) == 1
    err = capsys.readouterr().err
    assert f"eid_adults 2023 2020 commune {PHUOC_HUNG}: numerator is 0.0 in the store" in err
    version = read_version(store_engine)
    assert main(["rollup"]) == 0
    assert "roll-ups rebuilt" in capsys.readouterr().err
    assert read_version(store_engine) == version + 1
    with Session(store_engine) as session:
        assert check_rollups(session, pairs=[("eid_adults", "2023")]) == []
    store_engine.dispose()


def test_dxmap_rollup_check_says_when_they_agree(hcm_store_url: str, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", hcm_store_url)
    assert main(["rollup", "--check"]) == 0
    assert "the roll-ups agree with the raw values" in capsys.readouterr().err


def test_dxmap_rollup_on_no_store_says_to_init(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["rollup"]) == 1
    assert "dxmap init" in capsys.readouterr().err
