"""The synthetic demo on real areas: the 168 communes of TP Hồ Chí Minh, BR-VT's three vintages."""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
import shapely
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from geodata.areas.manifest import load_area
from geodata.catalogue.indicators import load_catalogue
from geodata.demo import load_demo
from geodata.store.engine import create_schema, make_engine
from geodata.store.models import Indicator, Observation, Unit, Village, VillageParent, Vintage

CON_DAO = "26732"  # Đặc khu Côn Đảo, 180 km off the coast


@dataclass(frozen=True)
class HcmVintage:
    key: str = "2025-07"
    valid_from: date = date(2025, 7, 1)
    valid_to: date | None = None
    levels: tuple[str, ...] = ("province", "commune")


@dataclass(frozen=True)
class HcmArea:
    key: str = "hcm"
    demo: str = "synthetic"
    demo_options: dict[str, Any] = field(default_factory=dict)
    vintages: tuple[HcmVintage, ...] = (HcmVintage(),)


@pytest.fixture(scope="module")
def hcm(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path):
    communes = pyogrio.read_dataframe(
        geodata_dir / "vn" / "vn_communes_2025-07_sapnhap.geojson", where="parent_code = '79'"
    )
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('hcm') / 'dxmap.sqlite'}")
    create_schema(engine)
    rows = [
        {
            "vintage_key": "2025-07",
            "code": "79",
            "name": "Thành phố Hồ Chí Minh",
            "type": "Thành phố",
            "level": "province",
            "parent_code": None,
            "search_key": "thanh pho ho chi minh",
        }
    ]
    for r in communes.itertuples():
        wkb = shapely.to_wkb(r.geometry)
        rows.append(
            {
                "vintage_key": "2025-07",
                "code": r.code,
                "name": r.name,
                "type": r.type,
                "level": "commune",
                "parent_code": "79",
                "search_key": r.name.lower(),
                "geometry": wkb,
                "display_geometry": wkb,
            }
        )
    with Session(engine) as session, session.begin():
        load_catalogue(session)
        session.add(
            Vintage(
                key="2025-07",
                name_vi="2025-07",
                name_en="2025-07",
                valid_from=date(2025, 7, 1),
                valid_to=None,
                levels="province,commune",
            )
        )
        session.flush()
        session.execute(insert(Unit), rows)
        message = load_demo(session, HcmArea())
    assert "villages (synthetic)" in message
    yield engine, communes.set_index("code")
    engine.dispose()


def test_every_commune_of_hcm_has_20_to_40_villages_inside_it(hcm):
    engine, communes = hcm
    with Session(engine) as session:
        rows = session.execute(
            select(Village.code, Village.lon, Village.lat, VillageParent.unit_code).join(
                VillageParent, VillageParent.village_code == Village.code
            )
        ).all()
    villages = pd.DataFrame(rows, columns=["code", "lon", "lat", "unit"])
    counts = villages.groupby("unit").size()
    assert len(counts) == len(communes) == 168
    assert counts.between(20, 40).all()
    assert 168 * 20 < len(villages) < 168 * 40
    geoms = communes.loc[villages["unit"], "geometry"].to_numpy()
    assert shapely.contains_xy(geoms, villages["lon"].to_numpy(), villages["lat"].to_numpy()).all()


def test_every_indicator_for_each_year_since_2025_up_to_today(hcm):
    engine, _ = hcm
    years = [str(y) for y in range(2025, date.today().year + 1)]
    with Session(engine) as session:
        villages = session.scalar(select(func.count()).select_from(Village))
        kinds = dict(session.execute(select(Indicator.key, Indicator.finest_level)).all())
        found = session.execute(
            select(Observation.indicator_key, Observation.period, func.count()).group_by(
                Observation.indicator_key, Observation.period
            )
        ).all()
        provenance = set(session.scalars(select(Observation.provenance).distinct()))
    counts = {(k, p): n for k, p, n in found}
    assert set(counts) == {(k, p) for k in kinds for p in years}
    for (key, _), n in counts.items():
        assert n == (villages if kinds[key] == "village" else 1), key
    assert provenance == {"synthetic"}


def test_con_dao_off_the_coast_scores_below_the_city_wards(hcm):
    engine, communes = hcm
    wards = set(communes.index[communes["type"] == "Phường"])
    with Session(engine) as session:
        rows = session.execute(
            select(VillageParent.unit_code, Observation.numerator, Observation.denominator)
            .join(VillageParent, VillageParent.village_code == Observation.code)
            .where(Observation.indicator_key == "eid_adults", Observation.period == "2025")
        ).all()
    frame = pd.DataFrame(rows, columns=["unit", "num", "den"]).groupby("unit").sum()
    rate = frame["num"] / frame["den"]
    assert rate[CON_DAO] < rate[rate.index.isin(wards)].quantile(0.1)


@pytest.fixture(scope="module")
def brvt_synthetic(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path):
    """The BR-VT store (three vintages and their crosswalk) with the synthetic demo instead."""
    from geodata.bootstrap import init_store

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('brvt') / 'dxmap.sqlite'}")
    area = dataclasses.replace(load_area("brvt", geodata_dir), demo="synthetic", demo_options={})
    init_store(engine, area)
    yield engine
    engine.dispose()


def test_synthetic_villages_follow_their_commune_through_every_vintage(
    brvt_synthetic, geodata_dir: Path
):
    with (geodata_dir / "crosswalk_77_2024_to_2025-07.csv").open(encoding="utf-8") as handle:
        successor = {row["code_2024"]: row["code_2025_07"] for row in csv.DictReader(handle)}
    with Session(brvt_synthetic) as session:
        parents = pd.DataFrame(
            session.execute(
                select(
                    VillageParent.village_code, VillageParent.vintage_key, VillageParent.unit_code
                )
            ).all(),
            columns=["village", "vintage", "unit"],
        ).pivot(index="village", columns="vintage", values="unit")
        units = {(v, c) for v, c in session.execute(select(Unit.vintage_key, Unit.code)).all()}
        periods = set(session.scalars(select(Observation.period).distinct()))
        in_force = dict(
            session.execute(select(Observation.period, Observation.vintage_key).distinct()).all()
        )
    assert list(parents.columns) == ["2020", "2025-01", "2025-07"]
    assert parents.notna().all().all()
    assert parents["2020"].nunique() == 83  # 82 communes and Côn Đảo, a district without communes
    assert parents.groupby("2020").size().between(20, 40).all()
    for vintage in parents.columns:
        assert all((vintage, code) in units for code in parents[vintage])
    assert (parents["2025-07"] == parents["2020"].map(successor)).all()
    assert periods == {str(y) for y in range(2020, date.today().year + 1)}
    assert in_force["2024"] == "2020" and in_force["2025"] == "2025-07"
