"""A real PostgreSQL outage: a private cluster stopped for ~10 s under a bounded local load.

The cluster listens on a Unix socket in a temporary folder only (no TCP), runs as the
``postgres`` user (``runuser``), and is removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.factory import create_app
from app.settings import Settings
from layers import ids

pytestmark = pytest.mark.postgres
VALUES = "/api/v1/values?indicator=fibre_households&period=2024&vintage=2020&level=district"
OUTAGE_SECONDS = 10


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *argv],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def private_cluster(_pg_admin_url):
    """Start a private cluster; yield (url, stop, start); remove it afterwards."""
    binary = _pg_bin()
    if binary is None or os.geteuid() != 0 or shutil.which("runuser") is None:
        if os.environ.get("CI"):
            pytest.fail("the outage test needs root, runuser and PostgreSQL's pg_ctl")
        pytest.skip("needs root, runuser and pg_ctl")
    base = Path(tempfile.mkdtemp(prefix="dxmap-pg-"))  # /tmp/pytest-of-root is not postgres's
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    shutil.chown(base, "postgres")
    shutil.chown(sock, "postgres")
    _as_postgres(str(binary / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-k {sock} -c listen_addresses='' -p 5499 -c max_connections=40"
    log = base / "pg.log"

    def start() -> None:
        _as_postgres(
            str(binary / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"
        )

    def stop() -> None:
        _as_postgres(str(binary / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")

    start()
    admin = f"postgresql+psycopg://postgres@/postgres?host={sock}&port=5499"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE dxmap"))
    engine.dispose()
    url = f"postgresql+psycopg://postgres@/dxmap?host={sock}&port=5499"
    try:
        yield url, stop, start
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                str(binary / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


def _restyle_body(app) -> dict:
    """The view callback's body for a URL, built from the app's own callback list."""
    from tests.integration.test_web_hardening import _body

    key = next(k for k in app.callback_map if f"{ids.MAP_DATA}.data" in k)
    return _body(
        key, app.callback_map[key], {0: "?indicator=fibre_households&period=2023&vintage=2020"}
    )


def test_a_stopped_database_gives_503_with_a_message_and_the_app_recovers(
    private_cluster, geodata_dir, tmp_path
) -> None:
    url, stop, start = private_cluster
    app = create_app(Settings(database_url=url, geodata_dir=geodata_dir, instance_dir=tmp_path))
    client = app.server.test_client()
    body = _restyle_body(app)
    assert client.get(VALUES).status_code == 200
    assert client.post("/_dash-update-component", json=body).status_code == 200

    stop()
    seen: dict[str, set[int]] = {"api": set(), "callback": set(), "health": set()}
    deadline = time.monotonic() + OUTAGE_SECONDS
    requests = 0
    while time.monotonic() < deadline:  # bounded: one client, a short pause between rounds
        api = client.get(VALUES)
        seen["api"].add(api.status_code)
        error = api.get_json()["error"]
        assert error["outage"] and "cơ sở dữ liệu" in error["message_vi"]
        assert "database" in error["message_en"]
        callback = client.post("/_dash-update-component", json=body)
        seen["callback"].add(callback.status_code)
        assert callback.get_json()["error"]["outage"] is True
        seen["health"].add(client.get("/_dxmap/health").status_code)
        requests += 3
        time.sleep(0.2)
    assert seen == {"api": {503}, "callback": {503}, "health": {503}}
    assert requests >= 15
    assert client.get(VALUES).headers["Retry-After"]

    start()
    restarted = time.monotonic()
    while client.get("/_dxmap/health").status_code != 200:
        assert time.monotonic() - restarted < 10, "the app did not recover within 10 s"
        time.sleep(0.2)
    assert client.get(VALUES).status_code == 200
    recovered = client.post("/_dash-update-component", json=body)
    assert recovered.status_code == 200
    drawn = recovered.get_json()["response"][ids.MAP_DATA]["data"]["layers"][ids.UNITS]
    assert len(drawn["hideout"]["values"]) == 8  # the 8 districts of vintage 2020
