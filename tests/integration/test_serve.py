"""``dxmap serve``: gunicorn with N workers; the development server only with --dev, no debugger."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.cli import main


def _dxmap() -> str:
    beside = Path(sys.executable).with_name("dxmap")
    found = str(beside) if beside.exists() else shutil.which("dxmap")
    assert found, "the dxmap console script is not installed (pip install -e .)"
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class Server:
    """``dxmap serve ARGS`` in the background, on a free port, until stopped."""

    def __init__(self, tmp_path: Path, url: str, *args: str, env: dict[str, str] | None = None):
        self.port = _free_port()
        self.log = tmp_path / f"serve-{self.port}.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("DXMAP_")}
        environ.update({"DXMAP_DATABASE_URL": url, **(env or {})})
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [_dxmap(), "serve", "--port", str(self.port), *args],
                env=environ,
                cwd=tmp_path,
                stdout=out,
                stderr=out,
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if _get(self.url("/"))[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        pytest.fail(f"dxmap serve did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.log.read_text()


def test_serve_runs_gunicorn_with_the_workers_of_dxmap_workers(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    server = Server(tmp_path, sqlite_store_url, env={"DXMAP_WORKERS": "3"})
    try:
        server.wait()
        deadline = time.monotonic() + 60
        while server.log.read_text().count("Booting worker") < 3 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _get(server.url("/assets/dxmap.js"))[0] == 200
    finally:
        log = server.stop()
    assert "Starting gunicorn" in log
    assert log.count("Booting worker") == 3, log


def test_dev_server_with_debug_never_serves_the_werkzeug_console(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    server = Server(tmp_path, sqlite_store_url, "--dev", env={"DXMAP_DEBUG": "1"})
    try:
        server.wait()
        status, page = _get(server.url("/"))
        assert status == 200 and '"ui":true' in page.replace(" ", "")  # Dash's dev tools are on
        # Werkzeug's debugger serves a Python console at /console and its script through
        # ?__debugger__=yes; here both are Dash's own page (its catch-all route) or a 404.
        for path in ("/console", "/?__debugger__=yes&cmd=resource&f=debugger.js"):
            status, body = _get(server.url(path))
            assert status == 404 or "_dash-config" in body, path
            assert "Werkzeug" not in body and "EVALEX" not in body, path
    finally:
        log = server.stop()
    assert "gunicorn" not in log and "Debugger PIN" not in log


def test_serve_refuses_zero_workers_as_a_usage_error(capsys) -> None:
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers: must be at least 1" in capsys.readouterr().err


def test_the_served_app_has_the_first_view_computed_before_the_first_visit(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    from app.server import build_app
    from app.settings import Settings
    from layers import ids
    from tests.integration.test_app import view_callback

    app = build_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    service = app.server.extensions["dxmap.service"]
    computed = service.analysis._scorecard.cache_info()
    assert computed.currsize == 1  # the whole area's scorecard, before any request
    client = app.server.test_client()
    load = view_callback(app, client)  # the page load: the map, then the shown tab
    assert service.analysis._scorecard.cache_info() == computed  # the map asks no scorecard
    drawn = {ids.MAP_DRAWN: {"at": 1}}
    view_callback(app, client, "", f"{ids.MAP_DRAWN}.data", load[ids.VIEW]["data"], **drawn)
    after = service.analysis._scorecard.cache_info()
    assert (after.misses, after.hits) == (computed.misses, computed.hits + 1)  # nothing new
    values = service._values.cache_info()
    assert values.misses == values.currsize and values.hits >= 1


def test_a_fresh_worker_serves_every_script_asked_for_at_once(
    sqlite_store_url: str, tmp_path: Path
) -> None:
    # A browser asks for the page's twenty scripts at once. Dash's first-request set-up used to
    # mark itself done before registering them, so the requests beside the first answered 500.
    from concurrent.futures import ThreadPoolExecutor

    from app.factory import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path / "probe"))
    with app.server.test_request_context("/"):
        page = app.index()
    scripts = re.findall(r'<script src="(/_dash-component-suites/[^"]+)"', page)
    assert len(scripts) > 5
    server = Server(tmp_path, sqlite_store_url, "--workers", "1")
    try:
        deadline = time.monotonic() + 120
        while "Booting worker" not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        while time.monotonic() < deadline:  # listening, with no request served yet
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", server.port)) == 0:
                    break
            time.sleep(0.1)
        with ThreadPoolExecutor(len(scripts)) as pool:
            statuses = list(pool.map(lambda path: _get(server.url(path))[0], scripts))
    finally:
        server.stop()
    assert statuses == [200] * len(scripts)
