"""At national scale (``vn``: 34 provinces, 3,321 communes, 90,994 villages), the API, the CLI
export and the map give the same numbers for the same views, on SQLite and PostgreSQL, all read
from the stored roll-ups; and those agree with what the raw values compute to.

The store is the country's synthetic demo (two periods, about 2 million values), built once
per backend for this module.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.cli import main
from app.factory import create_app
from app.settings import Settings
from geodata.areas.manifest import load_area
from geodata.bootstrap import init_store
from geodata.rollups.check import check_rollups
from geodata.store.engine import make_engine
from geodata.store.models import Unit

PERIOD, VINTAGE = "2026", "2025-07"
INDICATORS = ("fibre_households", "mobile_broadband_villages", "community_tech_teams")
FIELDS = ("value", "numerator", "denominator", "target", "met", "provenance", "source")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def national(request: pytest.FixtureRequest, tmp_path_factory, geodata_dir: Path):
    """URL of a national store with the synthetic demo (one per backend, for this module)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('vn') / 'dxmap-vn.sqlite'}"
        drop = None
    else:
        admin_url = request.getfixturevalue("_pg_admin_url")
        name = f"dxmap_vn_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    engine = make_engine(url)
    init_store(engine, load_area("vn", geodata_dir))
    engine.dispose()
    yield url
    if drop is not None:
        drop()


def _provinces(url: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        codes = session.scalars(
            select(Unit.code).where(Unit.vintage_key == VINTAGE, Unit.level == "province")
        ).all()
    engine.dispose()
    return sorted(codes)


def _views(url: str) -> list[tuple[str, str, str | None]]:
    provinces = _provinces(url)
    assert len(provinces) == 34
    views = []
    for n, indicator in enumerate(INDICATORS):
        views += [
            (indicator, "country", None),
            (indicator, "province", None),
            (indicator, "commune", provinces[(7 * n) % 34]),
        ]
    views.append(("fibre_households", "commune", None))  # all 3,321 communes
    return views


def _same(a: object, b: object) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(a).lower() == str(b).lower()
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-9)


def _api(client, indicator: str, level: str, parent: str | None) -> dict[str, dict]:  # noqa: ANN001
    query = f"indicator={indicator}&period={PERIOD}&vintage={VINTAGE}&level={level}"
    response = client.get(f"/api/v1/values?{query}" + (f"&parent={parent}" if parent else ""))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return {item["code"]: item for item in response.get_json()["items"]}


def _export(tmp_path: Path, url: str, indicator: str, level: str, parent: str | None, monkeypatch):
    monkeypatch.setenv("DXMAP_DATABASE_URL", url)
    out = tmp_path / f"{indicator}-{level}-{parent}.csv"
    args = ["export", "--format", "csv", "--level", level, "--vintage", VINTAGE]
    args += ["--period", PERIOD, "--indicator", indicator, "-o", str(out)]
    assert main([*args, *(["--parent", parent] if parent else [])]) == 0
    rows = csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))
    return {row["code"]: row for row in rows}


def test_api_export_and_map_give_the_same_numbers_at_national_scale(
    national: str, tmp_path: Path, monkeypatch
) -> None:
    app = create_app(Settings(database_url=national, area="vn", instance_dir=tmp_path))
    client = app.server.test_client()
    service = app.server.extensions["dxmap.service"]
    for indicator, level, parent in _views(national):
        api = _api(client, indicator, level, parent)
        exported = _export(tmp_path, national, indicator, level, parent, monkeypatch)
        shown = service.values(indicator, PERIOD, VINTAGE, level, parent)
        assert set(api) == set(exported) == set(shown) and api, (indicator, level, parent)
        for code in api:
            for field in FIELDS:
                trio = (api[code][field], exported[code][field], shown[code][field])
                assert _same(trio[0], trio[1]) and _same(trio[0], trio[2]), (
                    indicator,
                    level,
                    parent,
                    code,
                    field,
                    trio,
                )
        assert any(item["value"] is not None for item in api.values())


def test_the_national_rollups_agree_with_the_raw_values(national: str) -> None:
    engine = make_engine(national)
    with Session(engine) as session:
        assert check_rollups(session, pairs=[("fibre_households", PERIOD)]) == []
    engine.dispose()
