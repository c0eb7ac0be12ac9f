"""Schema migrations (Alembic): the baseline is the schema of dxmap 0.1.0, the migrations reach
the models, and a store of 0.1.0 is refused by ``serve`` until ``dxmap db upgrade`` brings it up,
with its values kept and its roll-ups built."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.orm import Session

from app.cli import main
from app.factory import create_app
from app.settings import Settings
from geodata.rollups.check import check_rollups
from geodata.rollups.queries import unit_values
from geodata.store.engine import make_engine
from geodata.store.models import Base
from geodata.store.schema import (
    BASELINE,
    SchemaOutdated,
    _config,
    downgrade_schema,
    head_revision,
    schema_state,
    store_revision,
)

SNAPSHOT = Path(__file__).resolve().parent.parent / "data" / "schema-0001.json"
VIEWS = [
    ("fibre_households", "2024", "2020", "district", None),
    ("eid_adults", "2023", "2025-07", "commune", None),
    ("mobile_broadband_villages", "2024", "2025-01", "commune", "750"),
]


def _snapshot(connection) -> dict:  # noqa: ANN001
    found = inspect(connection)
    tables = sorted(t for t in found.get_table_names() if t != "alembic_version")
    return {
        t: {
            "columns": [
                [c["name"], str(c["type"]), bool(c["nullable"])] for c in found.get_columns(t)
            ],
            "primary_key": found.get_pk_constraint(t)["constrained_columns"],
            "unique": sorted(
                [u["name"], u["column_names"]] for u in found.get_unique_constraints(t)
            ),
            "indexes": sorted(
                [i["name"], i["column_names"], bool(i["unique"])] for i in found.get_indexes(t)
            ),
        }
        for t in tables
    }


def test_the_baseline_revision_is_the_schema_of_dxmap_0_1_0(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), BASELINE)
        assert _snapshot(connection) == json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    engine.dispose()


def test_the_migrations_build_the_schema_of_the_models(empty_store_url: str) -> None:
    engine = make_engine(empty_store_url)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
        assert store_revision(connection) == head_revision()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def _values(engine) -> list:  # noqa: ANN001
    with Session(engine) as session:
        return [unit_values(session, *view) for view in VIEWS]


def _assert_same(before: list, after: list) -> None:
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new, check_exact=False, rtol=1e-12)


def _make_old(engine) -> None:  # noqa: ANN001
    """Turn a store into one of dxmap 0.1.0: its schema, no migration history, no roll-ups."""
    with engine.begin() as connection:
        downgrade_schema(connection, BASELINE)
        connection.exec_driver_sql("DROP TABLE alembic_version")
        assert schema_state(connection) == ("old", BASELINE)


def test_a_store_of_0_1_0_is_refused_until_upgraded_then_serves_the_same_values(
    store_url: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    engine = make_engine(store_url)
    before = _values(engine)
    _make_old(engine)

    settings = Settings(database_url=store_url, instance_dir=tmp_path)
    with pytest.raises(SchemaOutdated, match="dxmap db upgrade"):
        create_app(settings)
    monkeypatch.setenv("DXMAP_DATABASE_URL", store_url)
    monkeypatch.setenv("DXMAP_INSTANCE_DIR", str(tmp_path))
    assert main(["serve", "--port", "8999"]) == 1
    assert "run `dxmap db upgrade`" in capsys.readouterr().err

    assert main(["db", "upgrade"]) == 0
    assert f"from revision {BASELINE} to {head_revision()}" in capsys.readouterr().err
    with engine.connect() as connection:
        assert schema_state(connection) == ("current", head_revision())
    _assert_same(before, _values(engine))
    with Session(engine) as session:
        assert check_rollups(session, pairs=[(v[0], v[1]) for v in VIEWS]) == []
    assert main(["db", "upgrade"]) == 0
    assert "already at revision" in capsys.readouterr().err
    create_app(settings)  # serves again
    engine.dispose()


def test_db_upgrade_of_an_empty_store_says_to_init(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DXMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert main(["db", "upgrade"]) == 1
    assert "dxmap init" in capsys.readouterr().err
