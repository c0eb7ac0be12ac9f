from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geodata.demo import generate as demo
from geodata.demo.options import DemoOptionsError

BRVT_DEMO = Path(__file__).parents[2] / "geodata" / "areas" / "data" / "brvt.toml"
OPTIONS = demo.calibrated_options(tomllib.loads(BRVT_DEMO.read_text("utf-8"))["demo"])
VINTAGES = (
    SimpleNamespace(key="2020", valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31)),
    SimpleNamespace(key="2025-01", valid_from=date(2025, 1, 1), valid_to=date(2025, 6, 30)),
    SimpleNamespace(key="2025-07", valid_from=date(2025, 7, 1), valid_to=None),
)


@pytest.fixture(scope="module")
def inputs(geodata_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 2020 leaf units (82 communes + Côn Đảo) and their successors, read from the files."""
    communes = gpd.read_file(geodata_dir / "brvt_communes_2020-2024_gadm41.geojson")
    districts = gpd.read_file(geodata_dir / "brvt_districts_2019-2024_dvhcvn.geojson")
    communes = communes.rename(columns={"district_code": "parent_code"}).assign(level="commune")
    con_dao = districts[districts["code"] == "755"].assign(level="district")
    columns = ["code", "name", "type", "level", "parent_code", "geometry"]
    units = pd.concat([communes[columns], con_dao[columns]], ignore_index=True)
    crosswalk = pd.read_csv(geodata_dir / "crosswalk_77_2024_to_2025-07.csv", dtype=str)
    successors = crosswalk.rename(
        columns={"code_2024": "code", "code_2025_03": "2025-01", "code_2025_07": "2025-07"}
    )
    return units, successors[["code", "2025-01", "2025-07"]]


@pytest.fixture(scope="module")
def data(inputs) -> demo.DemoData:
    return demo.generate_demo(*inputs, OPTIONS, VINTAGES)


def test_same_seed_gives_identical_output(inputs, data):
    again = demo.generate_demo(*inputs, OPTIONS, VINTAGES)
    pd.testing.assert_frame_equal(data.villages, again.villages)
    pd.testing.assert_frame_equal(data.parents, again.parents)
    pd.testing.assert_frame_equal(data.observations, again.observations)


def test_another_seed_gives_other_values(inputs, data):
    other = demo.generate_demo(*inputs, OPTIONS, VINTAGES, seed=OPTIONS.seed + 1)
    assert not np.array_equal(other.villages["lon"], data.villages["lon"])
    # ...but the calibrated province totals still hold.
    rows = other.observations
    fibre = rows[(rows["indicator_key"] == "fibre_households") & (rows["period"] == "2024")]
    fibre = fibre[fibre["level"] == "village"]
    assert 100 * fibre["numerator"].sum() / fibre["denominator"].sum() == pytest.approx(
        105, abs=0.01
    )


def test_503_villages_six_in_phuoc_hung_ten_on_con_dao(data):
    villages = data.villages
    assert len(villages) == 503
    assert villages["code"].is_unique
    assert (villages["unit_code"] == "26677").sum() == 6
    assert (villages["unit_code"] == "755").sum() == 10
    # every 2020 leaf unit has villages, codes are "<unit>-<nn>"
    assert villages["unit_code"].nunique() == 83
    assert all(
        c.startswith(f"{u}-") for c, u in zip(villages["code"], villages["unit_code"], strict=True)
    )


def test_urban_wards_have_bigger_villages_than_rural_communes(data):
    mean = data.villages.groupby("unit_type")["households"].mean()
    assert mean["Phường"] > mean["Xã"]


def _rates(data: demo.DemoData, by: str | None = None) -> pd.DataFrame:
    rows = data.observations
    rows = rows[(rows["level"] == "village") & rows["denominator"].notna()]
    if by is not None:
        rows = rows.merge(data.villages[["code", by]], on="code")
    keys = ["indicator_key", "period"] + ([by] if by else [])
    sums = rows.groupby(keys)[["numerator", "denominator"]].sum()
    return 100 * sums["numerator"] / sums["denominator"]


def test_urban_areas_score_higher_than_remote_and_island_ones(data):
    rates = _rates(data, "district_code")
    for indicator in ("eid_adults", "fibre_households", "cashless_merchants"):
        vung_tau = rates[(indicator, "2024", "747")]
        assert vung_tau > rates[(indicator, "2024", "751")]  # Xuyên Mộc
        assert vung_tau > rates[(indicator, "2024", "755")]  # Côn Đảo


def test_2023_lower_and_2025_higher_than_2024(data):
    rates = _rates(data)
    for indicator in demo.RATIO_INDICATORS:
        assert rates[(indicator, "2023")] < rates[(indicator, "2024")] < rates[(indicator, "2025")]


def test_village_names_follow_the_unit_type(data):
    v = data.villages.set_index("code")
    assert v.loc["26506-01", "name"] == "Khu phố 1"  # Phường 1
    assert v.loc["26677-06", "name"] == "Ấp 6"  # Xã Phước Hưng
    assert v.loc["26574-01", "name"] == "Thôn 1"  # Xã Bàu Chinh, Châu Đức
    assert v.loc["755-01", "name"].startswith("Khu dân cư")


def test_points_lie_inside_their_2020_unit(inputs, data):
    units = inputs[0].set_index("code")
    v = data.villages
    geoms = units.loc[v["unit_code"], "geometry"].to_numpy()
    inside = shapely.contains_xy(geoms, v["lon"].to_numpy(), v["lat"].to_numpy())
    assert inside.all(), v.loc[~inside, "code"].tolist()


def test_parents_in_three_vintages_follow_the_crosswalk(data):
    parents = data.parents.pivot(index="village_code", columns="vintage_key", values="unit_code")
    assert parents.notna().all().all()
    assert parents.loc["755-01"].tolist() == ["755", "755", "26732"]
    assert parents.loc["26677-01"].tolist() == ["26677", "26677", "26662"]
    assert parents.loc["26701-01", "2025-01"] == "26686"  # Lộc An merged into Phước Hội
    assert parents["2025-07"].nunique() == 30


def test_every_ratio_numerator_within_its_denominator_except_fibre(data):
    rows = data.observations
    rows = rows[(rows["level"] == "village") & rows["denominator"].notna()]
    over = rows[rows["numerator"] > rows["denominator"]]
    assert set(over["indicator_key"]) == {"fibre_households"}
    assert (rows["numerator"] >= 0).all() and (rows["denominator"] > 0).all()
    assert (rows["numerator"] == rows["numerator"].round()).all()


def test_synthetic_and_published_rows_are_labelled(data):
    rows = data.observations
    synthetic = rows[rows["provenance"] == "synthetic"]
    published = rows[rows["provenance"] == "published"]
    assert set(synthetic["source_key"]) == {"dxmap_demo"}
    assert set(published["source_key"]) == {"article_brvt_2024_10_15"}
    assert set(published["code"]) == {"77", "26677"}
    assert published["numerator"].isna().all() and published["denominator"].isna().all()
    assert not rows.duplicated(["indicator_key", "period", "level", "code"]).any()


def test_2023_has_villages_without_mobile_broadband(data):
    rows = data.observations
    bb = rows[(rows["indicator_key"] == "mobile_broadband_villages") & (rows["level"] == "village")]
    uncovered = bb[bb["numerator"] == 0]
    assert set(uncovered["period"]) == {"2023"}
    assert 15 <= len(uncovered) <= 25
    # the gaps are in remote rural communes (Châu Đức, Xuyên Mộc, Côn Đảo)
    district = data.villages.set_index("code")["district_code"]
    assert set(district[uncovered["code"]]) <= {"750", "751", "755"}


def test_integerize_hits_total_within_caps():
    rng = np.random.default_rng(1)
    cap = rng.integers(50, 500, 200)
    real = cap * rng.uniform(0.5, 1.0, 200)
    total = int(real.sum()) + 7
    out = demo.integerize(real, total, cap)
    assert out.sum() == total
    assert (out <= cap).all() and (out >= 0).all()
    with pytest.raises(ValueError):
        demo.integerize(real, int(cap.sum()) + 1, cap)


def test_calibrate_capped_keeps_the_spatial_order():
    den = np.full(5, 1000)
    out = demo.calibrate_capped(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]), den, 3000)
    assert out.sum() == 3000
    assert (np.diff(out) > 0).all()
    assert demo.calibrate_capped(np.zeros(3), np.array([5, 6, 7]), 18).tolist() == [5, 6, 7]


def test_allocation_sums_to_total_and_respects_fixed_units(inputs):
    units = inputs[0].assign(area_km2=[g.area * 12000 for g in inputs[0]["geometry"]])
    counts = demo.allocate_villages(units, OPTIONS.villages_total, dict(OPTIONS.fixed))
    assert counts.sum() == 503
    assert counts["26677"] == 6
    assert counts.min() >= 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.pop("seed"), r"\[demo\] seed: missing"),
        (lambda t: t.update(villages_total="many"), r"\[demo\] villages_total: bad value"),
        (lambda t: t["published"].pop("period"), r"\[demo.published\] period: missing"),
        (lambda t: t["published"]["root"].pop("code"), r"\[demo.published.root\] code: missing"),
    ],
)
def test_a_bad_demo_table_is_refused_naming_the_table_and_key(change, message):
    table = tomllib.loads(BRVT_DEMO.read_text("utf-8"))["demo"]
    change(table)
    with pytest.raises(DemoOptionsError, match=message):
        demo.calibrated_options(table)
