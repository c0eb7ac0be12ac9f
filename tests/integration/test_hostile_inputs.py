"""Hostile CSV import files and CLI mistakes: each is refused at its row and column, one line each,
and the store is left exactly as it was (SQLite file hash; every PostgreSQL table's rows).

Each case writes its own small file. XLSX bombs are in test_hostile_xlsx.py, concurrent imports
in test_import_race.py.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from geodata.imports import ImportRejected, RollbackRefused, import_file, rollback_batch
from geodata.store.engine import make_engine, session_factory
from geodata.store.models import Base, Observation, Unit

HEADER = "code,period,indicator,numerator,denominator,value,source,note\n"
VILLAGE = "26506-01"  # a village of Phường 1 (26506), vintage 2020


def fingerprint(url: str) -> object:
    """The SQLite file's hash, or every row of every table on PostgreSQL."""
    if url.startswith("sqlite:///"):
        return hashlib.sha256(Path(url[len("sqlite:///") :]).read_bytes()).hexdigest()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(t.select().order_by(*t.primary_key.columns)).all()
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def communes(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(
                session.scalars(
                    select(Unit.code)
                    .where(Unit.vintage_key == "2020", Unit.level == "commune")
                    .order_by(Unit.code)
                )
            )
    finally:
        engine.dispose()


def good_lines(url: str, count: int) -> list[str]:
    """``count`` valid data lines, each with its own key (communes × 2023/2024)."""
    keys = [(c, p) for c in communes(url) for p in ("2023", "2024")]
    assert len(keys) >= count
    return [f"{c},{p},fibre_households,10,20,,,ok" for c, p in keys[:count]]


def run(args: list[str], capsys: pytest.CaptureFixture) -> tuple[int, list[str]]:
    """Run the CLI; return its status and the lines of its stderr (no traceback allowed)."""
    status = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    return status, [line for line in err.splitlines() if line.strip()]


def refused_everywhere(
    url: str, path: Path, capsys: pytest.CaptureFixture, *expected: str
) -> list[str]:
    """Dry run and import both refuse the file with exit 2 and the expected texts; no change."""
    before = fingerprint(url)
    for args in (["import", "--dry-run", str(path)], ["import", str(path), "--user", "t"]):
        status, lines = run(args, capsys)
        assert status == 2, lines
        text = "\n".join(lines)
        for piece in expected:
            assert piece in text, text
    assert fingerprint(url) == before
    return lines


@pytest.fixture
def cli_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    return store_url


# --------------------------------------------------------------------------- strict CSV


def test_unterminated_quote_is_an_error_at_its_row(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    lines = good_lines(cli_store, 99)
    lines[1] = lines[1].replace(",ok", ',"never closed')  # row 3 of 100
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    out = refused_everywhere(
        cli_store, path, capsys, "quote.csv, row 3: unterminated quote", "opened on line 3"
    )
    assert len(out) == 1  # one problem, one line


def test_quote_closed_rows_later_is_not_a_silent_merge(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    lines = good_lines(cli_store, 99)
    lines[1] = lines[1].replace(",ok", ',"opened here')  # row 3
    lines[50] = lines[50] + '"'  # ... and a quote that closes it 48 lines later
    path = tmp_path / "merged.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    refused_everywhere(cli_store, path, capsys, "merged.csv, row 3, column note:", "stray double")


def test_wrong_field_count_and_quote_inside_a_quoted_cell(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    lines = good_lines(cli_store, 3)
    lines[0] += ",extra"  # row 2: 9 fields
    lines[1] = lines[1].replace(",ok", ',"ok"x')  # row 3: text after a closing quote
    path = tmp_path / "fields.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    refused_everywhere(
        cli_store,
        path,
        capsys,
        "fields.csv, row 2: 9 fields but the header has 8",
        "fields.csv, row 3: malformed CSV on line 3",
    )


def test_a_stray_quote_in_the_header_is_one_problem_at_row_1(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "header.csv"
    path.write_text('code,"period,indicator,numerator,denominator\n26506-01,2024\n', "utf-8")
    out = refused_everywhere(cli_store, path, capsys, "header.csv, row 1: unterminated quote")
    assert len(out) == 1


# --------------------------------------------------------------------------- lengths, controls


@pytest.mark.parametrize(
    ("cells", "where", "message"),
    [
        ({"code": "2" * 17}, "row 2, column code", "a code has at most 16"),
        ({"note": "n" * 2_001}, "row 2, column note", "2,001 characters; at most 2,000"),
        ({"source": "s" * 501}, "row 2, column source", "at most 500"),
        ({"note": "n" * 10_001}, "row 2, column note", "10,001 characters; at most 10,000"),
        ({"note": "x" * 131_073}, "row 2:", "more than 131,072 characters"),
        ({"note": "a\x00b"}, "row 2, column note", "U+0000 (NUL) at character 2"),
        ({"code": "26506\x00"}, "row 2, column code", "U+0000 (NUL)"),
        ({"source": "line\nbreak"}, "row 2, column source", "U+000A (line break)"),
        ({"note": "bell\x07"}, "row 2, column note", "U+0007"),
        ({"note": "c1\x85"}, "row 2, column note", "U+0085"),
        ({"code": "26506 01"}, "row 2, column code", "ASCII letters, digits"),
    ],
)
def test_long_or_control_characters_are_refused_at_row_and_column(
    cli_store: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    cells: dict[str, str],
    where: str,
    message: str,
) -> None:
    row = {"code": VILLAGE, "period": "2024", "indicator": "fibre_households"}
    row |= {"numerator": "10", "denominator": "20", "value": "", "source": "", "note": ""}
    row |= cells
    quoted = ['"' + v.replace('"', '""') + '"' for v in row.values()]
    path = tmp_path / "cells.csv"
    path.write_bytes((HEADER + ",".join(quoted) + "\n").encode("utf-8"))
    refused_everywhere(cli_store, path, capsys, f"cells.csv, {where}", message)


def test_tab_and_line_breaks_are_kept_in_a_note(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "note.csv"
    path.write_text(
        HEADER + f'{VILLAGE},2024,fibre_households,10,20,,,"two\tcolumns\nand two lines"\n',
        encoding="utf-8",
    )
    engine = make_engine(store_url)
    try:
        import_file(engine, path, "officer")
        with session_factory(engine)() as session:
            note = session.scalars(
                select(Observation.note).where(
                    Observation.code == VILLAGE,
                    Observation.period == "2024",
                    Observation.indicator_key == "fibre_households",
                )
            ).one()
    finally:
        engine.dispose()
    assert note == "two\tcolumns\nand two lines"


# --------------------------------------------------------------------------- digits, periods


NEXT_YEAR = str(date.today().year + 1)


@pytest.mark.parametrize(
    ("period", "numerator", "where", "message"),
    [
        ("２０２４", "10", "column period", "ASCII digits 0-9"),
        ("2024", "１２", "column numerator", "ASCII digits 0-9"),
        ("9999", "10", "column period", "period 9999 starts after today"),
        (NEXT_YEAR, "10", "column period", f"period {NEXT_YEAR} starts after today"),
        (f"{NEXT_YEAR}-Q1", "10", "column period", "starts after today"),
        ("2019", "10", "column period", "no boundary vintage covers period '2019'"),
    ],
)
def test_digits_are_ascii_and_periods_lie_in_a_vintage_not_the_future(
    cli_store: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    period: str,
    numerator: str,
    where: str,
    message: str,
) -> None:
    path = tmp_path / "period.csv"
    path.write_text(
        HEADER + f"{VILLAGE},{period},fibre_households,{numerator},20,,,\n", encoding="utf-8"
    )
    refused_everywhere(cli_store, path, capsys, f"period.csv, row 2, {where}", message)


def test_the_current_year_is_accepted(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "now.csv"
    this_year = str(date.today().year)
    path.write_text(HEADER + f"{VILLAGE},{this_year},fibre_households,10,20,,,\n", "utf-8")
    engine = make_engine(store_url)
    try:
        outcome = import_file(engine, path, "officer")
    finally:
        engine.dispose()
    assert outcome.rows_inserted + outcome.rows_replaced == 1


# --------------------------------------------------------------------------- problem cap


def test_problems_are_listed_up_to_200_with_the_total(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "many.csv"
    bad = [f"X{i:05d},2024,fibre_households,10,20,,," for i in range(1_012)]
    path.write_text(HEADER + "\n".join(bad) + "\n", encoding="utf-8")
    out = refused_everywhere(
        cli_store, path, capsys, "(1,012 problems)", "… and 812 more problems (1,012 in total)"
    )
    listed = [line for line in out if "many.csv, row " in line]
    assert len(listed) == 200
    assert "row 2, column code" in listed[0] and "row 201, column code" in listed[-1]

    engine = make_engine(cli_store)
    try:
        with pytest.raises(ImportRejected) as caught:
            import_file(engine, path, "officer")
    finally:
        engine.dispose()
    assert caught.value.total == 1_012 and len(caught.value.problems) == 200


# --------------------------------------------------------------------------- CLI mistakes


def test_huge_batch_id_is_a_one_line_refusal(cli_store: str, capsys: pytest.CaptureFixture) -> None:
    before = fingerprint(cli_store)
    status, lines = run(["rollback", str(10**23)], capsys)
    assert status == 2 and len(lines) == 2  # argparse: usage line + the error
    assert "a batch id is a whole number from 1 to 2,147,483,647" in lines[-1]
    engine = make_engine(cli_store)
    try:
        with pytest.raises(RollbackRefused, match="no import batch"):
            rollback_batch(engine, 10**23)
    finally:
        engine.dispose()
    assert fingerprint(cli_store) == before


@pytest.mark.parametrize("url", ["mysql://user:secret@localhost/dxmap", "not a url"])
def test_unsupported_database_url_names_the_setting(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", url)
    for args in (["batches"], ["rollback", "1"], ["import", "x.csv"], ["init"]):
        status, lines = run(args, capsys)
        assert status == 2 and len(lines) == 1, lines
        assert lines[0].startswith("dxmap: error: DXMAP_DATABASE_URL must be a sqlite:///")
        assert "secret" not in lines[0]


def test_upload_names_and_user_names_cannot_break_the_store(store_url: str) -> None:
    """What a web upload brings besides the file (its name, the editor) is checked too."""
    from geodata.imports import import_bytes

    data = (HEADER + f"{VILLAGE},2024,fibre_households,10,20,,,\n").encode()
    engine = make_engine(store_url)
    try:
        before = fingerprint(store_url)
        with pytest.raises(ImportRejected, match="the user name: control character U[+]0000"):
            import_bytes(engine, data, "values.csv", "ann\x00")
        with pytest.raises(ImportRejected, match="the user name: 201 characters"):
            import_bytes(engine, data, "values.csv", "a" * 201)
        assert fingerprint(store_url) == before
        outcome = import_bytes(engine, data, "C:\\Users\\x\\" + "v\x00" * 300 + ".csv", "ann")
    finally:
        engine.dispose()
    assert outcome.file_name.startswith("v?v?") and outcome.file_name.endswith("….csv")
    assert len(outcome.file_name) == 255
