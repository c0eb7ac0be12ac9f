"""Hostile XLSX import files, built by hand with zipfile: declared giants, zip bombs, garbage.

Each is refused with one clear line, the store is unchanged, and (measured in a subprocess with
``resource.getrusage``) reading it never grows the process by more than a few hundred MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_hostile_inputs import VILLAGE, fingerprint, run

from geodata.imports import import_file
from geodata.store.engine import make_engine

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
        '<sheet name="values" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
COLUMNS = ("code", "period", "indicator", "numerator", "denominator", "value", "source", "note")
LETTERS = "ABCDEFGH"


def cell(ref: str, value: object) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def row(n: int, values: tuple) -> str:
    cells = "".join(cell(f"{LETTERS[i]}{n}", v) for i, v in enumerate(values) if v != "")
    return f'<row r="{n}">{cells}</row>'


GOOD_ROW = (VILLAGE, "2024", "fibre_households", 10, 20, "", "", "")


def sheet(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{row(1, COLUMNS)}{rows}</sheetData></worksheet>'
    )


def workbook(path: Path, sheet_xml: str | None, *, parts: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (PARTS if parts is None else parts).items():
            archive.writestr(name, text)
        if sheet_xml is not None:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def inflating_workbook(path: Path, cell_bytes: int) -> Path:
    """A workbook whose one note cell inflates to ``cell_bytes`` bytes (written in pieces)."""
    head, tail = sheet(row(2, GOOD_ROW[:7]) + "<!--NOTE-->").split("<!--NOTE-->")
    head += '<row r="3"><c r="H3" t="inlineStr"><is><t>'
    tail = "</t></is></c></row>" + tail
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(head.encode())
            piece = b"A" * (1024 * 1024)
            for _ in range(cell_bytes // len(piece)):
                part.write(piece)
            part.write(tail.encode())
    return path


PROBE = """
import json, resource, sys
from pathlib import Path
import openpyxl  # loaded before the first measurement
from geodata.imports import validate_bytes
from geodata.store.engine import make_engine, session_factory
url, path = sys.argv[1], Path(sys.argv[2])
data = path.read_bytes()
engine = make_engine(url)
with session_factory(engine)() as session:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = validate_bytes(session, data, path.name, max_bytes=5 * 1024 * 1024)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_mb": (after - before) / 1024, "report": result.report()}))
"""


def probe(url: str, path: Path) -> tuple[float, str]:
    """Validate ``path`` in a fresh process; return its peak memory growth (MB) and report."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, url, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer["growth_mb"], answer["report"]


@pytest.fixture(scope="module")
def gigabyte_cell(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = inflating_workbook(tmp_path_factory.mktemp("bomb") / "gigabyte.xlsx", 1024**3)
    assert path.stat().st_size < 5 * 1024 * 1024  # under the upload limit
    return path


@pytest.fixture
def cli_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    return store_url


def refused(url: str, path: Path, capsys: pytest.CaptureFixture, message: str) -> None:
    """Dry run and import refuse with exit 2 and exactly one line; the store is unchanged."""
    before = fingerprint(url)
    for args in (["import", "--dry-run", str(path)], ["import", str(path)]):
        status, lines = run(args, capsys)
        assert status == 2 and len(lines) == 1, lines
        assert lines[0].startswith(
            f"dxmap: error: import rejected, nothing was written: {path.name}"
        )
        assert message in lines[0], lines[0]
    assert fingerprint(url) == before


def test_a_hand_built_workbook_imports(store_url: str, tmp_path: Path) -> None:
    path = workbook(tmp_path / "good.xlsx", sheet(row(2, GOOD_ROW), "A1:H2"))
    engine = make_engine(store_url)
    try:
        outcome = import_file(engine, path, "officer")
    finally:
        engine.dispose()
    assert outcome.rows_total == 1


@pytest.mark.parametrize(
    ("rows", "dimension", "message"),
    [
        (row(2, GOOD_ROW), "A1:XFD300000", "the sheet declares 300,000 rows"),
        (row(2, GOOD_ROW), "A1:XFD2", "the sheet declares 16,384 columns"),
        (row(2, GOOD_ROW)[:-6] + '<c r="XFD2"><v>1</v></c></row>', None, "column 16,384"),
        (row(2, GOOD_ROW) + '<row r="300000"><c r="A300000"><v>1</v></c></row>', None, "more"),
    ],
)
def test_declared_giants_are_refused_within_memory(
    cli_store: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    rows: str,
    dimension: str | None,
    message: str,
) -> None:
    path = workbook(tmp_path / "giant.xlsx", sheet(rows, dimension))
    assert path.stat().st_size < 10_000
    refused(cli_store, path, capsys, message)
    growth, report = probe(cli_store, path)
    assert message in report
    assert growth < 300, f"reading took {growth:.0f} MB more"


def test_a_gigabyte_cell_is_refused_before_it_is_inflated(
    cli_store: str, gigabyte_cell: Path, capsys: pytest.CaptureFixture
) -> None:
    refused(cli_store, gigabyte_cell, capsys, "the workbook inflates to 1,024 MB; at most 100 MB")
    growth, report = probe(cli_store, gigabyte_cell)
    assert "inflates to 1,024 MB" in report
    assert growth < 300, f"reading took {growth:.0f} MB more"


def test_a_cell_of_50_mb_within_the_declared_limit_is_refused(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = inflating_workbook(tmp_path / "fifty.xlsx", 50 * 1024 * 1024)
    refused(cli_store, path, capsys, "holds a text of more than 262,144 bytes")
    growth, _ = probe(cli_store, path)
    assert growth < 300, f"reading took {growth:.0f} MB more"


def test_a_long_cell_is_refused_at_its_row_and_column(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    long_row = (*GOOD_ROW[:7], "x" * 131_073)
    path = workbook(tmp_path / "long.xlsx", sheet(row(2, long_row), "A1:H2"))
    refused(cli_store, path, capsys, "long.xlsx, row 2, column note: 131,073 characters")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("random", "not a readable XLSX workbook"),
        ("no-workbook", "not a readable XLSX workbook"),
        ("broken-sheet", "not a readable XLSX workbook"),
        ("no-sheet", "the workbook has no sheet"),
    ],
)
def test_malformed_workbooks_are_one_line(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture, kind: str, message: str
) -> None:
    path = tmp_path / f"{kind}.xlsx"
    if kind == "random":
        path.write_bytes(os.urandom(4096))
    elif kind == "no-workbook":
        workbook(path, None, parts={"readme.txt": "not a workbook"})
    elif kind == "broken-sheet":
        workbook(path, sheet(row(2, GOOD_ROW))[:-40])
    else:
        workbook(path, None)
    refused(cli_store, path, capsys, message)
