"""``DXMAP_DEBUG=1 dxmap serve`` never serves the Werkzeug debugger or its console."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_debug_mode_serves_no_werkzeug_console(sqlite_store_url, tmp_path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DXMAP_DEBUG": "1",
        "DXMAP_DATABASE_URL": sqlite_store_url,
        "DXMAP_INSTANCE_DIR": str(tmp_path),
        "DXMAP_HOST": "127.0.0.1",
        "DXMAP_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the reloader's child is in the same group: stopped together
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                status, _ = _get(base + "/_dxmap/health")
                if status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, "dxmap serve stopped"
            assert time.monotonic() < deadline, "dxmap serve did not start"
            time.sleep(0.5)
        # An unknown path answers 404 (dxmap's own page): it must never be the Werkzeug console.
        status, body = _get(base + "/console")
        assert b"Interactive Console" not in body and b"CONSOLE_MODE" not in body
        assert status == 404
        _status, script = _get(base + "/?__debugger__=yes&cmd=resource&f=debugger.js")
        assert b"CONSOLE_MODE" not in script and b"EVALEX" not in script
        assert b"openShell" not in script  # the debugger's own JavaScript
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
