"""The bench runs and produces numbers (a smoke test of its code: no timing is asserted)."""

from __future__ import annotations

import json

from bench import run as bench


def test_the_bench_measures_dxmap_and_both_peers_on_brvt(tmp_path) -> None:
    result = bench.run(["brvt"], runs=1, out=tmp_path, port=8190)
    apps = result["areas"]["brvt"]["apps"]
    assert set(apps) == {"dxmap", "plotly", "leaflet"}
    for stats in apps.values():
        assert stats["first_ms"]["p50"] > 0 and stats["restyle_ms"]["p50"] > 0
        assert stats["restyle_callbacks"]["p50"] == 1
    assert apps["dxmap"]["drill_callbacks"]["p50"] == 1
    assert apps["dxmap"]["geometry_bytes"]["p50"] > 0
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".json", ".md"]
    saved = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert saved["machine"]["versions"]["dash"] and saved["runs"] == 1
