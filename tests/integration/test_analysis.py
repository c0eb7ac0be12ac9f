"""Scorecards, gap register, comparison and trends against a real store (SQLite and PostgreSQL).

Expectations are computed here straight from the stored observations, village parents and
targets with SQL, never by calling the function under test.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geodata.analysis.compare import compare_units, ranking
from geodata.analysis.gaps import gap_register
from geodata.analysis.scorecard import pillar_summary, scorecard
from geodata.analysis.trends import trend
from geodata.rollups import Touched, update_rollups
from geodata.store.models import Indicator, Observation, Target, Unit, Village, VillageParent

ROOT = "77"
PHUOC_HUNG = "26677"
LONG_HAI_2025 = "26662"  # Xã Long Hải (2025-07): Long Hải + Phước Tỉnh + Phước Hưng
CON_DAO = "755"


def stored_value(session, indicator, period, village_codes=None):
    """Value computed from the stored village rows (or the province row without any)."""
    kind = session.get(Indicator, indicator).kind
    stmt = select(
        func.sum(Observation.numerator),
        func.sum(Observation.denominator),
        func.sum(Observation.value),
    ).where(
        Observation.indicator_key == indicator,
        Observation.period == period,
        Observation.level == "village",
    )
    if village_codes is not None:
        stmt = stmt.where(Observation.code.in_(sorted(village_codes)))
    num, den, total = session.execute(stmt).one()
    if num is None and total is None:
        row = session.execute(
            select(Observation.numerator, Observation.denominator, Observation.value).where(
                Observation.indicator_key == indicator,
                Observation.period == period,
                Observation.level == "province",
                Observation.code == ROOT,
            )
        ).first()
        if row is None or village_codes is not None:
            return math.nan, None, None
        num, den, total = row
        if num is None:
            return float(total), None, None
    if kind == "count":
        return float(total), None, None
    return 100.0 * num / den, num, den


def stored_target(session, indicator, period, scopes):
    rows = dict(
        session.execute(
            select(Target.scope_code, Target.threshold).where(
                Target.indicator_key == indicator, Target.period == period
            )
        ).all()
    )
    for scope in [*scopes, "*"]:
        if scope in rows:
            return rows[scope]
    return None


def villages_under(session, vintage, unit_code):
    """Village codes whose parent in ``vintage`` is the unit or one of its children."""
    children = set(
        session.scalars(
            select(Unit.code).where(Unit.vintage_key == vintage, Unit.parent_code == unit_code)
        )
    )
    return set(
        session.scalars(
            select(VillageParent.village_code).where(
                VillageParent.vintage_key == vintage,
                VillageParent.unit_code.in_(sorted({unit_code, *children})),
            )
        )
    )


@pytest.mark.parametrize(
    ("period", "vintage"), [("2023", "2020"), ("2024", "2020"), ("2025", "2025-07")]
)
def test_province_scorecard_counts_what_the_store_implies(store_engine, period, vintage):
    with Session(store_engine) as session:
        expected_met = defaultdict(int)
        expected_targets = defaultdict(int)
        indicators = session.execute(select(Indicator.key, Indicator.pillar)).all()
        for key, pillar in indicators:
            threshold = stored_target(session, key, period, [ROOT])
            if threshold is None:
                continue
            expected_targets[pillar] += 1
            value, _, _ = stored_value(session, key, period)
            if not math.isnan(value) and value >= threshold - 1e-9:
                expected_met[pillar] += 1

        card = scorecard(session, period, vintage, ROOT)
        summary = pillar_summary(card).set_index("pillar")

    assert len(card) == len(indicators)
    for pillar, with_target in expected_targets.items():
        assert summary.loc[pillar, "with_target"] == with_target, pillar
        assert summary.loc[pillar, "met"] == expected_met[pillar], pillar
        assert summary.loc[pillar, "label"] == f"{expected_met[pillar]}/{with_target}"
    assert summary["total"].sum() == len(indicators)  # every indicator applies to the province


def test_island_district_is_judged_against_its_own_threshold(store_engine):
    with Session(store_engine) as session:
        con_dao = villages_under(session, "2020", CON_DAO)
        value, _, _ = stored_value(session, "fibre_households", "2024", con_dao)
        island = stored_target(session, "fibre_households", "2024", [CON_DAO])
        general = stored_target(session, "fibre_households", "2024", [])
        row = scorecard(session, "2024", "2020", CON_DAO).set_index("key").loc["fibre_households"]
    assert island < general
    assert island <= value < general  # the demo data make the island threshold decisive
    assert row["target"] == island
    assert row["target_scope"] == CON_DAO
    assert row["value"] == pytest.approx(value)
    assert row["status"] == "met"


def test_village_gap_register_2023_lists_exactly_the_uncovered_villages(store_engine):
    with Session(store_engine) as session:
        uncovered = dict(
            session.execute(
                select(Village.code, Village.lon)
                .join(Observation, Observation.code == Village.code)
                .where(
                    Observation.indicator_key == "mobile_broadband_villages",
                    Observation.period == "2023",
                    Observation.level == "village",
                    Observation.numerator == 0,
                )
            ).all()
        )
        gaps = gap_register(session, "mobile_broadband_villages", "2023", "2020", "village")
    assert uncovered, "the 2023 demo data should have villages without mobile broadband"
    assert set(gaps["code"]) == set(uncovered)
    assert len(gaps) == len(uncovered)
    assert (gaps["shortfall"] == 1).all()
    assert set(gaps["shortfall_unit_en"]) == {"villages"}
    for code, lon in zip(gaps["code"], gaps["lon"], strict=True):
        assert lon == pytest.approx(uncovered[code])  # the map can fly to the village
    assert (gaps["min_lon"] == gaps["max_lon"]).all()


def test_commune_gap_register_counts_uncovered_villages(store_engine):
    with Session(store_engine) as session:
        rows = session.execute(
            select(VillageParent.unit_code, func.count())
            .join(Observation, Observation.code == VillageParent.village_code)
            .where(
                VillageParent.vintage_key == "2020",
                Observation.indicator_key == "mobile_broadband_villages",
                Observation.period == "2023",
                Observation.level == "village",
                Observation.numerator == 0,
            )
            .group_by(VillageParent.unit_code)
        ).all()
        gaps = gap_register(session, "mobile_broadband_villages", "2023", "2020", "commune")
    expected = dict(rows)
    assert dict(zip(gaps["code"], gaps["shortfall"], strict=True)) == expected
    assert list(gaps["shortfall"]) == sorted(gaps["shortfall"], reverse=True)
    assert gaps[["min_lon", "min_lat", "max_lon", "max_lat"]].notna().all().all()


def test_district_gap_register_counts_missing_households(store_engine):
    with Session(store_engine) as session:
        districts = session.scalars(
            select(Unit.code).where(Unit.vintage_key == "2020", Unit.level == "district")
        ).all()
        expected = {}
        for district in districts:
            villages = villages_under(session, "2020", district)
            value, num, den = stored_value(session, "fibre_households", "2024", villages)
            target = stored_target(session, "fibre_households", "2024", [district, ROOT])
            if value < target:
                expected[district] = math.ceil(round(target / 100 * den - num, 9))
        gaps = gap_register(session, "fibre_households", "2024", "2020", "district")
    assert expected
    assert dict(zip(gaps["code"], gaps["shortfall"], strict=True)) == expected
    assert set(gaps["shortfall_unit_en"]) == {"Household fibre subscriptions"}


def test_compare_refuses_units_of_different_levels(store_engine):
    with Session(store_engine) as session, pytest.raises(ValueError, match="different levels"):
        compare_units(session, ["750", PHUOC_HUNG], "2024", "2020")


def test_compare_three_districts_side_by_side(store_engine):
    with Session(store_engine) as session:
        n_indicators = session.scalar(select(func.count()).select_from(Indicator))
        value, _, _ = stored_value(
            session, "fibre_households", "2024", villages_under(session, "2020", CON_DAO)
        )
        matrix = compare_units(session, ["750", "751", CON_DAO], "2024", "2020")
        ranks = ranking(
            session, "fibre_households", "2024", "2020", "district", selected=["750", CON_DAO]
        )
    assert len(matrix) == n_indicators
    assert [c for c in matrix.columns if c.startswith("value_")] == [
        "value_750",
        "value_751",
        f"value_{CON_DAO}",
    ]
    fibre = matrix.set_index("key").loc["fibre_households"]
    assert fibre[f"value_{CON_DAO}"] == pytest.approx(value)
    assert fibre[f"met_{CON_DAO}"] is True  # against the island threshold
    assert list(ranks["rank"]) == list(range(1, len(ranks) + 1))
    assert list(ranks["value"]) == sorted(ranks["value"], reverse=True)
    assert set(ranks.loc[ranks["selected"], "code"]) == {"750", CON_DAO}


def test_phuoc_hung_trend_spans_three_periods_with_a_vintage_mark(store_engine):
    with Session(store_engine) as session:
        own = villages_under(session, "2020", PHUOC_HUNG)
        expected = {
            p: stored_value(session, "fibre_households", p, own)[0]
            for p in ("2023", "2024", "2025")
        }
        series = trend(session, PHUOC_HUNG, "2020", "fibre_households")
        everything = trend(session, PHUOC_HUNG, "2020")
    assert list(series["period"]) == ["2023", "2024", "2025"]
    assert list(series["period_vintage"]) == ["2020", "2020", "2025-07"]
    assert list(series["vintage_change_before"]) == [False, False, True]
    assert list(series["reaggregated"]) == [False, False, True]
    for period, value in zip(series["period"], series["value"], strict=True):
        assert value == pytest.approx(expected[period]), period
    last = series.iloc[-1]
    assert last["method"] == "villages"  # regrouped from its own villages, exactly
    assert (last["successor_code"], last["successor_name"]) == (LONG_HAI_2025, "Xã Long Hải")
    with_values = everything.dropna(subset=["value"])
    assert (with_values.groupby("indicator")["period"].count() == 3).all()
    assert with_values["vintage_change_before"].sum() == with_values["indicator"].nunique()


def test_successor_trend_carries_2023_and_2024_forward(store_engine):
    with Session(store_engine) as session:
        villages = villages_under(session, "2025-07", LONG_HAI_2025)
        expected = {
            p: stored_value(session, "eid_adults", p, villages)[0] for p in ("2023", "2024", "2025")
        }
        series = trend(session, LONG_HAI_2025, "2025-07", "eid_adults")
    assert list(series["period"]) == ["2023", "2024", "2025"]
    assert list(series["reaggregated"]) == [True, True, False]
    assert list(series["vintage_change_before"]) == [False, False, True]
    for period, value in zip(series["period"], series["value"], strict=True):
        assert value == pytest.approx(expected[period]), period


def test_unit_data_of_a_later_vintage_falls_back_to_the_successor(store_engine):
    with Session(store_engine) as session:
        session.add(
            Observation(
                indicator_key="fibre_households",
                period="2026",
                vintage_key="2025-07",
                level="commune",
                code=LONG_HAI_2025,
                numerator=900,
                denominator=1000,
                provenance="synthetic",
                source_key="dxmap_demo",
            )
        )
        update_rollups(
            session,
            Touched(
                observations=frozenset({("fibre_households", "2026", "commune", LONG_HAI_2025)})
            ),
        )
        session.commit()
        series = trend(session, PHUOC_HUNG, "2020", "fibre_households")
    assert list(series["period"]) == ["2023", "2024", "2025", "2026"]
    row = series.iloc[-1]
    assert row["method"] == "successor"
    assert (row["value_code"], row["value_name"]) == (LONG_HAI_2025, "Xã Long Hải")
    assert row["value"] == pytest.approx(90.0)
    assert not row["reaggregated"]
