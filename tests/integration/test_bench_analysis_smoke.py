"""The analysis bench runs and produces numbers (a smoke test of its code: no timing asserted)."""

from __future__ import annotations

import json

from bench import bench_analysis


def test_the_analysis_bench_times_every_question_cold_and_warm_on_brvt(tmp_path) -> None:
    result = bench_analysis.run("brvt", tmp_path / "brvt.sqlite", tmp_path / "out")
    assert len(result["questions"]) == 8
    for name, timings in result["questions"].items():
        for kind in ("cold", "warm"):
            assert timings[kind]["n"] >= 1 and timings[kind]["p50"] >= 0, (name, kind)
    written = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert written == [".json", ".md"]
    md = next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")
    assert md.count("\n| ") == 1 + len(result["questions"])  # the header row, one per question
    assert json.loads(next((tmp_path / "out").glob("*.json")).read_text())["area"] == "brvt"
