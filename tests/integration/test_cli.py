"""The `dxmap` command line: console script, exit codes, init, user add, export."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.cli import main
from geodata.store.engine import make_engine, session_factory
from geodata.store.models import Base, Observation, Unit, User, Village


def _dxmap() -> str:
    """The console script of the Python running the tests (pip install -e . registers it)."""
    beside = Path(sys.executable).with_name("dxmap")
    found = str(beside) if beside.exists() else shutil.which("dxmap")
    assert found, "the dxmap console script is not installed (pip install -e .)"
    return found


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_console_script_help_lists_the_contract_commands() -> None:
    result = _run(_dxmap(), "--help")
    assert result.returncode == 0
    for command in ("init", "serve", "import", "export", "user", "rollback", "batches"):
        assert command in result.stdout
    export_help = _run(_dxmap(), "export", "--help").stdout
    for option in ("--format", "--level", "--vintage", "--period", "--indicator"):
        assert option in export_help
    for option in ("--all-indicators", "--parent", "--below-target", "-o"):
        assert option in export_help


def test_console_script_error_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    env = {"DXMAP_DATABASE_URL": f"sqlite:///{tmp_path / 'dxmap.sqlite'}"}
    result = _run(_dxmap(), "import", str(tmp_path / "missing.csv"), env=env)
    assert result.returncode == 1
    assert "dxmap: error:" in result.stderr and "missing.csv: no such file" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""

    usage = _run(_dxmap(), "export", "--format", "shp", env=env)
    assert usage.returncode == 2 and "invalid choice: 'shp'" in usage.stderr

    bad_setting = _run(_dxmap(), "serve", env={**env, "DXMAP_PORT": "eighty"})
    assert bad_setting.returncode == 2
    assert "DXMAP_PORT must be an integer" in bad_setting.stderr


def test_python_m_app_runs_the_same_cli() -> None:
    result = _run(sys.executable, "-m", "app", "--help")
    assert result.returncode == 0 and "usage: dxmap" in result.stdout


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_init_creates_a_fresh_sqlite_store_and_is_idempotent(
    tmp_path: Path, geodata_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    store = tmp_path / "instance" / "dxmap.sqlite"
    url = f"sqlite:///{store}"
    monkeypatch.setenv("DXMAP_DATABASE_URL", url)
    monkeypatch.setenv("DXMAP_GEODATA_DIR", str(geodata_dir))

    assert main(["init"]) == 0
    assert store.is_file()
    engine = make_engine(url)
    with session_factory(engine)() as session:
        units = dict(
            session.execute(select(Unit.vintage_key, func.count()).group_by(Unit.vintage_key)).all()
        )
        assert units == {"2020": 1 + 8 + 82, "2025-01": 1 + 7 + 77, "2025-07": 1 + 30}
        assert session.scalar(select(func.count()).select_from(Village)) == 503
        assert session.scalar(select(func.count()).select_from(Observation)) > 0
    engine.dispose()
    first = _counts(url)

    assert main(["init"]) == 0
    assert _counts(url) == first
    assert "Traceback" not in capsys.readouterr().err


def test_init_without_boundary_files_says_how_to_set_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'dxmap.sqlite'}")
    monkeypatch.setenv("DXMAP_GEODATA_DIR", str(tmp_path / "nowhere"))
    assert main(["init"]) == 2
    assert "DXMAP_GEODATA_DIR" in capsys.readouterr().err


def test_user_add_stores_a_password_hash(
    sqlite_store_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main(["user", "add", "lan", "--password-stdin"]) == 0
    engine = make_engine(sqlite_store_url)
    with session_factory(engine)() as session:
        user = session.get(User, "lan")
        assert user is not None and "correct horse" not in user.password_hash
        assert check_password_hash(user.password_hash, "correct horse battery")
    engine.dispose()

    monkeypatch.setattr(sys, "stdin", io.StringIO("another password\n"))
    assert main(["user", "add", "lan", "--password-stdin"]) == 1
    assert "exists" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["user", "add", "minh", "--password-stdin"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out == "lan\teditor\n"
    # a viewer; a new password (--replace) keeps the role
    monkeypatch.setattr(sys, "stdin", io.StringIO("a viewer's password\n"))
    assert main(["user", "add", "minh", "--password-stdin", "--role", "viewer"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a new password\n"))
    assert main(["user", "add", "minh", "--password-stdin", "--replace"]) == 0
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out == "lan\teditor\nminh\tviewer\n"
    assert main(["user", "add", "an", "--role", "admin"]) == 2  # argparse: not a role


def test_export_command_writes_a_named_file_or_stdout(
    sqlite_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary
) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", sqlite_store_url)
    view = ["--level", "district", "--vintage", "2020", "--period", "2024"]
    status = main(
        ["export", "--format", "geojson", *view, "--indicator", "eid_adults", "-o", str(tmp_path)]
    )
    assert status == 0
    written = tmp_path / "dxmap_eid_adults_district_2024_v2020.geojson"
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert len(doc["features"]) == 8
    assert not list(tmp_path.glob(".*.part"))

    assert main(["export", "--format", "csv", *view, "--all-indicators", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8-sig")
    assert out.startswith("code,name,type,level,parent_code,vintage,period,indicator,value,")
    assert len(out.strip().splitlines()) == 1 + 8 * 12

    assert main(["export", "--format", "csv", *view, "--indicator", "nope", "-o", "-"]) == 1
    err = capsysbinary.readouterr().err.decode()
    assert "--indicator: unknown indicator 'nope'" in err
    unknown = ["--indicator", "eid_adults", "--parent", "99999"]
    assert main(["export", "--format", "csv", *view, *unknown, "-o", "-"]) == 1
    assert "--parent: no unit with code '99999' in vintage 2020" in (
        capsysbinary.readouterr().err.decode()
    )
    crs = ["--crs", "vn2000-tm3-10745"]
    assert (
        main(["export", "--format", "csv", *view, "--indicator", "eid_adults", *crs, "-o", "-"])
        == 1
    )
    assert "--crs applies to --format gpkg only" in capsysbinary.readouterr().err.decode()
    assert main(["export", "--format", "csv", *view, "-o", "-"]) == 2  # no indicator chosen


def test_commands_on_a_missing_store_ask_for_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    store = tmp_path / "dxmap.sqlite"
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{store}")
    assert main(["batches"]) == 1
    assert "run 'dxmap init' first" in capsys.readouterr().err
    assert not store.exists()
    assert main(["rollback", "abc"]) == 2


def test_the_export_options_offer_the_store_levels_and_the_export_formats() -> None:
    from app.cli import export
    from geodata.exports.write import FORMATS
    from geodata.store.models import LEVELS

    assert export.LEVELS == LEVELS and export.FORMATS == FORMATS
