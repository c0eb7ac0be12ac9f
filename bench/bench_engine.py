"""The store as the engine at national scale (not a test): ``python bench/bench_engine.py``.

For each backend (SQLite, PostgreSQL), builds the ``vn`` store with its synthetic demo (two
periods, or ``--periods 10``: about 11 million values), then measures what issue 15 asks:

- ``dxmap init`` and ``dxmap rollup`` (every roll-up rebuilt), the store's size;
- ``dxmap serve --workers 2``: seconds until it answers;
- over HTTP, each question first time (a new parameter set) and warm (the same again):
  ``/api/v1/vintages``, ``/indicators``, ``/units``, ``/values`` (a level of the country, a
  province's communes), the map's view callback (a page load and a drill-down into a province,
  on every period);
- in process, with the service's caches cold then warm: scorecards, trends, comparisons and
  gap registers (:mod:`bench.bench_analysis`);
- an import of one commune's villages (every indicator of the latest period): its commit, and
  the first answers after it on every worker (they must show the new numbers);
- committing 500 village rows; answers while a 150,000-row import commits under 8 clients;
- the workers' resident memory after all of it.

Writes ``bench/results/<date>-engine.md`` and ``.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repo

from bench.bench_analysis import questions as analysis_questions  # noqa: E402
from bench.engine_client import Client  # noqa: E402
from bench.report import machine, percentiles  # noqa: E402

log = logging.getLogger("bench.engine")
AREA = os.environ.get("DXMAP_BENCH_AREA", "vn")
PG_ADMIN = "postgresql+psycopg://root@/postgres?host=/var/run/postgresql"


def _ms(samples: list[float]) -> dict[str, float] | None:
    stats = percentiles(samples)
    return stats and {k: round(v, 1) for k, v in stats.items()}


def _dxmap() -> str:
    beside = Path(sys.executable).with_name("dxmap")
    return str(beside) if beside.exists() else (shutil.which("dxmap") or "dxmap")


def _env(url: str, periods: int | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DXMAP_")}
    env.update({"DXMAP_AREA": AREA, "DXMAP_DATABASE_URL": url, **extra})
    if periods:
        env["DXMAP_DEMO_PERIODS"] = str(periods)
    if os.environ.get("DXMAP_GEODATA_DIR"):
        env["DXMAP_GEODATA_DIR"] = os.environ["DXMAP_GEODATA_DIR"]
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([_dxmap(), *args], env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"dxmap {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the store ----------------------------------------------------------------------------------


def make_store(backend: str, work: Path, periods: int | None, keep: Path | None) -> dict[str, Any]:
    """Create the store (or reuse ``keep``); time init and a full roll-up rebuild."""
    if backend == "sqlite":
        path = keep or work / "dxmap-vn.sqlite"
        url = f"sqlite:///{path}"
    else:
        from sqlalchemy import create_engine, text

        name = f"dxmap_bench_{uuid.uuid4().hex[:6]}"
        admin = create_engine(
            os.environ.get("DXMAP_BENCH_PG_ADMIN", PG_ADMIN), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = os.environ.get("DXMAP_BENCH_PG_ADMIN", PG_ADMIN).replace("/postgres?", f"/{name}?")
    env = _env(url, periods)
    out: dict[str, Any] = {"url": url}
    if keep is None or not keep.exists():
        out["init_s"] = round(_run(["init"], env, work), 1)
    out["rollup_s"] = round(_run(["rollup"], env, work), 1)
    out["size_mb"] = round(_size(backend, url) / 2**20, 1)
    return out


def _size(backend: str, url: str) -> int:
    if backend == "sqlite":
        return Path(url[len("sqlite:///") :]).stat().st_size
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(size)


# -- the server ---------------------------------------------------------------------------------


class Served:
    """``dxmap serve --workers 2`` on a free port, timed until it answers."""

    def __init__(self, url: str, work: Path, periods: int | None) -> None:
        self.port = _free_port()
        self.log = work / f"serve-{self.port}.log"
        env = _env(url, periods, DXMAP_INSTANCE_DIR=str(work / "instance"))
        started = time.perf_counter()
        with self.log.open("w") as stream:
            self.process = subprocess.Popen(
                [_dxmap(), "serve", "--workers", "2", "--port", str(self.port)],
                env=env,
                cwd=work,
                stdout=stream,
                stderr=stream,
            )
        self.base = f"http://127.0.0.1:{self.port}"
        client = Client(self.base, timeout=5)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text()[-3000:])
            try:
                if client.get("/api/v1/vintages")[1].status_code == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        self.start_s = round(time.perf_counter() - started, 2)

    def rss_mb(self) -> list[float]:
        """The resident memory of each worker (MB)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        out = []
        for pid in pids:
            status = Path(f"/proc/{pid}/status")
            for line in status.read_text().splitlines() if status.exists() else ():
                if line.startswith("VmRSS:"):
                    out.append(round(int(line.split()[1]) / 1024, 1))
        return out

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# -- the questions ------------------------------------------------------------------------------


def _ask(client: Client, paths: list[str]) -> dict[str, Any]:
    first, warm = [], []
    for path in paths:
        ms, response = client.get(path)
        response.raise_for_status()
        first.append(ms)
    for path in paths:
        warm.append(client.get(path)[0])
    return {"first": _ms(first), "warm": _ms(warm)}


def http_questions(client: Client, rng: random.Random) -> dict[str, Any]:
    """The API's and the map's questions, first time and warm."""
    last = client.get("/api/v1/vintages")[1].json()["items"][-1]
    vintage, levels = last["key"], last["levels"]
    items = client.get("/api/v1/indicators")[1].json()["items"]
    indicators = [i["key"] for i in items]
    periods = sorted({p for i in items for p in i["periods"]})
    # "a level of the country": the level below the root; "a province's": the leaves under one
    # unit of it (at vn: the 34 provinces, and a province's communes).
    upper, leaf = (levels[1], levels[-1]) if len(levels) > 2 else (levels[0], levels[-1])
    units = client.get(f"/api/v1/units?vintage={vintage}&level={upper}")[1].json()["items"]
    parents = [u["code"] for u in units]
    pick = rng.sample(parents, min(6, len(parents)))
    out: dict[str, Any] = {}
    out["/api/v1/vintages, /indicators, /units"] = _ask(
        client,
        ["/api/v1/vintages", "/api/v1/indicators"]
        + [f"/api/v1/units?vintage={vintage}&level={leaf}&parent={p}" for p in pick],
    )
    values = []
    for n in range(24):
        key = indicators[n % len(indicators)]
        period = periods[(n // len(indicators)) % len(periods)]
        base = f"/api/v1/values?indicator={key}&period={period}&vintage={vintage}"
        values.append(
            f"{base}&level={upper}"
            if n % 2
            else f"{base}&level={leaf}&parent={rng.choice(parents)}"
        )
    out[f"/api/v1/values ({upper}s, a {upper}'s {leaf}s)"] = _ask(client, values)
    loads, drills, first_loads, first_drills = [], [], [], []
    for n in range(12):
        key, period = indicators[n % len(indicators)], periods[n % len(periods)]
        search = f"?indicator={key}&period={period}&vintage={vintage}"
        first_loads.append(client.view(search)[0])
        first_drills.append(client.view(f"{search}&unit={parents[n % len(parents)]}")[0])
        loads.append(client.view(search)[0])
    for n in range(12):
        key, period = indicators[n % len(indicators)], periods[n % len(periods)]
        search = f"?indicator={key}&period={period}&vintage={vintage}"
        drills.append(client.view(f"{search}&unit={parents[n % len(parents)]}")[0])
    out["view callback: page load (server)"] = {"first": _ms(first_loads), "warm": _ms(loads)}
    out[f"view callback: drill-down into a {upper} (server)"] = {
        "first": _ms(first_drills),
        "warm": _ms(drills),
    }
    return out


def in_process(url: str, rng: random.Random) -> dict[str, Any]:
    """Scorecards, trends, comparisons and gap registers with cold, then warm, caches."""
    from geodata.service.map_service import MapService
    from geodata.store.engine import make_engine

    engine = make_engine(url)
    service = MapService(engine)
    out = {}
    for name, calls in analysis_questions(service, rng).items():
        cold = []
        for call in calls:
            started = time.perf_counter()
            call()
            cold.append((time.perf_counter() - started) * 1000)
        warm = []
        for call in calls:
            started = time.perf_counter()
            call()
            warm.append((time.perf_counter() - started) * 1000)
        out[name] = {"first": _ms(cold), "warm": _ms(warm)}
    engine.dispose()
    return out


# -- imports ------------------------------------------------------------------------------------


def _villages(
    url: str, limit: int | None = None, commune: str | None = None
) -> list[tuple[str, str]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from geodata.store.engine import make_engine
    from geodata.store.models import VillageParent, Vintage

    engine = make_engine(url)
    with Session(engine) as session:
        newest = session.scalars(select(Vintage.key).order_by(Vintage.valid_from.desc())).first()
        query = (
            select(VillageParent.village_code, VillageParent.unit_code)
            .where(VillageParent.vintage_key == newest)
            .order_by(VillageParent.village_code)
        )
        if commune:
            query = query.where(VillageParent.unit_code == commune)
        rows = session.execute(query.limit(limit) if limit else query).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


KINDS: dict[str, str] = {}  # indicator -> kind, read from the API


def _csv(path: Path, villages: list[str], indicators: list[str], period: str, seed: int) -> int:
    """Write an import file: every village x indicator, the value's shape by the kind."""
    rng = random.Random(seed)
    lines = ["code,period,indicator,numerator,denominator,value"]
    for key in indicators:
        kind = KINDS.get(key, "ratio")
        for code in villages:
            if kind == "count":
                lines.append(f"{code},{period},{key},,,{rng.randint(0, 3)}")
            elif kind == "share_of_villages":
                lines.append(f"{code},{period},{key},{rng.randint(0, 1)},1,")
            else:
                den = rng.randint(50, 900)
                lines.append(f"{code},{period},{key},{rng.randint(0, den)},{den},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def imports(served: Served, url: str, work: Path, periods: int | None) -> dict[str, Any]:
    """Commit times; the first answers after an import on every worker; answers under load."""
    client = Client(served.base)
    items = client.get("/api/v1/indicators")[1].json()["items"]
    KINDS.update({i["key"]: i["kind"] for i in items})
    indicators = [i["key"] for i in items if i["finest_level"] == "village"]
    period = sorted({p for i in items for p in i["periods"]})[-1]
    vintage = client.get("/api/v1/vintages")[1].json()["items"][-1]["key"]
    env = _env(url, periods, DXMAP_MAX_UPLOAD_BYTES=str(64 * 2**20))
    out: dict[str, Any] = {}

    commune = _villages(url, limit=1)[0][1]
    mine = [code for code, _ in _villages(url, commune=commune)]
    one = work / "one-commune.csv"
    rows = _csv(one, mine, indicators, period, 1)
    province = client.get(f"/api/v1/units?vintage={vintage}&level=commune&parent=")[1]
    before = client.get(
        f"/api/v1/values?indicator={indicators[0]}&period={period}&vintage={vintage}&level=village&parent={commune}"
    )[1].json()
    out["import of one commune's villages (CLI, whole command)"] = {
        "rows": rows,
        "seconds": round(_run(["import", str(one), "--user", "bench"], env, work), 2),
    }
    firsts, changed = [], 0
    for _ in range(8):  # gunicorn spreads them over both workers
        ms, response = client.get(
            f"/api/v1/values?indicator={indicators[0]}&period={period}&vintage={vintage}&level=village&parent={commune}"
        )
        firsts.append(ms)
        changed += response.json()["items"] != before["items"]
    out["first answers after the import (a commune's villages, both workers)"] = {
        "first": _ms(firsts),
        "new_numbers": f"{changed}/8",
    }
    del province

    five = work / "five-hundred.csv"
    codes = [code for code, _ in _villages(url, limit=500)]
    rows = _csv(five, codes, indicators[:1], period, 2)
    from geodata.imports import import_file
    from geodata.store.engine import make_engine

    engine = make_engine(url)
    started = time.perf_counter()
    import_file(engine, five, "bench")
    out["commit of 500 village rows (in process, roll-ups included)"] = {
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
    }
    engine.dispose()
    out["answers while a 150k-row import commits, 8 clients"] = under_load(
        served, url, work, env, indicators, period, vintage
    )
    return out


def under_load(
    served: Served, url: str, work: Path, env: dict[str, str], indicators, period, vintage
) -> dict[str, Any]:
    """8 clients ask the API and the map while ``dxmap import`` commits 150,000 rows."""
    villages = [code for code, _ in _villages(url)]
    big = work / "big.csv"
    need = 150_000
    keys = indicators[: max(2, -(-need // len(villages)))]
    rows = _csv(big, villages, keys, period, 3)
    lines = big.read_text(encoding="utf-8").splitlines()[: need + 1]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stop = threading.Event()
    samples: list[float] = []
    failures: list[str] = []

    def ask(n: int) -> None:
        client = Client(served.base, timeout=60)
        rng = random.Random(n)
        while not stop.is_set():
            key = rng.choice(indicators)
            try:
                if n % 2:
                    ms, response = client.get(
                        f"/api/v1/values?indicator={key}&period={period}&vintage={vintage}&level=province"
                    )
                    response.raise_for_status()
                else:
                    ms, _ = client.view(f"?indicator={key}&period={period}&vintage={vintage}")
                samples.append(ms)
            except Exception as error:  # noqa: BLE001 - a timeout is a result here
                failures.append(type(error).__name__)

    threads = [threading.Thread(target=ask, args=(n,), daemon=True) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    seconds = _run(["import", str(big), "--user", "bench"], env, work)
    stop.set()
    for thread in threads:
        thread.join(70)
    return {
        "rows": min(rows, need),
        "import_s": round(seconds, 1),
        "answers": _ms(samples),
        "failures": len(failures),
    }


# -- the run ------------------------------------------------------------------------------------


def run_backend(backend: str, periods: int | None, keep: Path | None) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"dxmap-engine-{backend}-"))
    log.info("%s: building the store in %s", backend, work)
    result: dict[str, Any] = {"backend": backend, "periods": periods or "area's own"}
    result["store"] = make_store(backend, work, periods, keep)
    served = Served(result["store"]["url"], work, periods)
    result["serve_s"] = served.start_s
    log.info("%s: serving after %.1f s", backend, served.start_s)
    rng = random.Random(7)
    try:
        result["http"] = http_questions(Client(served.base), rng)
        result["analysis"] = in_process(result["store"]["url"], rng)
        result["imports"] = imports(served, result["store"]["url"], work, periods)
        result["http_after_import"] = http_questions(Client(served.base), random.Random(8))
        result["worker_rss_mb"] = served.rss_mb()
    finally:
        served.stop()
    return result


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"# dxmap engine bench, {AREA}, {results['date']}",
        "",
        f"Machine: {m['platform']}, {m['cpus']} CPUs, load average at the start "
        f"{m['load_average']}. Times in ms (p50 / p95) unless said; *first* is a question asked "
        "for the first time (new parameters, cold caches), *warm* the same again.",
        "",
    ]
    for run in results["runs"]:
        store = run["store"]
        lines += [
            f"## {run['backend']}, periods: {run['periods']}",
            "",
            f"- `dxmap init` (boundaries, demo, roll-ups): {store.get('init_s', 'reused')} s; "
            f"`dxmap rollup` (every roll-up rebuilt): {store['rollup_s']} s; store size "
            f"{store['size_mb']} MB",
            f"- `dxmap serve --workers 2` answers after {run['serve_s']} s",
            f"- worker RSS after everything below: {run['worker_rss_mb']} MB",
            "",
            "| question | first p50 / p95 | warm p50 / p95 |",
            "|---|---|---|",
        ]
        for group in ("http", "analysis", "http_after_import"):
            suffix = " (after imports)" if group == "http_after_import" else ""
            for name, q in run[group].items():
                first, warm = q["first"], q["warm"]
                lines.append(
                    f"| {name}{suffix} | {first['p50']} / {first['p95']} | "
                    f"{warm['p50']} / {warm['p95']} |"
                )
        lines += ["", "| import | result |", "|---|---|"]
        for name, q in run["imports"].items():
            lines.append(f"| {name} | {json.dumps(q)} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--periods", type=int, help="DXMAP_DEMO_PERIODS (default: the area's own)")
    parser.add_argument("--store", type=Path, help="SQLite: reuse (or build once at) this file")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--name", default="engine", help="result file name after the date")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "runs": [
            run_backend(b, args.periods, args.store if b == "sqlite" else None) for b in backends
        ],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{dt.date.today().isoformat()}-{args.name}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    log.info("written %s.md", stem)


if __name__ == "__main__":
    main()
