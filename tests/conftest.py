"""Shared fixtures: a real store on SQLite (always) and PostgreSQL (when its URL is given).

The PostgreSQL tests need ``DXMAP_TEST_POSTGRES_URL`` (an admin URL such as
``postgresql+psycopg://root@/postgres?host=/var/run/postgresql``). Without it they are skipped
locally, but in CI (``CI`` set) a missing server is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.settings import Settings
from geodata.areas.manifest import load_area

REPO = Path(__file__).resolve().parent.parent
GEODATA_DIR = Settings().geodata_dir


def _require(condition: bool, why: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why} (in CI nothing may be skipped)")
    pytest.skip(why)


@pytest.fixture(scope="session")
def geodata_dir() -> Path:
    _require(GEODATA_DIR is not None, "boundary files not found (set DXMAP_GEODATA_DIR)")
    return Path(GEODATA_DIR)


@pytest.fixture(scope="session")
def _base_sqlite(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path) -> Path:
    """One fully initialised SQLite store per test session (copied per test that needs it)."""
    from geodata.bootstrap import init_store
    from geodata.store.engine import make_engine

    path = tmp_path_factory.mktemp("base") / "dxmap.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    init_store(engine, load_area("brvt", geodata_dir))
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_admin_url() -> str:
    url = os.environ.get("DXMAP_TEST_POSTGRES_URL", "")
    _require(bool(url), "DXMAP_TEST_POSTGRES_URL is not set")
    return url


@pytest.fixture(scope="session")
def _base_postgres(_pg_admin_url: str, geodata_dir: Path):
    """One initialised PostgreSQL database per session, used as a template for per-test copies."""
    from geodata.bootstrap import init_store
    from geodata.store.engine import make_engine

    admin = create_engine(_pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"dxmap_base_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_pg_admin_url).set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    init_store(engine, load_area("brvt", geodata_dir))
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _fresh_postgres_url(admin_url: str, template: str) -> tuple[str, str]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"dxmap_t_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a private, fully initialised store (demo data loaded) on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "dxmap.sqlite"
        shutil.copyfile(request.getfixturevalue("_base_sqlite"), path)
        return f"sqlite:///{path}"
    admin_url = request.getfixturevalue("_pg_admin_url")
    template = request.getfixturevalue("_base_postgres")
    url, name = _fresh_postgres_url(admin_url, template)
    request.addfinalizer(lambda: _drop_database(admin_url, name))
    return url


@pytest.fixture
def sqlite_store_url(tmp_path: Path, _base_sqlite: Path) -> str:
    """URL of a private, fully initialised SQLite store (for tests that need one backend)."""
    path = tmp_path / "dxmap.sqlite"
    shutil.copyfile(_base_sqlite, path)
    return f"sqlite:///{path}"


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def store_engine(store_url: str):
    """An engine on a private, initialised store (each backend)."""
    from geodata.store.engine import make_engine

    engine = make_engine(store_url)
    yield engine
    engine.dispose()


def _area_store(tmp_path_factory, geodata_dir: Path, area: str, with_demo: bool) -> str:
    from geodata.bootstrap import init_store
    from geodata.store.engine import make_engine

    path = tmp_path_factory.mktemp(area) / "dxmap.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    init_store(engine, load_area(area, geodata_dir), with_demo=with_demo)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def hcm_store_url(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path) -> str:
    """URL of one SQLite store of the ``hcm`` area (no demo), built once per session; read only."""
    return _area_store(tmp_path_factory, geodata_dir, "hcm", with_demo=False)


@pytest.fixture(scope="session")
def vn_store_url(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path) -> str:
    """URL of one SQLite store of the ``vn`` area (no demo), built once per session; read only.

    Copy the file (``shutil.copyfile``) before writing to it.
    """
    return _area_store(tmp_path_factory, geodata_dir, "vn", with_demo=False)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path):
    """URL of an empty store: a SQLite file not yet created, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'instance' / 'dxmap.sqlite'}"
        return
    admin_url = request.getfixturevalue("_pg_admin_url")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"dxmap_e_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    _drop_database(admin_url, name)
