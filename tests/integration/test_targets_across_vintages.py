"""Targets scoped to a unit of one vintage reach the units of another (SQLite and PostgreSQL).

The store's ``targets.csv`` scopes ``fibre_households`` 2024 to Côn Đảo district (755, vintage
2020) and 2025 to Đặc khu Côn Đảo (26732, vintage 2025-07), the same island after the reform.
Expected thresholds are read from the stored targets, never from the function under test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.analysis.scorecard import scorecard
from geodata.areas.crosswalk import crosswalk_path
from geodata.rollups import rebuild_all
from geodata.rollups.queries import unit_values, village_values
from geodata.store.engine import transaction
from geodata.store.models import Target, Unit

FIBRE = "fibre_households"
CON_DAO_2020 = "755"
CON_DAO_2025 = "26732"
VUNG_TAU_CITY = "747"  # a 2020 district
PHUONG_VUNG_TAU = "26506"  # 2025-07: merged from seven 2020 phường of Vũng Tàu city
PHUONG_2 = "26508"  # one of those 2020 phường


def stored_threshold(session: Session, period: str, scope: str) -> float:
    return session.scalar(
        select(Target.threshold).where(
            Target.indicator_key == FIBRE, Target.period == period, Target.scope_code == scope
        )
    )


def row_of(frame, code):
    rows = frame[frame["code"] == code]
    assert len(rows) == 1, code
    return rows.iloc[0]


def test_2024_fibre_on_vintage_2025_07_keeps_con_daos_island_threshold(store_engine):
    with Session(store_engine) as session:
        island = stored_threshold(session, "2024", CON_DAO_2020)
        general = stored_threshold(session, "2024", "*")
        units = unit_values(session, FIBRE, "2024", "2025-07", "commune")
        villages = village_values(session, FIBRE, "2024", "2025-07", CON_DAO_2025)
        card = scorecard(session, "2024", "2025-07", CON_DAO_2025).set_index("key").loc[FIBRE]
    assert island == 70 and general == 90
    con_dao = row_of(units, CON_DAO_2025)
    assert con_dao["target"] == 70
    assert (con_dao["target_scope"], con_dao["target_scope_vintage"]) == (CON_DAO_2020, "2020")
    assert con_dao["met"] == (con_dao["value"] >= 70)
    # The other 29 units of 2025-07 keep the general target.
    others = units[units["code"] != CON_DAO_2025]
    assert set(others["target"]) == {general} and set(others["target_scope"]) == {"*"}
    assert len(villages) == 10 and set(villages["target"]) == {70.0}
    assert set(villages["target_scope_vintage"]) == {"2020"}
    assert card["target"] == 70 and card["target_scope_vintage"] == "2020"


def test_2025_fibre_on_vintage_2020_keeps_con_daos_island_threshold(store_engine):
    with Session(store_engine) as session:
        island = stored_threshold(session, "2025", CON_DAO_2025)
        districts = unit_values(session, FIBRE, "2025", "2020", "district")
        villages = village_values(session, FIBRE, "2025", "2020", CON_DAO_2020)
    assert island == 75
    con_dao = row_of(districts, CON_DAO_2020)
    assert con_dao["target"] == 75
    assert (con_dao["target_scope"], con_dao["target_scope_vintage"]) == (CON_DAO_2025, "2025-07")
    assert set(districts.loc[districts["code"] != CON_DAO_2020, "target"]) == {95.0}
    assert set(villages["target"]) == {75.0}


@pytest.mark.parametrize(("period", "vintage"), [("2024", "2025-07"), ("2025", "2020")])
def test_the_province_as_a_whole_keeps_the_general_target(store_engine, period, vintage):
    with Session(store_engine) as session:
        general = stored_threshold(session, period, "*")
        row = row_of(unit_values(session, FIBRE, period, vintage, "province"), "77")
    assert row["target"] == general and row["target_scope"] == "*"
    assert row["target_scope_vintage"] is None


def test_on_the_targets_own_vintage_nothing_changes(store_engine):
    with Session(store_engine) as session:
        district = row_of(unit_values(session, FIBRE, "2024", "2020", "district"), CON_DAO_2020)
        commune = row_of(unit_values(session, FIBRE, "2025", "2025-07", "commune"), CON_DAO_2025)
    assert (district["target"], district["target_scope_vintage"]) == (70, "2020")
    assert (commune["target"], commune["target_scope_vintage"]) == (75, "2025-07")


def test_a_merged_unit_takes_a_scoped_target_only_when_all_predecessors_share_it(store_engine):
    with Session(store_engine) as session:
        walk = crosswalk_path(session, "2020", "2025-07")
        predecessors = set(walk.loc[walk["parent_code"] == PHUONG_VUNG_TAU, "code"])
        districts = set(
            session.scalars(
                select(Unit.parent_code).where(
                    Unit.vintage_key == "2020", Unit.code.in_(sorted(predecessors))
                )
            )
        )
    assert PHUONG_2 in predecessors and len(predecessors) > 1 and districts == {VUNG_TAU_CITY}

    # A 2024 target for the whole of Vũng Tàu city reaches the phường merged from its phường.
    with transaction(store_engine) as session:
        session.add(
            Target(indicator_key=FIBRE, period="2024", scope_code=VUNG_TAU_CITY, threshold=85)
        )
        rebuild_all(session)  # targets change with the catalogue: every roll-up is rebuilt
    with Session(store_engine) as session:
        merged = row_of(unit_values(session, FIBRE, "2024", "2025-07", "commune"), PHUONG_VUNG_TAU)
    assert (merged["target"], merged["target_scope"]) == (85, VUNG_TAU_CITY)

    # One predecessor gets its own target: the predecessors disagree, the general target applies.
    with transaction(store_engine) as session:
        session.add(Target(indicator_key=FIBRE, period="2024", scope_code=PHUONG_2, threshold=60))
        rebuild_all(session)
    with Session(store_engine) as session:
        merged = row_of(unit_values(session, FIBRE, "2024", "2025-07", "commune"), PHUONG_VUNG_TAU)
        old = unit_values(session, FIBRE, "2024", "2020", "commune", VUNG_TAU_CITY)
        villages = village_values(session, FIBRE, "2024", "2025-07", PHUONG_VUNG_TAU)
    assert (merged["target"], merged["target_scope"]) == (90, "*")
    assert row_of(old, PHUONG_2)["target"] == 60
    assert set(old.loc[old["code"] != PHUONG_2, "target"]) == {85.0}
    # A village lies in one 2020 commune, so it keeps that commune's own target.
    by_village = villages.set_index("code")["target"]
    assert {by_village[c] for c in by_village.index if c.startswith(f"{PHUONG_2}-")} == {60.0}
    assert {by_village[c] for c in by_village.index if not c.startswith(f"{PHUONG_2}-")} == {85.0}
