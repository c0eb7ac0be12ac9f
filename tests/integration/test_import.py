"""`dxmap import`, rollback and batches on a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.cli import main
from geodata.imports import (
    ImportRejected,
    RollbackRefused,
    import_file,
    rollback_batch,
    validate_file,
)
from geodata.rollups.queries import unit_values
from geodata.store.engine import make_engine, session_factory, transaction
from geodata.store.models import Base, ImportBatch, Observation, ReplacedObservation, Source

# Village 26506-01 lies in Phường 1 (26506), district Vũng Tàu (747), vintage 2020.
VILLAGE = "26506-01"
COMMUNE = "26506"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (what "unchanged" means on PostgreSQL)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(table.select().order_by(*table.primary_key.columns))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _fingerprint(url: str) -> object:
    """The SQLite file's bytes hash, or a dump of every table's rows on PostgreSQL."""
    if url.startswith("sqlite:///"):
        return hashlib.sha256(Path(url[len("sqlite:///") :]).read_bytes()).hexdigest()
    return _dump(url)


def _observations(url: str) -> set[tuple]:
    """Observations by content (ids change when a rollback restores a row)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Observation.indicator_key,
                    Observation.period,
                    Observation.vintage_key,
                    Observation.level,
                    Observation.code,
                    Observation.numerator,
                    Observation.denominator,
                    Observation.value,
                    Observation.provenance,
                    Observation.source_key,
                    Observation.note,
                    Observation.batch_id,
                )
            ).all()
        return {tuple(r) for r in rows}
    finally:
        engine.dispose()


def _commune_value(url: str, indicator: str = "fibre_households") -> tuple[float, float, float]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            frame = unit_values(session, indicator, "2024", "2020", "commune", "747")
        row = frame.set_index("code").loc[COMMUNE]
        return float(row["value"]), float(row["numerator"]), float(row["denominator"])
    finally:
        engine.dispose()


BAD_CSV = (
    "code,period,indicator,numerator,denominator,value,note\n"
    "99999,2024,fibre_households,10,20,,unknown code\n"  # row 2
    f"{VILLAGE},2024,fibre_households,abc,1000,,non-numeric\n"  # row 3
    "26506-02,2024,community_tech_teams,,,-3,negative count\n"  # row 4
    "26506-03,2024,fibre_households,300,382,,first\n"  # row 5
    "26506-03,2024,fibre_households,310,382,,duplicate\n"  # row 6
)

GOOD_CSV = (
    "code,period,indicator,numerator,denominator,value,source,note\n"
    f"{VILLAGE},2024,fibre_households,100,1159,,Báo cáo Sở TT-TT 2024,=1+2\n"
    "26506-02,2024,community_tech_teams,,,3,,\n"
)


def test_bad_file_lists_every_problem_and_writes_nothing(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    bad = _write(tmp_path / "values.csv", BAD_CSV)
    before = _fingerprint(store_url)

    status = main(["import", str(bad), "--user", "officer"])

    err = capsys.readouterr().err
    assert status != 0
    assert "values.csv, row 2, column code: unknown code '99999'" in err
    assert "values.csv, row 3, column numerator: not a number: 'abc'" in err
    assert "values.csv, row 4, column value: negative number '-3'" in err
    assert "values.csv, row 6, column code: duplicate row: rows 5 and 6" in err
    assert "nothing was written" in err
    assert "Traceback" not in err
    assert _fingerprint(store_url) == before


def test_good_import_commits_one_batch_and_rollback_restores(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    good = _write(tmp_path / "update.csv", GOOD_CSV)
    observations_before = _observations(store_url)
    value_before = _commune_value(store_url)

    assert main(["import", str(good), "--user", "officer"]) == 0
    batch_id = int(capsys.readouterr().out.strip())

    value_after = _commune_value(store_url)
    assert value_after != value_before
    # The village's fibre numerator dropped to 100 (from its demo value), so the commune's did too.
    assert value_after[1] < value_before[1] and value_after[2] == value_before[2]
    engine = make_engine(store_url)
    try:
        with session_factory(engine)() as session:
            batches = session.scalars(select(ImportBatch)).all()
            assert [(b.id, b.user, b.outcome, b.rows_total) for b in batches] == [
                (batch_id, "officer", "committed", 2)
            ]
            assert batches[0].rows_inserted + batches[0].rows_replaced == 2
            assert batches[0].file_sha256 == hashlib.sha256(good.read_bytes()).hexdigest()
            obs = session.scalars(
                select(Observation).where(
                    Observation.code == VILLAGE,
                    Observation.indicator_key == "fibre_households",
                    Observation.period == "2024",
                )
            ).one()
            # Real officer data: published, with the row's source text kept, note stored as given.
            assert (obs.numerator, obs.denominator, obs.provenance) == (100, 1159, "published")
            assert obs.note == "=1+2"
            assert session.get(Source, obs.source_key).title == "Báo cáo Sở TT-TT 2024"
            assert obs.batch_id == batch_id
    finally:
        engine.dispose()

    assert main(["batches"]) == 0
    listing = capsys.readouterr().out
    assert f"{batch_id}\t" in listing and "update.csv" in listing and "committed" in listing

    assert main(["rollback", str(batch_id)]) == 0
    assert _commune_value(store_url) == value_before
    assert _observations(store_url) == observations_before
    assert main(["rollback", str(batch_id)]) != 0
    assert "rolled back" in capsys.readouterr().err
    assert main(["batches"]) == 0
    assert "rolled_back" in capsys.readouterr().out


def test_rollback_refuses_when_a_later_batch_replaced_the_values(
    store_url: str, tmp_path: Path
) -> None:
    engine = make_engine(store_url)
    try:
        first = import_file(engine, _write(tmp_path / "a.csv", GOOD_CSV), "ann")
        second_csv = GOOD_CSV.replace(",100,1159,", ",200,1159,")
        second = import_file(engine, _write(tmp_path / "b.csv", second_csv), "bob")
        assert second.rows_replaced == 2
        with pytest.raises(RollbackRefused, match=rf"later batch\(es\) {second.batch_id}"):
            rollback_batch(engine, first.batch_id)
        rollback_batch(engine, second.batch_id)
        with session_factory(engine)() as session:
            obs = session.scalars(
                select(Observation).where(
                    Observation.code == VILLAGE,
                    Observation.indicator_key == "fibre_households",
                    Observation.period == "2024",
                )
            ).one()
            assert obs.numerator == 100 and obs.batch_id == first.batch_id
        rollback_batch(engine, first.batch_id)
        with session_factory(engine)() as session:
            assert session.scalars(select(ReplacedObservation)).all() == []
            assert not session.scalars(select(Source).where(Source.key.like("import-%"))).all()
        with pytest.raises(RollbackRefused, match="no import batch 999"):
            rollback_batch(engine, 999)
    finally:
        engine.dispose()


def test_xlsx_import_commits_numbers_and_text(store_url: str, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "period", "indicator", "numerator", "denominator", "value", "note"])
    sheet.append([VILLAGE, 2024, "smartphone_households", 1000, 1159, None, "+ghi chú"])
    sheet.append([COMMUNE, "2024", "community_tech_teams", None, None, 4, None])
    sheet.append([None] * 7)  # a blank row is skipped, not an error
    path = tmp_path / "cap-nhat.xlsx"
    workbook.save(path)

    engine = make_engine(store_url)
    try:
        outcome = import_file(engine, path, "officer")
        assert (outcome.rows_total, outcome.file_name) == (2, "cap-nhat.xlsx")
        with session_factory(engine)() as session:
            rows = {
                (o.code, o.indicator_key): o
                for o in session.scalars(select(Observation).where(Observation.batch_id == 1))
            }
        smart = rows[(VILLAGE, "smartphone_households")]
        assert (smart.numerator, smart.denominator, smart.period) == (1000, 1159, "2024")
        assert smart.value == pytest.approx(100 * 1000 / 1159)
        assert smart.note == "+ghi chú"
        assert rows[(COMMUNE, "community_tech_teams")].value == 4
        assert rows[(COMMUNE, "community_tech_teams")].level == "commune"
    finally:
        engine.dispose()


def test_xlsx_problems_name_spreadsheet_rows(sqlite_store_url: str, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "period", "indicator", "numerator", "denominator", "colour"])
    sheet.append([VILLAGE, 2024, "fibre_households", "12,5", 100, "red"])
    path = tmp_path / "bad.xlsx"
    workbook.save(path)
    engine = make_engine(sqlite_store_url)
    try:
        with session_factory(engine)() as session:
            result = validate_file(session, path)
    finally:
        engine.dispose()
    assert [(p.row, p.column) for p in result.problems] == [(1, "colour")]
    assert "unknown column 'colour'" in str(result.problems[0])


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        (f"{VILLAGE},2024,fibre_households,10,0,,", "denominator", "greater than 0"),
        (f"{VILLAGE},2024,fibre_households,,100,,", "numerator", "missing required value"),
        (f"{VILLAGE},2024,community_tech_teams,1,2,,", "numerator", "wrong kind of value"),
        (f"{VILLAGE},2024,community_tech_teams,,,2.5,", "value", "whole number"),
        (f"{VILLAGE},2024,mobile_broadband_villages,1,3,,", "denominator", "denominator 1"),
        (f"{VILLAGE},2024,fibre_households,10,100,50,", "value", "does not match"),
        (f"{VILLAGE},2024,nope,1,2,,", "indicator", "unknown indicator 'nope'"),
        (f"{VILLAGE},2024-H3,fibre_households,1,2,,", "period", "bad period"),
        (f"{VILLAGE},2024,full_online_procedures,1,2,,", "code", "only defined down to province"),
        ("26508,2025,fibre_households,1,2,,", "code", "vintage 2025-07"),
    ],
)
def test_each_rule_names_row_and_column(
    sqlite_store_url: str, tmp_path: Path, line: str, column: str, message: str
) -> None:
    path = _write(
        tmp_path / "one.csv", f"code,period,indicator,numerator,denominator,value,note\n{line}\n"
    )
    engine = make_engine(sqlite_store_url)
    try:
        with pytest.raises(ImportRejected) as caught:
            import_file(engine, path, "officer")
        with session_factory(engine)() as session:
            assert session.scalars(select(ImportBatch)).all() == []
    finally:
        engine.dispose()
    assert any(p.row == 2 and p.column == column for p in caught.value.problems), caught.value
    assert message in str(caught.value)


def test_size_limit_and_missing_columns(
    sqlite_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    monkeypatch.setenv("DXMAP_MAX_UPLOAD_BYTES", "50")
    big = _write(tmp_path / "big.csv", GOOD_CSV)
    assert main(["import", str(big)]) == 2
    assert "the limit is 50 bytes" in capsys.readouterr().err

    monkeypatch.delenv("DXMAP_MAX_UPLOAD_BYTES")
    headless = _write(tmp_path / "cols.csv", "\ufeffcode,period,indicator,value\nx,2024,y,1\n")
    assert main(["import", str(headless)]) == 2
    err = capsys.readouterr().err
    assert "row 1, column numerator: required column is missing" in err
    assert "row 1, column denominator: required column is missing" in err


def test_dry_run_validates_without_writing(
    sqlite_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    before = _fingerprint(sqlite_store_url)
    assert main(["import", "--dry-run", str(_write(tmp_path / "ok.csv", GOOD_CSV))]) == 0
    assert "no problem found" in capsys.readouterr().err
    assert _fingerprint(sqlite_store_url) == before


def test_import_into_missing_store_fails_without_creating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    store = tmp_path / "none" / "dxmap.sqlite"
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{store}")
    assert main(["import", str(_write(tmp_path / "ok.csv", GOOD_CSV))]) == 1
    assert "run 'dxmap init' first" in capsys.readouterr().err
    assert not store.exists()


def test_unit_row_under_village_data_is_kept_as_published_figure(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "commune.csv",
        "code,period,indicator,numerator,denominator,note\n"
        f'{COMMUNE},2024,fibre_households,5000,6000,=HYPERLINK("x")\n',
    )
    engine = make_engine(sqlite_store_url)
    try:
        outcome = import_file(engine, path, "officer")
        assert outcome.warnings and outcome.warnings[0].row == 2
        with transaction(engine) as session:
            frame = unit_values(session, "fibre_households", "2024", "2020", "commune", "747")
        row = frame.set_index("code").loc[COMMUNE]
        assert row["published_value"] == pytest.approx(100 * 5000 / 6000)
        assert row["published_note"] == '=HYPERLINK("x")'
    finally:
        engine.dispose()
