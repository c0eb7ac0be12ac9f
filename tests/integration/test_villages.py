"""The village register: `dxmap villages import`, on a real store (SQLite and PostgreSQL).

The brvt store has 503 demo villages. Registers here put villages under Phường 1 (26506, one of
the seven 2020 communes merged into 26506 in 2025-07) and Xã Phước Hưng (26677, part of 26662
from 2025-07).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import inspect, select, update
from sqlalchemy.orm import Session

from app.cli import main
from geodata.imports import (
    ImportRejected,
    RollbackRefused,
    import_file,
    import_villages,
    load_village_register,
    rollback_batch,
    validate_villages,
)
from geodata.rollups.queries import unit_values
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine, transaction
from geodata.store.models import (
    Base,
    CrosswalkLink,
    ImportBatch,
    ReplacedVillage,
    Village,
    VillageParent,
)
from geodata.store.schema import BASELINE, downgrade_schema, schema_state, upgrade_schema

# Points inside Phường 1 (26506) and Xã Phước Hưng (26677) of 2020.
P1 = (107.0732, 10.35)
PH = (107.228, 10.4224)
HEADER = "code,name,parent_code,households,adults,lon,lat,vintage\n"
GOOD = (
    HEADER
    + f"REG-0001,Khu phố Một,26506,420,1100,{P1[0]},{P1[1]},\n"
    + "REG-0002,Khu phố Hai,26506,310,800,,,\n"
    + f"REG-0003,Ấp Ba,26677,250,610,{PH[0]},{PH[1]},2020\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _fingerprint(url: str) -> object:
    """The SQLite file's sha256, or the tables and all their rows on PostgreSQL."""
    if url.startswith("sqlite:///"):
        return hashlib.sha256(Path(url[len("sqlite:///") :]).read_bytes()).hexdigest()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            return {
                t.name: [
                    tuple(r) for r in conn.execute(t.select().order_by(*t.primary_key.columns))
                ]
                for t in Base.metadata.sorted_tables
                if t.name in present
            } | {"tables": sorted(present)}
    finally:
        engine.dispose()


def _village_codes(service: MapService, vintage: str, parent: str) -> set[str]:
    return {f["properties"]["code"] for f in service.villages(vintage, parent)["features"]}


def test_bad_register_lists_every_problem_with_row_and_column_and_changes_nothing(
    store_url: str, store_engine, tmp_path: Path
) -> None:
    bad = _write(
        tmp_path / "bad.csv",
        HEADER
        + "REG-0001,Khu phố Một,99999,420,1100,,,\n"  # parent of no unit of this area
        + "REG-0002,Khu phố Hai,26506,many,800,,,\n"  # households not a number
        + "REG-0003,Ấp Ba,26677,250,610,,,\n"
        + "REG-0003,Ấp Ba bis,26677,250,610,,,\n"  # duplicate code
        + "REG-0005,Far away,26506,12,30,106.5,10.9,\n"  # 86 km outside Phường 1
        + "REG-0006,Wrong,747,-3,2.5,200,,2019\n"  # a district; bad counts, point, vintage
        + "Thôn 7,Bad code,26506,,,,,\n"  # a code that cannot go in a URL
        + "26506,Unit code,26506,,,,,\n"  # the code of a unit
        + "REG-0010,Later unit,26732,,,,,\n"  # a unit of 2025-07 only, vintage left empty
        + "REG-0011,Text lat,26506,,,107.07,abc,\n",  # lat not a number
    )
    before = _fingerprint(store_url)
    result = validate_villages(store_engine, bad)
    assert not result.ok
    found = {(p.row, p.column) for p in result.problems}
    assert {(2, "parent_code"), (3, "households"), (5, "code")} <= found
    assert {(7, "vintage"), (7, "households"), (7, "adults"), (7, "lon"), (7, "lat")} <= found
    messages = {(p.row, p.column): str(p) for p in result.problems}
    assert messages[(2, "parent_code")].startswith("bad.csv, row 2, column parent_code: unknown")
    assert "another area" in messages[(2, "parent_code")]
    assert "not a number: 'many'" in messages[(3, "households")]
    assert "duplicate code 'REG-0003': rows 4 and 5" in messages[(5, "code")]
    assert "negative" in messages[(7, "households")]
    assert "bad village code 'Thôn 7'" in messages[(8, "code")]
    assert "already the code of a unit" in messages[(9, "code")]
    assert (
        "it is a unit of vintage 2025-07; put that in the vintage" in messages[(10, "parent_code")]
    )
    assert "not a number: 'abc'" in messages[(11, "lat")]
    # The far point is a warning (row and column too), not a problem.
    assert (6, "lon") not in found
    [far] = [w for w in result.warnings if w.row == 6]
    assert far.column == "lon" and "km outside its parent 26506" in far.message
    with pytest.raises(ImportRejected) as rejected:
        import_villages(store_engine, bad, "tester")
    assert "row 3, column households" in str(rejected.value)
    assert _fingerprint(store_url) == before


def test_good_register_puts_villages_on_the_map_in_every_vintage_and_takes_values(
    store_url: str, store_engine, tmp_path: Path
) -> None:
    register = _write(tmp_path / "thon.csv", GOOD)
    outcome = import_villages(store_engine, register, "tester", note="from the commune")
    assert (outcome.rows_total, outcome.rows_inserted, outcome.rows_replaced) == (3, 3, 0)
    assert outcome.vintages == ("2020", "2025-01", "2025-07")
    with Session(store_engine) as session:
        batch = session.get(ImportBatch, outcome.batch_id)
        assert batch.file_sha256 == hashlib.sha256(register.read_bytes()).hexdigest()
        assert (batch.user, batch.rows_total, batch.outcome) == ("tester", 3, "committed")
        assert batch.note.startswith("village register")
        placed = session.get(Village, "REG-0002")  # no point: drawn inside its commune
        assert (placed.households, placed.adults, placed.provenance) == (310, 800, "synthetic")

    service = MapService(store_engine)
    assert {"REG-0001", "REG-0002"} <= _village_codes(service, "2020", "26506")
    assert "REG-0003" in _village_codes(service, "2020", "26677")
    # 2025-07: Phường 1 is part of the merged 26506, Phước Hưng part of 26662.
    assert {"REG-0001", "REG-0002"} <= _village_codes(service, "2025-07", "26506")
    assert "REG-0003" in _village_codes(service, "2025-07", "26662")
    assert "REG-0003" in _village_codes(service, "2025-01", "26677")
    point = next(
        f
        for f in service.villages("2025-07", "26662")["features"]
        if f["properties"]["code"] == "REG-0003"
    )
    assert point["geometry"]["coordinates"] == pytest.approx(list(PH), abs=1e-4)

    # Values for the new codes; 2022 has no demo data, so the communes show only these.
    values = _write(
        tmp_path / "values.csv",
        "code,period,indicator,numerator,denominator\n"
        "REG-0001,2022,fibre_households,400,420\n"
        "REG-0002,2022,fibre_households,100,310\n"
        "REG-0003,2022,fibre_households,200,250\n",
    )
    value_batch = import_file(store_engine, values, "tester").batch_id
    with Session(store_engine) as session:
        communes = unit_values(session, "fibre_households", "2022", "2020", "commune")
        merged = unit_values(session, "fibre_households", "2022", "2025-07", "commune")
    p1 = communes.set_index("code").loc["26506"]
    assert (p1["numerator"], p1["denominator"]) == (500, 730)
    assert p1["value"] == pytest.approx(100 * 500 / 730)
    assert merged.set_index("code").loc["26662", "value"] == pytest.approx(80.0)

    # The register cannot be rolled back under its values; once they are gone it can.
    with pytest.raises(RollbackRefused, match="roll back value batch"):
        rollback_batch(store_engine, outcome.batch_id)
    rollback_batch(store_engine, value_batch)
    rollback_batch(store_engine, outcome.batch_id, "tester")
    with Session(store_engine) as session:
        assert session.get(Village, "REG-0001") is None
        assert not session.scalars(
            select(VillageParent).where(VillageParent.village_code.like("REG-%"))
        ).all()
    assert "REG-0001" not in _village_codes(MapService(store_engine), "2020", "26506")


def test_reimport_updates_stored_villages_and_rollback_restores_them(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        demo = session.get(Village, "26506-01")
        was = (demo.name, demo.households, demo.lon, demo.lat, demo.provenance)
    register = _write(
        tmp_path / "fix.csv", "code,name,parent_code,households\n26506-01,Khu phố 1 mới,26506,999\n"
    )
    outcome = import_villages(engine, register, "tester")
    assert (outcome.rows_inserted, outcome.rows_replaced) == (0, 1)
    with Session(engine) as session:
        demo = session.get(Village, "26506-01")
        # Name and households updated; the point (none given) and adults stay as stored.
        assert (demo.name, demo.households, demo.lon, demo.provenance) == (
            "Khu phố 1 mới",
            999,
            was[2],
            was[4],
        )
    rollback_batch(engine, outcome.batch_id)
    with Session(engine) as session:
        demo = session.get(Village, "26506-01")
        assert (demo.name, demo.households, demo.lon, demo.lat, demo.provenance) == was
        parents = session.scalars(
            select(VillageParent.vintage_key).where(VillageParent.village_code == "26506-01")
        ).all()
        assert sorted(parents) == ["2020", "2025-01", "2025-07"]
    engine.dispose()


def test_split_parent_sends_villages_by_their_point_else_by_the_largest_share(
    store_url: str, store_engine, tmp_path: Path
) -> None:
    # Make 26677 (2020) a split commune: 40 % to 26662 (which holds its ground), 60 % to 26506.
    with transaction(store_engine) as session:
        session.execute(
            update(CrosswalkLink)
            .where(
                CrosswalkLink.from_vintage == "2020",
                CrosswalkLink.from_code == "26677",
                CrosswalkLink.to_vintage == "2025-07",
            )
            .values(weight=0.4)
        )
        session.add(
            CrosswalkLink(
                from_vintage="2020",
                from_code="26677",
                to_vintage="2025-07",
                to_code="26506",
                weight=0.6,
            )
        )
    register = _write(
        tmp_path / "split.csv",
        HEADER
        + f"REG-0010,Có điểm,26677,10,20,{PH[0]},{PH[1]},\n"
        + "REG-0011,Không điểm,26677,10,20,,,\n",
    )
    result = validate_villages(store_engine, register)
    assert result.ok, result.report()
    parents = {row.code: row.parents for row in result.rows}
    assert parents["REG-0010"]["2025-07"] == "26662"  # the polygon that holds its point
    assert parents["REG-0011"]["2025-07"] == "26506"  # no point: the largest share
    [warning] = [w for w in result.warnings if w.row == 3]
    assert warning.column == "parent_code" and "without lon/lat" in warning.message
    import_villages(store_engine, register, "tester")
    service = MapService(store_engine)
    assert "REG-0010" in _village_codes(service, "2025-07", "26662")
    assert "REG-0011" in _village_codes(service, "2025-07", "26506")


def test_register_in_a_later_vintage_follows_back_by_point(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    # 26662 of 2025-07 was merged from several 2020 communes: the point picks Phước Hưng.
    engine = make_engine(sqlite_store_url)
    register = _write(
        tmp_path / "later.csv", HEADER + f"REG-0020,Ấp Mới,26662,5,9,{PH[0]},{PH[1]},2025-07\n"
    )
    outcome = import_villages(engine, register, "tester")
    assert outcome.warnings == ()
    with Session(engine) as session:
        rows = dict(
            session.execute(
                select(VillageParent.vintage_key, VillageParent.unit_code).where(
                    VillageParent.village_code == "REG-0020"
                )
            ).all()
        )
    assert rows == {"2020": "26677", "2025-01": "26677", "2025-07": "26662"}
    engine.dispose()


def test_xlsx_register_is_read_like_a_csv(sqlite_store_url: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "parent_code", "households", "adults", "lon", "lat"])
    sheet.append(["REG-0030", "Thôn Excel", 26506, 120, 300.0, P1[0], P1[1]])
    sheet.append(["REG-0031", "Thôn Lỗi", 26506, "nhiều", 300, None, None])
    path = tmp_path / "thon.xlsx"
    book.save(path)
    engine = make_engine(sqlite_store_url)
    result = validate_villages(engine, path)
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith(
        "thon.xlsx, row 3, column households: not a number: 'nhiều'"
    )
    sheet.delete_rows(3)
    book.save(path)
    outcome = import_villages(engine, path, "tester")
    assert outcome.rows_inserted == 1
    with Session(engine) as session:
        assert session.get(Village, "REG-0030").adults == 300
    engine.dispose()


@dataclass(frozen=True)
class _VillagesSpec:
    file: str


@dataclass(frozen=True)
class _Area:
    """The two things ``load_village_register`` reads of an Area (manifest's [villages])."""

    villages: _VillagesSpec | None
    folder: Path

    def resolve(self, file: str) -> Path:
        return self.folder / file


def test_manifest_register_loads_at_init_once(store_url: str, store_engine, tmp_path: Path) -> None:
    _write(tmp_path / "villages.csv", GOOD)
    area = _Area(_VillagesSpec("villages.csv"), tmp_path)
    with transaction(store_engine) as session:
        assert "3 from villages.csv (3 new" in load_village_register(session, area)
    with transaction(store_engine) as session:
        assert "already loaded" in load_village_register(session, area)
        assert "no register" in load_village_register(session, _Area(None, tmp_path))
    _write(tmp_path / "broken.csv", HEADER + "REG-0040,X,99999,,,,,\n")
    before = _fingerprint(store_url)
    broken = _Area(_VillagesSpec("broken.csv"), tmp_path)
    with (
        pytest.raises(ImportRejected, match="broken.csv, row 2, column parent_code"),
        transaction(store_engine) as session,
    ):
        load_village_register(session, broken)
    assert _fingerprint(store_url) == before


def test_cli_dry_run_writes_nothing_and_errors_name_file_row_column(
    sqlite_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    good = _write(tmp_path / "thon.csv", GOOD)
    before = _fingerprint(sqlite_store_url)
    assert main(["villages", "import", "--dry-run", str(good)]) == 0
    captured = capsys.readouterr()
    assert "no problem found" in captured.err and captured.out == ""
    assert _fingerprint(sqlite_store_url) == before

    bad = _write(tmp_path / "bad.csv", HEADER + "REG-0001,X,26506,many,,,,\n")
    assert main(["villages", "import", str(bad)]) == 2  # a mistake in the input file
    captured = capsys.readouterr()
    assert "dxmap: error:" in captured.err
    assert "bad.csv, row 2, column households: not a number" in captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    assert _fingerprint(sqlite_store_url) == before

    assert main(["villages", "import", str(good), "--user", "officer"]) == 0
    batch_id = int(capsys.readouterr().out.strip())
    assert main(["batches"]) == 0
    listing = capsys.readouterr().out
    assert f"{batch_id}\t" in listing and "thon.csv" in listing and "officer" in listing
    assert main(["rollback", str(batch_id)]) == 0
    capsys.readouterr()
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        assert session.get(Village, "REG-0001") is None
    engine.dispose()


def test_running_app_serves_the_new_villages_without_a_restart(
    sqlite_store_url: str, geodata_dir: Path, tmp_path: Path
) -> None:
    import gzip

    from app.factory import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=sqlite_store_url, geodata_dir=geodata_dir))
    client = app.server.test_client()
    url = "/geo/2025-07/villages.geojson?parent=26506"

    def codes(response) -> set[str]:
        body = response.data
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return {f["properties"]["code"] for f in json.loads(body)["features"]}

    before = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert before.status_code == 200 and "REG-0001" not in codes(before)
    engine = make_engine(sqlite_store_url)
    import_villages(engine, _write(tmp_path / "thon.csv", GOOD), "tester")
    engine.dispose()
    for encoding in ("gzip", "identity"):
        after = client.get(url, headers={"Accept-Encoding": encoding})
        assert after.status_code == 200
        assert {"REG-0001", "REG-0002"} <= codes(after)
        assert after.headers["ETag"] != before.headers["ETag"]


def test_store_made_before_registers_takes_one_and_still_rolls_back_values(
    store_url: str, store_engine, tmp_path: Path
) -> None:
    with store_engine.begin() as connection:  # a store of a dxmap before registers and migrations
        downgrade_schema(connection, BASELINE)
        ReplacedVillage.__table__.drop(connection)
        connection.exec_driver_sql("DROP TABLE alembic_version")
        assert schema_state(connection) == ("old", BASELINE)
        upgrade_schema(connection)  # what `dxmap db upgrade` runs first
    values = _write(
        tmp_path / "v.csv",
        "code,period,indicator,numerator,denominator\n26506-01,2022,fibre_households,1,2\n",
    )
    rollback_batch(store_engine, import_file(store_engine, values, "tester").batch_id)
    before = _fingerprint(store_url)
    with pytest.raises(ImportRejected):
        import_villages(
            store_engine, _write(tmp_path / "bad.csv", HEADER + "X,Y,99999,,,,,\n"), "t"
        )
    assert _fingerprint(store_url) == before  # not even the table
    outcome = import_villages(store_engine, _write(tmp_path / "thon.csv", GOOD), "tester")
    rollback_batch(store_engine, outcome.batch_id)
    with Session(store_engine) as session:
        assert session.get(Village, "REG-0001") is None
