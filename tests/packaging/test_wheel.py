"""``pip install .`` (a wheel, not editable) into a fresh venv gives a working app.

The wheel is built from a copy of the checkout and installed into a new virtual environment
outside it (no system site-packages); ``dxmap init`` and ``dxmap serve`` then run from an empty
working directory, and Chromium must draw polygons with the packaged ``dxmap.js``.

Dependencies come from the same pip index as ``.ci/venv.sh``, kept as wheels in a wheelhouse
(``DXMAP_TEST_WHEELHOUSE``, default ``~/.cache/dxmap-wheelhouse``) so that later runs install
without resolving against the index again.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "layers", "geodata", "callbacks")
NOT_COPIED = (".git", ".venv", "build", "dist", "instance", "*.egg-info", "__pycache__", "*.sqlite")
WHEELHOUSE = Path(
    os.environ.get("DXMAP_TEST_WHEELHOUSE", Path.home() / ".cache" / "dxmap-wheelhouse")
)

pytestmark = pytest.mark.packaging


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900):
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stderr[-3000:]}"
    return result


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source, cwd=tmp_path)
    (wheel,) = dist.glob("dxmap-*.whl")
    return wheel


def _check_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "app/assets/dxmap.js" in names and "app/assets/dxmap.css" in names
    for package in PACKAGES:
        for path in (REPO / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(REPO).as_posix()
                assert name in names, f"{name} is not in the wheel (list it in pyproject.toml)"


def _install(wheel: Path, venv: Path, cwd: Path) -> Path:
    """A fresh venv (no system site-packages) with the wheel and its dependencies."""
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=cwd)
    python = venv / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-compile")
    local = (*pip, "--no-index", "--find-links", WHEELHOUSE, wheel)
    if subprocess.run(local, cwd=cwd, capture_output=True, check=False).returncode != 0:
        # First run, or a dependency changed: fill the wheelhouse from the usual index.
        WHEELHOUSE.mkdir(parents=True, exist_ok=True)
        _run(sys.executable, "-m", "pip", "wheel", "-q", "-w", WHEELHOUSE, wheel, cwd=cwd)
        for stale in WHEELHOUSE.glob("dxmap-*.whl"):  # only dependencies are kept
            stale.unlink()
        _run(*local, cwd=cwd)
    return venv / "bin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"dxmap serve exited:\n{log.read_text()[-3000:]}"
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"dxmap serve did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _chromium():
    spec = importlib.util.spec_from_file_location(
        "dxmap_browser_conftest", REPO / "tests" / "browser" / "conftest.py"
    )
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    if not (shutil.which("chromedriver") and os.path.exists(conftest.CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail("Chromium and chromedriver are required in CI")
        pytest.skip("Chromium or chromedriver not installed")
    from selenium import webdriver

    return webdriver.Chrome(options=conftest.pytest_setup_options())


def _polygons_drawn(url: str) -> int:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _chromium()
    try:
        driver.get(url)
        WebDriverWait(driver, 90).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive")
        )
        return len(driver.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive"))
    finally:
        driver.quit()


def test_the_wheel_installs_initialises_and_serves_a_map(tmp_path: Path, geodata_dir: Path) -> None:
    wheel = _build_wheel(tmp_path)
    _check_wheel_contents(wheel)
    venv = tmp_path / "venv"
    work = tmp_path / "work"
    work.mkdir()
    bin_dir = _install(wheel, venv, tmp_path)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DXMAP_", "PYTHON"))}
    env["DXMAP_GEODATA_DIR"] = str(geodata_dir)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    where = _run(bin_dir / "python", "-c", "import app; print(app.__file__)", cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), "the test must not import the checkout"

    init = _run(bin_dir / "dxmap", "init", cwd=work, env=env, timeout=300)
    assert (work / "instance" / "dxmap.sqlite").is_file(), init.stderr
    assert not list(venv.rglob("*.sqlite")), "the store must not be written into site-packages"

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(bin_dir / "dxmap"), "serve", "--port", str(port), "--workers", "1"],
            cwd=work,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/", server, log)
        status, body = _get(f"{base}/assets/dxmap.js")
        assert status == 200 and body, "the packaged dxmap.js is not served"
        assert _get(f"{base}/assets/dxmap.css")[0] == 200
        assert _polygons_drawn(f"{base}/") > 0
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "gunicorn" in log.read_text()
    assert not list(venv.rglob("*.sqlite"))
