"""`dxmap init` with a missing or truncated boundary file: one line naming the file, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hostile_inputs import run


def _geodata_copy(source: Path, target: Path) -> list[Path]:
    """Link every boundary file into ``target``; return the top-level GeoJSON links."""
    target.mkdir()
    for path in source.iterdir():
        (target / path.name).symlink_to(path)
    return sorted(target.glob("*.geojson"))


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_init_names_the_bad_boundary_file_in_one_line(
    geodata_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    damage: str,
) -> None:
    layers = _geodata_copy(geodata_dir, tmp_path / "geodata")
    assert layers
    for link in layers:
        content = link.read_bytes()
        link.unlink()
        if damage == "truncated":
            link.write_bytes(content[: len(content) // 2])  # cut off mid-object
    monkeypatch.setenv("DXMAP_GEODATA_DIR", str(tmp_path / "geodata"))
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'dxmap.sqlite'}")

    status, lines = run(["init", "--no-demo"], capsys)

    errors = [line for line in lines if line.startswith("dxmap: error:")]
    assert status == 2 and len(errors) == 1, lines
    assert any(layer.name in errors[0] for layer in layers), errors[0]
    expected = "not found in" if damage == "missing" else "cannot be read"
    assert expected in errors[0]
