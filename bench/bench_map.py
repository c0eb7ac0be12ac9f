"""Map performance benchmarks (not timed tests): ``pytest bench/bench_map.py --benchmark-only``.

They measure what the design promises: geometry is sent once per level (and how big it is, raw
and gzipped), and an indicator change costs only a values round trip (restyle time and the
size of the hideout payload).
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from app.settings import Settings
from callbacks.map_view import map_frame
from callbacks.restyle import restyle
from geodata.analysis.classify import _breaks, classify
from geodata.areas.manifest import load_area
from geodata.bootstrap import init_store
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> MapService:
    geodata_dir = Settings().geodata_dir
    if geodata_dir is None:
        pytest.skip("boundary files not found (set DXMAP_GEODATA_DIR)")
    path = tmp_path_factory.mktemp("bench") / "dxmap.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    init_store(engine, load_area("brvt", Path(geodata_dir)))
    yield MapService(engine)
    engine.dispose()
    shutil.rmtree(path.parent, ignore_errors=True)


STATE = {
    "indicator": "fibre_households",
    "period": "2024",
    "vintage": "2020",
    "unit": None,
    "scheme": "jenks",
    "lang": "vi",
}


@pytest.mark.parametrize(
    ("vintage", "level", "parent"),
    [("2020", "district", "77"), ("2020", "commune", "752"), ("2025-07", "commune", "77")],
)
def test_geometry_payload_per_level(benchmark, service, vintage, level, parent) -> None:
    body, _ = service.geometry_json(vintage, level, parent)
    benchmark.extra_info["raw_bytes"] = len(body)
    benchmark.extra_info["gzip_bytes"] = len(gzip.compress(body, 6))
    benchmark(lambda: service.geometry_json(vintage, level, parent))  # cached after the first


@pytest.mark.parametrize("indicator", ["smartphone_households", "community_tech_teams"])
def test_indicator_change_restyle(benchmark, service, indicator) -> None:
    state = {**STATE, "indicator": indicator}
    frame = map_frame(state, service)
    out = benchmark(lambda: restyle(state, frame, service))
    payload = json.dumps(out["units_hideout"]).encode()
    benchmark.extra_info["hideout_bytes"] = len(payload)
    assert b"coordinates" not in payload


def test_fisher_jenks_uncached_on_503_villages(benchmark) -> None:
    values = {str(i): float((i * 37) % 101) for i in range(503)}

    def run() -> None:
        _breaks.cache_clear()
        classify(values, "jenks")

    benchmark(run)
