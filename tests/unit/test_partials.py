"""Partial sums add up to what ``aggregate`` computes from the finest rows, for every case."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.rollups.partials import FINAL_COLUMNS, combine, finalize, link_parts
from geodata.values.aggregate import aggregate


def _rows(rng: np.random.Generator, n: int, kind: str) -> pd.DataFrame:
    """Village-like rows: summable, value-only (a published figure), missing, mixed sources."""
    codes = [f"v{i:03d}" for i in range(n)]
    den = rng.integers(1, 400, n).astype(float)
    num = np.floor(den * rng.uniform(0.2, 1.1, n))
    shape = rng.choice(["both", "value", "none", "num"], n, p=[0.7, 0.1, 0.1, 0.1])
    value = np.where(shape == "value", rng.uniform(10, 100, n), np.nan)
    if kind == "count":
        value = np.where(shape == "value", np.floor(rng.uniform(0, 9, n)), np.nan)
    frame = pd.DataFrame(
        {
            "code": codes,
            "numerator": np.where(np.isin(shape, ["both", "num"]), num, np.nan),
            "denominator": np.where(shape == "both", den, np.nan),
            "value": value,
            "provenance": rng.choice(["synthetic", "published", "published"], n),
            "source": rng.choice(["dxmap_demo", "article", "import-3"], n),
        }
    )
    return frame[shape != "none"].reset_index(drop=True), codes


def _tree(rng: np.random.Generator, codes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Villages in communes, communes in two provinces (a leaf commune may be empty)."""
    communes = [f"c{i}" for i in range(9)]
    village_links = pd.DataFrame(
        {"code": codes, "parent_code": rng.choice(communes[:-1], len(codes)), "weight": 1.0}
    )
    commune_links = pd.DataFrame(
        {"code": communes, "parent_code": ["p1"] * 5 + ["p2"] * 4, "weight": 1.0}
    )
    return village_links, commune_links


def _hierarchical(rows, village_links, commune_links, kind) -> dict[str, pd.DataFrame]:
    communes = link_parts(rows, village_links, kind)
    provinces = combine(
        communes, commune_links.set_index("code").loc[communes.index, "parent_code"]
    )
    country = combine(provinces, ["VN"] * len(provinces))
    return {"commune": communes, "province": provinces, "country": country}


def _flat(rows, village_links, commune_links, kind) -> dict[str, pd.DataFrame]:
    to_province = village_links.merge(
        commune_links.rename(columns={"code": "parent_code", "parent_code": "province"})[
            ["parent_code", "province"]
        ],
        on="parent_code",
    )
    return {
        "commune": aggregate(rows, village_links, kind),
        "province": aggregate(
            rows,
            to_province[["code", "province"]].rename(columns={"province": "parent_code"}),
            kind,
        ),
        "country": aggregate(rows, village_links.assign(parent_code="VN"), kind),
    }


def _assert_same(parts: pd.DataFrame, flat: pd.DataFrame, kind: str) -> None:
    got = finalize(parts, kind).sort_index()
    want = flat.sort_index()
    assert list(got.index) == list(want.index)
    for column in FINAL_COLUMNS:
        a, b = got[column], want[column]
        if column in ("value", "numerator", "denominator"):
            np.testing.assert_allclose(a.astype(float), b.astype(float), rtol=1e-12, equal_nan=True)
        else:
            assert [None if pd.isna(x) else x for x in a] == [
                None if pd.isna(x) else x for x in b
            ], column


@pytest.mark.parametrize("kind", ["ratio", "share_of_villages", "count"])
@pytest.mark.parametrize("seed", range(6))
def test_partials_rolled_up_level_by_level_equal_the_flat_aggregate(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, codes = _rows(rng, 120, kind)
    village_links, commune_links = _tree(rng, codes)
    hierarchical = _hierarchical(rows, village_links, commune_links, kind)
    flat = _flat(rows, village_links, commune_links, kind)
    for level in ("commune", "province", "country"):
        _assert_same(hierarchical[level], flat[level], kind)


def test_a_lone_published_figure_passes_through_every_level_and_two_do_not() -> None:
    rows = pd.DataFrame(
        {
            "code": ["a", "b"],
            "numerator": [np.nan, np.nan],
            "denominator": [np.nan, np.nan],
            "value": [72.99, 50.0],
            "provenance": ["published", "published"],
            "source": ["article", "article"],
        }
    )
    links = pd.DataFrame({"code": ["a", "b", "c"], "parent_code": ["c1", "c2", "c2"]})
    communes = link_parts(rows, links, "ratio")
    final = finalize(communes, "ratio")
    assert final.at["c1", "value"] == 72.99 and final.at["c1", "provenance"] == "published"
    assert final.at["c2", "value"] == 50.0 and final.at["c2", "n_with_data"] == 1
    country = finalize(combine(communes, ["VN", "VN"]), "ratio")
    assert pd.isna(country.at["VN", "value"]) and country.at["VN", "n_with_data"] == 0


def test_a_split_unit_carried_by_weights_sums_its_shares() -> None:
    rows = pd.DataFrame(
        {
            "code": ["old"],
            "numerator": [30.0],
            "denominator": [40.0],
            "value": [np.nan],
            "provenance": ["synthetic"],
            "source": ["dxmap_demo"],
        }
    )
    links = pd.DataFrame(
        {"code": ["old", "old"], "parent_code": ["new1", "new2"], "weight": [0.25, 0.75]}
    )
    parts = link_parts(rows, links, "ratio")
    assert parts.at["new1", "part_num"] == 7.5 and parts.at["new2", "part_den"] == 30.0
    whole = finalize(combine(parts, ["P", "P"]), "ratio")
    assert whole.at["P", "value"] == pytest.approx(75.0)
    assert whole.at["P", "n_children"] == 2 and whole.at["P", "source"] == "dxmap_demo"
