"""The synthetic demo on a small made-up area stored in a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from geodata.catalogue.indicators import load_catalogue
from geodata.demo import load_demo
from geodata.demo.synthetic import load_synthetic, synthetic_periods
from geodata.store.engine import create_schema, make_engine
from geodata.store.models import (
    CrosswalkLink,
    Indicator,
    Observation,
    Unit,
    Village,
    VillageParent,
)
from geodata.store.models import Vintage as VintageRow

TODAY = date(2026, 12, 1)


@dataclass(frozen=True)
class V:
    key: str
    valid_from: date
    valid_to: date | None
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    key: str
    demo: str = "synthetic"
    demo_options: dict[str, Any] = field(default_factory=dict)
    vintages: tuple[V, ...] = ()


OLD = V("2020", date(2020, 1, 1), date(2024, 12, 31), ("province", "district", "commune"))
NEW = V("2025-07", date(2025, 7, 1), None, ("province", "commune"))
AREA = Area("testland", vintages=(OLD, NEW))

# Four square communes of district D1 (two wards, two rural communes), and an island district
# D2 without communes, 1° off the coast. In 2025-07 C1 + C2 merge into N1, C3 and the west half
# of C4 form N2, the east half of C4 is N3, the island is N4.
S = 0.05
C = {
    "10001": ("Phường Một", "Phường", box(106.00, 10.0, 106.00 + S, 10.0 + S)),
    "10002": ("Phường Hai", "Phường", box(106.05, 10.0, 106.05 + S, 10.0 + S)),
    "10003": ("Xã Ba", "Xã", box(106.10, 10.0, 106.10 + S, 10.0 + S)),
    "10004": ("Xã Bốn", "Xã", box(106.15, 10.0, 106.15 + S, 10.0 + S)),
}
ISLAND = box(107.2, 9.0, 107.26, 9.05)
N = {
    "20001": ("Phường Mới", "Phường", box(106.00, 10.0, 106.10, 10.0 + S)),
    "20002": ("Xã Mới", "Xã", box(106.10, 10.0, 106.175, 10.0 + S)),
    "20003": ("Xã Đông", "Xã", box(106.175, 10.0, 106.20, 10.0 + S)),
    "20004": ("Đặc khu Đảo", "Đặc khu", ISLAND),
}
LINKS = [
    ("10001", "20001", 1.0),
    ("10002", "20001", 1.0),
    ("10003", "20002", 1.0),
    ("10004", "20002", 0.5),
    ("10004", "20003", 0.5),
    ("200", "20004", 1.0),
]


def _unit(vintage: str, code: str, name: str, type_: str, level: str, parent, geometry) -> dict:
    wkb = shapely.to_wkb(geometry) if geometry is not None else None
    return {
        "vintage_key": vintage,
        "code": code,
        "name": name,
        "type": type_,
        "level": level,
        "parent_code": parent,
        "search_key": name.lower(),
        "geometry": wkb,
        "display_geometry": wkb,
    }


def make_store(path: Path, vintages: tuple[V, ...] = (OLD, NEW)) -> Any:
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    land = shapely.union_all([g for _, _, g in C.values()])
    with Session(engine) as session, session.begin():
        load_catalogue(session)
        for v in vintages:
            session.add(
                VintageRow(
                    key=v.key,
                    name_vi=v.key,
                    name_en=v.key,
                    valid_from=v.valid_from,
                    valid_to=v.valid_to,
                    levels=",".join(v.levels),
                )
            )
        session.flush()
        rows = [_unit("2020", "1", "Tỉnh Thử", "Tỉnh", "province", None, None)]
        rows.append(_unit("2020", "100", "Huyện Đất", "Huyện", "district", "1", land))
        rows.append(_unit("2020", "200", "Huyện Đảo", "Huyện", "district", "1", ISLAND))
        rows += [_unit("2020", c, n, t, "commune", "100", g) for c, (n, t, g) in C.items()]
        if NEW in vintages:
            rows.append(_unit("2025-07", "1", "Tỉnh Thử", "Tỉnh", "province", None, None))
            rows += [_unit("2025-07", c, n, t, "commune", "1", g) for c, (n, t, g) in N.items()]
            session.execute(
                insert(CrosswalkLink),
                [
                    {"from_vintage": "2020", "from_code": a, "to_vintage": "2025-07", "to_code": b}
                    | {"weight": w}
                    for a, b, w in LINKS
                ],
            )
        session.execute(insert(Unit), rows)
    return engine


def _table(session: Session, model, order) -> pd.DataFrame:
    columns = [c for c in model.__table__.columns if c.name != "id"]
    return pd.DataFrame(session.execute(select(*columns).order_by(*order)).all())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    engine = make_store(tmp_path_factory.mktemp("synthetic") / "dxmap.sqlite")
    with Session(engine) as session, session.begin():
        message = load_synthetic(session, AREA, today=TODAY)
    assert "villages (synthetic)" in message
    yield engine
    engine.dispose()


def test_same_area_key_gives_the_same_data_another_key_other_data(store, tmp_path: Path):
    engine = make_store(tmp_path / "again.sqlite")
    other = make_store(tmp_path / "other.sqlite")
    with Session(engine) as session, session.begin():
        load_synthetic(session, AREA, today=TODAY)
    with Session(other) as session, session.begin():
        load_synthetic(session, Area("otherland", vintages=(OLD, NEW)), today=TODAY)
    tables = []
    for e in (store, engine, other):
        with Session(e) as session:
            tables.append(
                (
                    _table(session, Village, [Village.code]),
                    _table(session, Observation, [Observation.indicator_key, Observation.code]),
                )
            )
    for first, second in zip(tables[0], tables[1], strict=True):
        pd.testing.assert_frame_equal(first, second)
    assert not tables[0][0][["lon", "lat"]].equals(tables[2][0][["lon", "lat"]])


def _villages(engine) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(
            select(Village.code, Village.name, Village.lon, Village.lat, Village.households)
            .add_columns(VillageParent.unit_code, VillageParent.vintage_key)
            .join(VillageParent, VillageParent.village_code == Village.code)
        ).all()
    frame = pd.DataFrame(rows, columns=["code", "name", "lon", "lat", "hh", "unit", "vintage"])
    index = ["code", "name", "lon", "lat", "hh"]
    wide = frame.pivot_table(index=index, columns="vintage", values="unit", aggfunc="first")
    return wide.reset_index()


def test_20_to_40_villages_in_every_leaf_unit_with_its_code_and_name(store):
    v = _villages(store)
    counts = v.groupby("2020").size()
    assert set(counts.index) == {*C, "200"}  # the island district has no communes: a leaf
    assert counts.between(20, 40).all()
    assert v["code"].is_unique
    assert (v["code"].str.len() == v["2020"].str.len() + 3).all()
    assert v.apply(lambda r: r["code"].startswith(r["2020"]), axis=1).all()
    first = v.set_index("code")
    assert first.at["10001001", "name"] == "Khu phố 1"
    assert first.at["10003001", "name"] == "Thôn 1"
    assert (v["hh"] > 0).all()


def test_points_lie_inside_their_unit(store):
    v = _villages(store)
    geometry = {c: g for c, (_, _, g) in C.items()} | {"200": ISLAND}
    inside = shapely.contains_xy(
        [geometry[c] for c in v["2020"]], v["lon"].to_numpy(), v["lat"].to_numpy()
    )
    assert inside.all()


def test_villages_follow_their_unit_into_the_later_vintage_by_point_where_split(store):
    v = _villages(store)
    assert v["2025-07"].notna().all()
    assert set(v.loc[v["2020"].isin(["10001", "10002"]), "2025-07"]) == {"20001"}
    split = v[v["2020"] == "10004"]
    assert set(split["2025-07"]) == {"20002", "20003"}
    west = split["lon"] < 106.175
    assert (split.loc[west, "2025-07"] == "20002").all()
    assert (split.loc[~west, "2025-07"] == "20003").all()
    assert set(v.loc[v["2020"] == "200", "2025-07"]) == {"20004"}


def test_every_indicator_and_period_is_there_all_synthetic_stored_on_the_vintage_in_force(store):
    with Session(store) as session:
        keys = set(session.scalars(select(Indicator.key)))
        found = session.execute(
            select(
                Observation.indicator_key,
                Observation.period,
                Observation.vintage_key,
                Observation.provenance,
                Observation.source_key,
                func.count(),
            ).group_by(
                Observation.indicator_key,
                Observation.period,
                Observation.vintage_key,
                Observation.provenance,
                Observation.source_key,
            )
        ).all()
    frame = pd.DataFrame(found, columns=["indicator", "period", "vintage", "prov", "source", "n"])
    periods = [str(y) for y in range(2020, 2027)]
    assert set(zip(frame["indicator"], frame["period"], strict=True)) == {
        (k, p) for k in keys for p in periods
    }
    assert set(frame["prov"]) == {"synthetic"} and set(frame["source"]) == {"dxmap_demo"}
    vintage = dict(zip(frame["period"], frame["vintage"], strict=False))
    assert vintage["2024"] == "2020"
    assert vintage["2025"] == vintage["2026"] == "2025-07"


def test_no_period_starts_after_today():
    assert [p for p, _ in synthetic_periods((OLD, NEW), date(2025, 3, 1))][-1] == "2025"
    assert [p for p, _ in synthetic_periods((NEW,), TODAY)] == ["2025", "2026"]


def _rates(engine, indicator: str, period: str) -> pd.DataFrame:
    with Session(engine) as session:
        rows = session.execute(
            select(VillageParent.unit_code, Observation.numerator, Observation.denominator)
            .join(
                VillageParent,
                (VillageParent.village_code == Observation.code)
                & (VillageParent.vintage_key == "2020"),
            )
            .where(Observation.indicator_key == indicator, Observation.period == period)
        ).all()
    frame = pd.DataFrame(rows, columns=["unit", "num", "den"]).groupby("unit").sum()
    return 100 * frame["num"] / frame["den"]


def test_wards_score_higher_than_the_island_and_values_rise_over_the_years(store):
    for indicator in ("eid_adults", "smartphone_households", "cashless_merchants"):
        rates = _rates(store, indicator, "2024")
        assert min(rates["10001"], rates["10002"]) > rates["200"], indicator
        assert _rates(store, indicator, "2021").mean() < _rates(store, indicator, "2026").mean()
    with Session(store) as session:
        rows = session.execute(
            select(Observation.numerator, Observation.denominator).where(
                Observation.indicator_key != "full_online_procedures",
                Observation.denominator.is_not(None),
            )
        ).all()
    assert all(0 <= n <= d for n, d in rows)


def test_there_are_real_gaps_mostly_early_and_off_the_coast(store):
    coverage = _rates(store, "mobile_broadband_villages", "2020")
    assert coverage.min() < 100
    assert coverage["200"] == coverage.min()
    with Session(store) as session:
        zero_teams = session.scalar(
            select(func.count()).where(
                Observation.indicator_key == "community_tech_teams", Observation.value == 0
            )
        )
    assert zero_teams > 0


def test_an_indicator_of_the_province_gets_a_row_per_province(store):
    with Session(store) as session:
        rows = session.execute(
            select(Observation.period, Observation.level, Observation.code).where(
                Observation.indicator_key == "full_online_procedures"
            )
        ).all()
    assert {(level, code) for _, level, code in rows} == {("province", "1")}
    assert len(rows) == 7


def test_a_single_vintage_area_needs_no_crosswalk(tmp_path: Path):
    engine = make_store(tmp_path / "one.sqlite", vintages=(OLD,))
    area = Area("one", vintages=(V("2020", date(2020, 1, 1), None, OLD.levels),))
    with Session(engine) as session, session.begin():
        message = load_demo(session, area)
        assert session.scalar(select(func.count()).select_from(Village)) > 0
        assert "already" in load_demo(session, area)
    assert "2026" in message and "2027" not in message


def test_demo_none_writes_nothing_and_an_unknown_demo_is_refused(tmp_path: Path):
    engine = make_store(tmp_path / "none.sqlite")
    with Session(engine) as session, session.begin():
        assert "none" in load_demo(session, Area("x", demo="none", vintages=(OLD, NEW)))
        assert session.scalar(select(func.count()).select_from(Village)) == 0
        with pytest.raises(ValueError, match="demo"):
            load_demo(session, Area("x", demo="made-up", vintages=(OLD, NEW)))
