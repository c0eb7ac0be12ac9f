"""``dxmap init`` cannot half-fail: all or nothing, idempotent, one line for a bad file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from app.cli import main
from geodata.areas.manifest import load_area
from geodata.store.engine import make_engine
from geodata.store.models import Base


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two equal dumps mean an unchanged store."""
    engine = make_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {
                table.name: sorted(
                    (tuple(map(repr, row)) for row in conn.execute(select(table))),
                )
                for table in Base.metadata.sorted_tables
                if table.name in present
            }
    finally:
        engine.dispose()


def geodata_with(tmp_path: Path, geodata_dir: Path, broken: str, content: bytes | None) -> Path:
    """A copy of the boundary folder (as links) where ``broken`` is corrupt, or missing."""
    folder = tmp_path / "geodata"
    folder.mkdir()
    for path in Path(geodata_dir).iterdir():
        if path.name != broken:
            (folder / path.name).symlink_to(path.resolve())
    if content is not None:
        (folder / broken).write_bytes(content)
    return folder


def last_layer_file() -> str:
    """The file of the default area's last layer: loaded after the catalogue and other layers."""
    return load_area("brvt", None).layers[-1].file


def _init(url: str, geodata: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> tuple[int, str]:
    monkeypatch.setenv("DXMAP_DATABASE_URL", url)
    monkeypatch.setenv("DXMAP_GEODATA_DIR", str(geodata))
    capsys.readouterr()
    status = main(["init"])
    return status, capsys.readouterr().err


def _one_line_error(err: str) -> str:
    errors = [line for line in err.splitlines() if line.startswith("dxmap: error:")]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    return errors[0]


def test_a_corrupt_late_file_leaves_an_empty_store_without_a_table(
    empty_store_url: str, geodata_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    broken = last_layer_file()
    geodata = geodata_with(tmp_path, geodata_dir, broken, b'{"type": "FeatureCollection", "fea')
    status, err = _init(empty_store_url, geodata, monkeypatch, capsys)
    assert status == 2  # a mistake in the input files (as every input error of the CLI)
    assert broken in _one_line_error(err)
    assert dump(empty_store_url) == {}, "the catalogue and earlier layers must be rolled back"


def test_a_failed_reinit_leaves_a_loaded_store_exactly_as_it_was(
    store_url: str, geodata_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    before = dump(store_url)
    broken = last_layer_file()
    geodata = geodata_with(tmp_path, geodata_dir, broken, b"\x00not a vector file\x00")
    status, err = _init(store_url, geodata, monkeypatch, capsys)
    assert status == 2 and broken in _one_line_error(err)
    assert dump(store_url) == before


def test_a_missing_file_is_named_in_one_line_and_nothing_is_written(
    empty_store_url: str, geodata_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    broken = last_layer_file()
    geodata = geodata_with(tmp_path, geodata_dir, broken, None)
    status, err = _init(empty_store_url, geodata, monkeypatch, capsys)
    assert status == 2
    line = _one_line_error(err)
    assert broken in line and "DXMAP_GEODATA_DIR" in line
    assert dump(empty_store_url) == {}


def test_a_second_init_changes_nothing(
    store_url: str, geodata_dir: Path, monkeypatch, capsys
) -> None:
    before = dump(store_url)
    assert sum(map(len, before.values())) > 0
    status, err = _init(store_url, geodata_dir, monkeypatch, capsys)
    assert status == 0, err
    assert dump(store_url) == before


def test_findings_of_the_load_are_each_reported(
    tmp_path: Path, geodata_dir: Path, monkeypatch, capsys
) -> None:
    # A boundary file of another edition than the manifest's sha256 is loaded with a finding.
    layer = load_area("brvt", None).layers[0]
    original = (Path(geodata_dir) / layer.file).read_bytes()
    geodata = geodata_with(tmp_path, geodata_dir, layer.file, original + b"\n")
    url = f"sqlite:///{tmp_path / 'dxmap.sqlite'}"
    status, err = _init(url, geodata, monkeypatch, capsys)
    assert status == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("dxmap: warning:")]
    assert any(layer.file in line and "sha256" in line for line in warnings), err
    assert os.path.isfile(tmp_path / "dxmap.sqlite")
