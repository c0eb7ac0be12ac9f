from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import Settings, SettingsError


def test_default_database_is_a_sqlite_file_in_the_instance_dir(tmp_path: Path) -> None:
    settings = Settings.from_env({"DXMAP_INSTANCE_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'dxmap.sqlite'}"


def test_environment_names_are_read_with_the_dxmap_prefix(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "DXMAP_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "DXMAP_GEODATA_DIR": str(tmp_path),
            "DXMAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png",
            "DXMAP_SECRET_KEY": "s3cret",
            "DXMAP_PORT": "9000",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.geodata_dir == tmp_path
    assert settings.tile_url.startswith("https://tiles.example/")
    assert settings.secret_key == "s3cret"
    assert settings.port == 9000


def test_a_bad_port_fails_early_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match="DXMAP_PORT"):
        Settings.from_env({"DXMAP_PORT": "eighty"})
    with pytest.raises(SettingsError, match="DXMAP_PORT"):
        Settings.from_env({"DXMAP_PORT": "70000"})


def test_default_geodata_dir_is_the_shared_folder_beside_the_checkout() -> None:
    settings = Settings.from_env({})
    expected = (Path(__file__).resolve().parents[2] / ".." / "shared" / "geodata").resolve()
    if expected.is_dir():
        assert settings.geodata_dir == expected


def test_missing_geodata_dir_gives_a_message_naming_the_setting(tmp_path: Path) -> None:
    settings = Settings(geodata_dir=tmp_path / "nope")
    with pytest.raises(SettingsError, match="DXMAP_GEODATA_DIR"):
        settings.require_geodata_dir()


def test_the_area_is_read_from_dxmap_area_with_its_own_default_store(tmp_path: Path) -> None:
    assert Settings(instance_dir=tmp_path).area == "brvt"
    settings = Settings.from_env({"DXMAP_AREA": "hcm", "DXMAP_INSTANCE_DIR": str(tmp_path)})
    assert settings.area == "hcm"
    assert settings.database_url == f"sqlite:///{(tmp_path / 'dxmap-hcm.sqlite').resolve()}"


def test_workers_come_from_dxmap_workers_and_default_to_two() -> None:
    assert Settings.from_env({}).workers == 2
    assert Settings.from_env({"DXMAP_WORKERS": "5"}).workers == 5
    with pytest.raises(SettingsError, match="DXMAP_WORKERS must be an integer"):
        Settings.from_env({"DXMAP_WORKERS": "many"})
    with pytest.raises(SettingsError, match="DXMAP_WORKERS must be at least 1"):
        Settings.from_env({"DXMAP_WORKERS": "0"})


def test_the_default_store_is_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.instance_dir == tmp_path / "instance"
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'instance' / 'dxmap.sqlite'}"


def test_the_checkout_serves_its_top_level_assets_folder() -> None:
    from app.settings import assets_dir

    repo = Path(__file__).resolve().parents[2]
    assert assets_dir() == repo / "assets"
    assert (assets_dir() / "dxmap.js").is_file()
