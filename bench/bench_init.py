"""How long ``dxmap init`` takes per area, and where the time goes (a benchmark, not a test).

Run ``python bench/bench_init.py [brvt hcm vn] [--demo] [--profile]``: each area is loaded into a
fresh SQLite file in a temporary folder, and the wall time of the whole init and of its boundary
load is printed (with ``--profile``, the 15 most expensive calls too).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import tempfile
import time
from pathlib import Path

from app.settings import Settings
from geodata.areas.manifest import load_area
from geodata.bootstrap import init_store
from geodata.store.engine import make_engine

log = logging.getLogger("bench_init")


def bench(name: str, geodata_dir: Path | None, with_demo: bool, profile: bool) -> None:
    area = load_area(name, geodata_dir)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'dxmap.sqlite'}")
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = init_store(engine, area, with_demo=with_demo)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        engine.dispose()
    print(f"{name}: init {seconds:.1f} s; {len(report.findings)} findings")
    for step in report.steps:
        print(f"  {step}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("areas", nargs="*", default=["brvt", "hcm", "vn"])
    parser.add_argument("--demo", action="store_true", help="also generate the demo data")
    parser.add_argument("--profile", action="store_true", help="print the costliest calls")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in args.areas:
        bench(name, Settings().geodata_dir, args.demo, args.profile)


if __name__ == "__main__":
    main()
