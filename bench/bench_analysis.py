"""Time the analysis answers at national scale (not a test): ``python bench/bench_analysis.py``.

Builds (or reuses, with ``--store``) a SQLite store of an area with its demo data (``vn`` by
default: 34 provinces, 3,321 communes, about 91,000 synthetic villages), then asks the service for
scorecards, trends, comparisons, rankings and gap registers of a sample of units, twice each: the
first answer is computed (cold), the second comes from the per-data-version cache (warm). Writes
``<out>/<date>-analysis-<area>.md`` and ``.json`` with p50 / p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the repo

from app.settings import Settings  # noqa: E402
from bench.report import machine, percentiles  # noqa: E402
from geodata.areas import load_area  # noqa: E402
from geodata.bootstrap import init_store  # noqa: E402
from geodata.service.map_service import MapService  # noqa: E402
from geodata.store.engine import make_engine  # noqa: E402

log = logging.getLogger("bench.analysis")
SAMPLE = 5  # units per question (cold answers at national scale take seconds each)


def _ms(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _rounded(samples: list[float]) -> dict[str, float] | None:
    stats = percentiles(samples)
    return stats and {key: round(value, 1) for key, value in stats.items()}


def questions(service: MapService, rng: random.Random) -> dict[str, list[Callable[[], Any]]]:
    """Return, per question, the calls to time (each a different unit or set of units)."""
    vintage = service.vintages()[-1]["key"]
    period = service.periods()[-1]
    indicator = service.indicators()[0]["key"]
    root = service.root(vintage)
    index = service.units_index(vintage)
    top = list(root["children"])
    leaves = [code for code, unit in index.items() if not unit.get("children")]
    leaf_level = index[leaves[0]]["level"]
    top_level = index[top[0]]["level"]
    # with no level between the root and the leaves, the names of the questions stay apart
    top_name = f"top {top_level}" if top_level == leaf_level else top_level
    a = service.analysis
    units = rng.sample(leaves, SAMPLE)
    parents = rng.sample(top, min(SAMPLE, len(top)))
    triples = [tuple(rng.sample(leaves, 3)) for _ in range(SAMPLE)]
    return {
        f"scorecard ({leaf_level})": [lambda c=c: a.scorecard(period, vintage, c) for c in units],
        f"scorecard ({top_name})": [lambda c=c: a.scorecard(period, vintage, c) for c in parents],
        f"trend ({leaf_level})": [lambda c=c: a.trend(c, vintage) for c in units],
        f"compare (3 × {leaf_level})": [lambda c=c: a.compare(c, period, vintage) for c in triples],
        f"ranking (every {leaf_level})": [
            lambda k=k["key"]: a.ranking(k, period, vintage, leaf_level)
            for k in service.indicators()[:SAMPLE]
        ],
        f"ranking (every {top_name})": [
            lambda k=k["key"]: a.ranking(k, period, vintage, top_level)
            for k in service.indicators()[:SAMPLE]
        ],
        f"gap register ({leaf_level}s of a {top_name})": [
            lambda p=p: a.gaps(indicator, period, vintage, leaf_level, p) for p in parents
        ],
        f"gap register (villages of a {leaf_level})": [
            lambda c=c: a.gaps("mobile_broadband_villages", period, vintage, "village", c)
            for c in units
        ],
    }


def run(area: str, store: Path | None, out: Path) -> dict[str, Any]:
    """Time every question cold and warm on ``area``; write and return the results."""
    settings = Settings()
    path = store or Path(tempfile.mkdtemp(prefix="dxmap-bench-")) / f"{area}.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    if store is None or not path.exists():
        started = time.perf_counter()
        init_store(engine, load_area(area, settings.geodata_dir), with_demo=True)
        log.info("store built in %.0f s: %s", time.perf_counter() - started, path)
    service = MapService(engine)
    rng = random.Random(7)
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "area": area,
        "machine": machine(),
        "questions": {},
    }
    for name, calls in questions(service, rng).items():
        cold = [_ms(call) for call in calls]
        warm = [_ms(call) for call in calls]
        result["questions"][name] = {"cold": _rounded(cold), "warm": _rounded(warm)}
        log.info("%s: cold %s, warm %s", name, result["questions"][name]["cold"], warm[:1])
    engine.dispose()
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{dt.date.today().isoformat()}-analysis-{area}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    stem.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    """Return the results as a Markdown table (ms, p50 / p95)."""
    m = result["machine"]
    lines = [
        f"# dxmap analysis answers, {result['area']}, {result['date']}",
        "",
        f"SQLite store with the demo data; {SAMPLE} units per question, each asked twice: cold "
        f"(computed) then warm (cached per data version). Machine: {m['platform']}, "
        f"{m['cpus']} CPUs, load average {m['load_average']}.",
        "",
        "| question | cold p50 / p95 (ms) | warm p50 / p95 (ms) |",
        "|---|---|---|",
    ]
    for name, q in result["questions"].items():
        cold, warm = q["cold"], q["warm"]
        lines.append(f"| {name} | {cold['p50']} / {cold['p95']} | {warm['p50']} / {warm['p95']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse the command line and run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--area", default="vn")
    parser.add_argument("--store", type=Path, help="reuse (or build once at) this SQLite file")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run(args.area, args.store, args.out)


if __name__ == "__main__":
    main()
