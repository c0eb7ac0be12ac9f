"""dash.testing with Debian's Chromium and chromedriver (``/usr/bin``), headless, as root."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import pytest
from selenium.webdriver.chrome.options import Options

CHROMIUM = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")


def pytest_setup_options() -> Options:
    """Give dash_duo a headless Chromium with a fresh profile (works as root, in containers)."""
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1400,900",
        f"--user-data-dir={tempfile.mkdtemp(prefix='dxmap-chromium-')}",
    ):
        options.add_argument(arg)
    return options


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, give each worker its own range of ports for the apps it serves.

    ``DXMAP_TEST_PORT_BASE`` moves the ranges (two checkouts testing at once on one machine).
    """
    from dash.testing.application_runners import BaseDashRunner

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    base = int(os.environ.get("DXMAP_TEST_PORT_BASE", "58050"))
    BaseDashRunner._next_port = base + 500 * int(worker.removeprefix("gw") or 0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_available() -> None:
    if shutil.which("chromedriver") and os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        pytest.fail(
            "Chromium and chromedriver are required in CI (apt-get install chromium "
            "chromium-driver)"
        )
    pytest.skip("Chromium or chromedriver not installed")


@pytest.fixture(autouse=True)
def _bounded_server_stop(monkeypatch):
    """Stop dash.testing's threaded server without waiting forever.

    ``ThreadedRunner.stop`` raises SystemExit in the server's thread and joins it with no
    timeout; once in CI the exception never reached the thread (it was blocked in ``select``)
    and the run hung. Here the kill is repeated for up to 20 s; the server thread is a daemon,
    so one that still lingers cannot keep the test process alive.
    """
    import time

    from dash.testing.application_runners import ThreadedRunner

    def stop(self) -> None:
        thread = self.thread
        deadline = time.monotonic() + 20
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            with contextlib.suppress(ValueError, SystemExit):  # a thread that has just ended
                thread.kill()
            thread.join(timeout=1)
        if thread is not None and thread.is_alive():
            assert thread.daemon, "a lingering server thread would keep the process alive"
        self._app = None
        self.started = False

    monkeypatch.setattr(ThreadedRunner, "stop", stop)
