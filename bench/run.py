"""Measure dxmap beside the usual Dash ways, in headless Chromium, on the same data.

    python bench/run.py                    # brvt (and vn when that area loads), 20 runs
    python bench/run.py --area brvt --runs 2 --out /tmp/bench

Writes ``<out>/<date>.md`` and ``<out>/<date>.json`` (machine, versions, date, p50/p95 of each
metric and each peer's ratio to dxmap). Metrics: first choropleth with a cold profile (navigation
start → every unit drawn and filled), restyle (classification radio → repainted), drill-down
(dxmap only), the callback's HTTP round trip, values and geometry bytes (as transferred, gzip),
JS heap after load, server callbacks per interaction.

Times are read on the page's own clock (bench/net.js): from navigation start or from the click
event, to the first animation frame that showed the expected drawing. The driver's round trips
(find, click, poll) are not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.common.actions.action_builder import ActionBuilder  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from bench import peers  # noqa: E402
from bench.report import machine, percentiles  # noqa: E402

log = logging.getLogger("bench")
CHROMIUM = "/usr/bin/chromium"
NET = (REPO / "bench" / "net.js").read_text(encoding="utf-8")
SHAPES = {
    "dxmap": "#map path.dxmap-unit",
    "leaflet": "#map path.peer-unit",
}
FILLS = """
const els = [...document.querySelectorAll(arguments[0])];
return els.length + '|' + els.map(e => e.getAttribute('fill')).join(',');
"""
PLOT = """
const gd = document.querySelector('#map .js-plotly-plot');
if (!gd || !gd.data || !document.querySelector('#map canvas')) return '0|';
const n = gd.data.reduce((s, t) => s + (t.locations || []).length, 0);
return n + '|' + gd.data.map(t => t.name + ':' + (t.locations || []).length).join(',');
"""
PROBE = "return window.dxmapProbe ? window.dxmapProbe.fills(arguments[0]) : '0|'"
POSTS = "_dash-update-component"
INSIDE = """
const el = document.querySelector(arguments[0]);
if (!el) return null;
const r = el.getBoundingClientRect();
for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const x = Math.round(r.left + (r.width * i) / 12), y = Math.round(r.top + (r.height * j) / 12);
    if (document.elementFromPoint(x, y) === el) return [x, y];
}
return null;
"""


def browser(watch: tuple[str, str] | None = None) -> webdriver.Chrome:
    """Start a cold Chromium; ``watch`` ([kind, selector]) arms net.js's frame watcher."""
    options = Options()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--enable-precise-memory-info",
        f"--user-data-dir={tempfile.mkdtemp(prefix='dxmap-bench-')}",  # a cold profile
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options)
    if watch is not None:
        armed = f"window.__benchWatch = {json.dumps(list(watch))};"
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": armed})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NET})
    return driver


WATCHED = {"plotly": ("plotly", ""), "dxmap": ("dxmap", "units-layer")}


def watched(kind: str) -> tuple[str, str]:
    """What net.js's frame watcher reads for ``kind`` (the same as :func:`signature`)."""
    return WATCHED.get(kind) or (kind, SHAPES[kind])


def frame_time(driver, ok, since: float = 0.0) -> float:
    """Return the page's time of the first animation frame after ``since`` that showed ``ok``.

    Call it once :func:`until` has seen the drawing: the frame log holds every signature the
    page showed, with its frame's time, so the driver's polling delay is not measured.
    """
    frames = driver.execute_script(
        "return (window.__frames || []).filter(f => f[0] >= arguments[0])", since
    )
    for time_ms, raw in frames:
        count, _, rest = raw.partition("|")
        if ok((int(count), rest)):
            return float(time_ms)
    raise RuntimeError("the frame watcher never saw the drawing the driver saw")


def last_click(driver) -> float:
    """Return the page's time of the last click event (the user's action starts there)."""
    return float(driver.execute_script("return window.__clicks[window.__clicks.length - 1]"))


def serve(app: Any, port: int) -> str:
    threading.Thread(target=lambda: app.server.run(port=port, threaded=True), daemon=True).start()
    time.sleep(0.5)
    return f"http://127.0.0.1:{port}/"


def signature(driver: webdriver.Chrome, kind: str) -> tuple[int, str]:
    if kind == "plotly":
        raw = driver.execute_script(PLOT)
    elif kind == "dxmap":  # on a canvas too (the country): what the layers were given to draw
        raw = driver.execute_script(PROBE, "units-layer")
    else:
        raw = driver.execute_script(FILLS, SHAPES[kind])
    count, _, rest = raw.partition("|")
    return int(count), rest


def until(driver, kind: str, ok, timeout: float = 60) -> float:
    """Poll until ``ok(signature)``; return the page's clock (ms) at that moment."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ok(signature(driver, kind)):
            return float(driver.execute_script("return performance.now()"))
        time.sleep(0.01)
    raise TimeoutError(f"{kind}: never reached the expected drawing")


def filled(n: int):
    return lambda sig: (
        sig[0] == n and not any(mark in sig[1] for mark in ("#c9c9c9", "null", "undefined"))
    )


def restyled(before: tuple[int, str], n: int):
    return lambda sig: sig[0] == n and sig != before


def settle(driver, quiet: float = 0.4) -> None:
    last, still = None, time.monotonic()
    while time.monotonic() - still < quiet:
        now = driver.execute_script("return [window.__net.pending, window.__net.done.length]")
        if now != last or now[0]:
            last, still = now, time.monotonic()
        time.sleep(0.05)


def entries(driver, since: int = 0) -> list[dict[str, Any]]:
    return driver.execute_script(
        "return performance.getEntriesByType('resource').slice(arguments[0]).map(e => ("
        "{name: e.name, duration: e.duration, bytes: e.encodedBodySize}))",
        since,
    )


def pick_scheme(driver, scheme: str) -> float:
    t0 = float(driver.execute_script("return performance.now()"))
    driver.find_element(By.CSS_SELECTOR, f"#scheme input[value='{scheme}']").click()
    return t0


def measure(kind: str, url: str, n_units: int, runs: int, drill: dict | None) -> dict:
    """Return lists of samples per metric for one app."""
    out: dict[str, list[float]] = {key: [] for key in METRICS}
    out["failed_runs"] = []
    for run in range(runs):
        driver = browser(watched(kind))
        try:
            _one_run(driver, kind, url, n_units, run, drill, out)
        except Exception as exc:  # a run that never finished is counted, not fatal
            log.warning("%s run %d failed: %s", kind, run, exc)
            out["failed_runs"].append(run)
        finally:
            driver.quit()
    return out


def _one_run(driver, kind: str, url: str, n_units: int, run: int, drill, out) -> None:
    """Measure one cold run of one app into ``out``."""
    driver.execute_script("performance.setResourceTimingBufferSize(100000)")
    driver.get(url)
    until(driver, kind, filled(n_units))
    settle(driver)
    out["first_ms"].append(frame_time(driver, filled(n_units)))
    loaded = entries(driver)
    out["load_callbacks"].append(sum(POSTS in e["name"] for e in loaded))
    geo = [e for e in loaded if "/geo/" in e["name"] or POSTS in e["name"]]
    out["geometry_bytes"].append(
        sum(e["bytes"] for e in geo if kind != "dxmap" or "/geo/" in e["name"])
    )
    heap = driver.execute_cdp_cmd("Runtime.getHeapUsage", {})
    out["heap_mb"].append(heap["usedSize"] / 2**20)
    for scheme in ("equal", "jenks", "quantiles")[: 3 if run == 0 else 1]:
        before = signature(driver, kind)
        mark = len(entries(driver))
        pick_scheme(driver, scheme)
        changed = restyled(before, n_units)
        until(driver, kind, changed)
        settle(driver)
        t0 = last_click(driver)
        new = entries(driver, mark)
        posts = [e for e in new if POSTS in e["name"]]
        out["restyle_ms"].append(frame_time(driver, changed, t0) - t0)
        out["restyle_callbacks"].append(len(posts))
        out["round_trip_ms"] += [e["duration"] for e in posts]
        out["values_bytes"].append(sum(e["bytes"] for e in posts))
    if drill:
        mark = len(entries(driver))
        point = driver.execute_script(
            INSIDE, f"{SHAPES[kind]}[data-code='{drill['code']}']"
        ) or driver.execute_script(  # a canvas has no element per unit: its label point
            "return window.dxmapProbe.pointOf(arguments[0], arguments[1])",
            "units-layer",
            drill["code"],
        )
        actions = ActionBuilder(driver)
        actions.pointer_action.move_to_location(*point).click()
        actions.perform()
        until(driver, kind, filled(drill["units"]))
        settle(driver)
        t0 = last_click(driver)
        new = entries(driver, mark)
        out["drill_ms"].append(frame_time(driver, filled(drill["units"]), t0) - t0)
        out["drill_callbacks"].append(sum(POSTS in e["name"] for e in new))


METRICS = {
    "first_ms": "first choropleth, cold profile (ms)",
    "restyle_ms": "restyle, control → repainted (ms)",
    "drill_ms": "drill-down, click → repainted (ms)",
    "round_trip_ms": "callback HTTP round trip (ms)",
    "values_bytes": "values per change (bytes, gzip)",
    "geometry_bytes": "geometry at first view (bytes, gzip)",
    "heap_mb": "JS heap after load (MB)",
    "load_callbacks": "server callbacks: page load",
    "restyle_callbacks": "server callbacks: restyle",
    "drill_callbacks": "server callbacks: drill-down",
}


def area_data(area: str, workdir: Path) -> dict[str, Any] | None:
    """Build a store for ``area``; return the dxmap app and the data of its first view."""
    from app.factory import create_app, make_choices
    from app.settings import Settings
    from callbacks.map_view import map_frame
    from callbacks.view_state import default_state

    extra = {} if area == "brvt" else {"area": area}
    try:
        settings = Settings(
            database_url=f"sqlite:///{workdir / f'{area}.sqlite'}", instance_dir=workdir, **extra
        )
        app = create_app(settings)
    except Exception as exc:  # the area is not loadable (yet): say so, bench the rest
        log.warning("area %s skipped: %s", area, exc)
        return {"skipped": f"{type(exc).__name__}: {exc}"}
    service = app.server.extensions["dxmap.service"]
    view = default_state(make_choices(service, settings))
    frame = map_frame(view, service)
    geojson = json.loads(
        service.geometry_json(frame["vintage"], frame["level"], frame["parent"])[0]
    )
    records = service.values(
        view["indicator"], view["period"], view["vintage"], frame["level"], frame["parent"]
    )
    values = {code: rec.get("value") for code, rec in records.items()}
    child = next(
        (
            u
            for u in service.units_index(view["vintage"]).values()
            if u["parent_code"] == frame["parent"] and u["children"]
        ),
        None,
    )
    drill = {"code": child["code"], "units": len(child["children"])} if child else None
    return {"app": app, "geojson": geojson, "values": values, "drill": drill}


def run(
    areas: list[str],
    runs: int,
    out: Path,
    port: int = 8170,
    only: tuple[str, ...] = ("dxmap", "plotly", "leaflet"),
) -> dict[str, Any]:
    """Run the bench; write the .md and .json results; return the results."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="dxmap-bench-data-"))
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "machine": machine(),
        "areas": {},
    }
    for area in areas:
        data = area_data(area, work)
        if "skipped" in data:
            result["areas"][area] = {"skipped": data["skipped"]}
            continue
        n = len(data["geojson"]["features"])
        apps = {
            "dxmap": (data["app"], data["drill"]),
            "plotly": (peers.plotly_app(data["geojson"], data["values"]), None),
            "leaflet": (
                peers.leaflet_app(
                    data["geojson"], data["values"], str(REPO / "bench" / "peer_assets")
                ),
                None,
            ),
        }
        area_result: dict[str, Any] = {"units": n, "apps": {}}
        for kind, (app, drill) in apps.items():
            if kind not in only:
                continue
            url = serve(app, port)
            port += 1
            log.info("%s / %s: %d runs", area, kind, runs)
            samples = measure(kind, url, n, runs, drill)
            failed = samples.pop("failed_runs")
            area_result["apps"][kind] = {key: percentiles(v) for key, v in samples.items()}
            area_result["apps"][kind]["failed_runs"] = len(failed)
        dx = area_result["apps"].get("dxmap", {})
        area_result["ratios"] = {
            peer: {
                key: round(stats["p50"] / dx[key]["p50"], 2)
                for key, stats in area_result["apps"][peer].items()
                if isinstance(stats, dict) and isinstance(dx.get(key), dict) and dx[key]["p50"]
            }
            for peer in ("plotly", "leaflet")
            if peer in area_result["apps"]
        }
        result["areas"][area] = area_result
    out.mkdir(parents=True, exist_ok=True)
    stem = dt.date.today().isoformat()
    (out / f"{stem}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    (out / f"{stem}.md").write_text(markdown(result), encoding="utf-8")
    return result


def _cell(stats: dict | None) -> str:
    if not stats:
        return "—"
    return (
        f"{stats['p50']:,.0f} / {stats['p95']:,.0f}"
        if stats["p50"] >= 10
        else (f"{stats['p50']:.1f} / {stats['p95']:.1f}")
    )


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# dxmap bench, {result['date']}",
        "",
        f"{result['runs']} runs per app; p50 / p95. Machine: {result['machine']['platform']}, "
        f"{result['machine']['cpus']} CPUs, load average {result['machine']['load_average']}; "
        f"versions {result['machine']['versions']}.",
        "",
    ]
    for area, data in result["areas"].items():
        lines.append(f"## {area}")
        if "skipped" in data:
            lines += ["", f"Skipped: {data['skipped']}", ""]
            continue
        lines += [
            "",
            f"{data['units']} units at the first view.",
            "",
            "| metric | dxmap | px.choropleth_map | naive dash-leaflet |",
            "|---|---|---|---|",
        ]
        for key, label in METRICS.items():
            cells = [
                _cell(data["apps"].get(kind, {}).get(key))
                for kind in ("dxmap", "plotly", "leaflet")
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        failed = {kind: data["apps"][kind]["failed_runs"] for kind in data["apps"]}
        lines += [
            f"| runs that never finished drawing (of {result['runs']}) | "
            + " | ".join(str(failed.get(k, "—")) for k in ("dxmap", "plotly", "leaflet"))
            + " |",
            "",
            "Peer ÷ dxmap (p50): " + json.dumps(data["ratios"]),
            "",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--area", action="append", help="brvt, vn (default: both)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--apps", default="dxmap,plotly,leaflet", help="which apps to measure")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    only = tuple(args.apps.split(","))
    result = run(args.area or ["brvt", "vn"], args.runs, args.out, args.port, only)
    log.info("%s", markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
