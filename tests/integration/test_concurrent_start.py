"""Several app processes starting at once on an empty store all serve, and load it once."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select

from geodata.store.engine import make_engine
from geodata.store.models import Base

PROCESSES = 4
START_TIMEOUT = 300.0


def _script(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed in the test environment (pip install -e .)"
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


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


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _env(url: str, geodata_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DXMAP_")}
    return {**env, "DXMAP_DATABASE_URL": url, "DXMAP_GEODATA_DIR": str(geodata_dir)}


def test_four_servers_started_together_on_an_empty_store_all_serve(
    empty_store_url: str, geodata_dir: Path, tmp_path: Path, _base_sqlite: Path
) -> None:
    env = _env(empty_store_url, geodata_dir)
    ports = [_free_port() for _ in range(PROCESSES)]
    logs = [tmp_path / f"serve-{port}.log" for port in ports]
    servers = []
    for port, log in zip(ports, logs, strict=True):
        with log.open("w") as out:
            command = [_script("dxmap"), "serve", "--port", str(port), "--workers", "1"]
            servers.append(subprocess.Popen(command, env=env, cwd=tmp_path, stdout=out, stderr=out))
    try:
        waiting = set(range(PROCESSES))
        deadline = time.monotonic() + START_TIMEOUT
        while waiting and time.monotonic() < deadline:
            for i in sorted(waiting):
                assert servers[i].poll() is None, f"server {i} died:\n{logs[i].read_text()}"
                if _answers(f"http://127.0.0.1:{ports[i]}/"):
                    waiting.discard(i)
            time.sleep(0.5)
        assert not waiting, "\n".join(logs[i].read_text()[-2000:] for i in waiting)
        for port in ports:
            assert _answers(f"http://127.0.0.1:{port}/api/v1/indicators")
    finally:
        _stop(servers)
    text_of_logs = "\n".join(log.read_text() for log in logs)
    assert "Traceback" not in text_of_logs and "UNIQUE" not in text_of_logs
    assert _counts(empty_store_url) == _counts(f"sqlite:///{_base_sqlite}"), "loaded exactly once"


HOOKS = """
control_socket_disable = True  # newer gunicorns open one per user by default


def post_worker_init(worker):
    worker.log.info("test: worker %s has built the app", worker.pid)
"""


def test_gunicorn_with_four_workers_on_an_empty_store_keeps_every_worker(
    tmp_path: Path, geodata_dir: Path
) -> None:
    # Without --preload every worker builds the app itself (the WSGI module the README names).
    url = f"sqlite:///{tmp_path / 'instance' / 'dxmap.sqlite'}"
    config = tmp_path / "hooks.py"
    config.write_text(HOOKS)
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    command = [
        _script("gunicorn"),
        "--workers",
        str(PROCESSES),
        "--bind",
        f"127.0.0.1:{port}",
        "--config",
        str(config),
        "app.wsgi:server",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(
            command, env=_env(url, geodata_dir), cwd=tmp_path, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while log.read_text().count("has built the app") < PROCESSES:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            assert server.poll() is None, f"gunicorn exited:\n{log.read_text()[-3000:]}"
            time.sleep(0.5)
        assert all(_answers(f"http://127.0.0.1:{port}/") for _ in range(2 * PROCESSES))
    finally:
        _stop([server])
    output = log.read_text()
    assert "exited with code" not in output and "Traceback" not in output, output[-3000:]
