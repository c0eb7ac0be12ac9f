"""The browser's class breaks are mapclassify's: quantiles, equal interval, Fisher-Jenks and
"against target", on the same values (``assets/dxmap-classify.js`` beside
``geodata/analysis/classify.py``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from geodata.analysis.classify import classify

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SCRIPTS = ("dxmap-1-ckmeans.js", "dxmap-classify.js")


def _value_sets() -> list[tuple[str, dict[str, float | None]]]:
    rng = np.random.default_rng(11)
    sets = []
    for n in (6, 23, 90, 400):
        values = rng.normal(70, 15, n).round(2)
        sets.append((f"normal-{n}", values))
    sets.append(("skewed-300", rng.lognormal(3, 0.8, 300)))
    sets.append(("ties-200", rng.choice([0.0, 50.0, 87.5, 100.0, 104.2], 200)))
    sets.append(("few-distinct", np.array([95.14, 95.14, 95.15, 95.15, 95.14, 95.15])))
    sets.append(("counts-150", rng.integers(0, 12, 150).astype(float)))
    sets.append(("shares-90", 100 * rng.integers(0, 30, 90) / 30))
    out = []
    for name, values in sets:
        record: dict[str, float | None] = {f"u{i:04d}": float(v) for i, v in enumerate(values)}
        record["nodata1"] = None
        out.append((name, record))
    return out


@pytest.fixture
def page(dash_duo, tmp_path: Path):
    """A blank page holding the two scripts (no app: the classification is pure)."""
    scripts = "".join(f'<script src="{(ASSETS / s).as_uri()}"></script>' for s in SCRIPTS)
    html = tmp_path / "classify.html"
    html.write_text(f"<!doctype html><html><body>{scripts}</body></html>", encoding="utf-8")
    dash_duo.driver.get(html.as_uri())
    return dash_duo.driver


def _browser(driver, values, scheme: str, k: int, met=None) -> dict:  # noqa: ANN001
    return driver.execute_script(
        "return window.dxmapClassify.classify(JSON.parse(arguments[0]), arguments[1], "
        "arguments[2], JSON.parse(arguments[3]));",
        json.dumps(values),
        scheme,
        k,
        json.dumps(met or {}),
    )


@pytest.mark.parametrize("scheme", ["quantiles", "equal", "jenks"])
def test_the_browser_breaks_are_those_of_mapclassify(page, scheme: str) -> None:
    compared = 0
    for name, values in _value_sets():
        for k in (3, 5, 7):
            python = classify(values, scheme, k)
            browser = _browser(page, values, scheme, k)
            assert len(browser["breaks"]) == len(python.breaks), (name, k)
            for a, b in zip(browser["breaks"], python.breaks, strict=True):
                assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9), (name, k, browser, python)
            assert browser["classes"] == python.classes, (name, k)
            assert browser["counts"] == list(python.counts), (name, k)
            assert browser["noData"] == python.no_data == 1
            assert browser["minimum"] == python.minimum
            compared += 1
    assert compared == 27


def test_against_target_classifies_met_not_met_and_no_data_alike(page) -> None:
    values = {"a": 91.0, "b": 80.0, "c": None, "d": 95.0, "e": 70.0}
    met = {"a": True, "b": False, "c": None, "d": True}  # e has no verdict (no target)
    python = classify(values, "target", met=met)
    browser = _browser(page, values, "target", 5, met)
    assert browser["classes"] == python.classes == {"a": 1, "b": 0, "c": None, "d": 1, "e": None}
    assert browser["counts"] == list(python.counts) and browser["noData"] == python.no_data == 2
