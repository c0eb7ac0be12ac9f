"""The demo data in a real store: calibrated to the article, honest about provenance."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import shapely
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from geodata.areas.vintages import stored_vintages
from geodata.demo import generate as demo
from geodata.rollups import rebuild_all
from geodata.rollups.queries import province_values, unit_values, village_values
from geodata.store.models import Observation, Unit, Village, VillageParent
from geodata.values.columns import UNIT_COLUMNS, VILLAGE_COLUMNS

# Figures as printed in the article (seed/article-brvt-2024-10-15.txt), in percent.
ARTICLE_PROVINCE_2024 = {
    "smartphone_households": 97.5,
    "fibre_households": 105.0,
    "eid_adults": 72.99,
    "public_service_accounts": 86.06,
    "payment_accounts_15plus": 87.0,
    "cashless_merchants": 96.0,
    "mobile_broadband_villages": 100.0,
}
ARTICLE_PHUOC_HUNG_2024 = {
    "cashless_merchants": 100.0,
    "ecommerce_farm_households": 100.0,
    "online_utility_bills": 95.0,
}
TOLERANCE_PP = 0.01
BRVT_DEMO = Path(__file__).parents[2] / "geodata" / "areas" / "data" / "brvt.toml"


def _brvt_area(session: Session) -> SimpleNamespace:
    """The brvt area as the demo sees it (until the manifest's Area lands)."""
    return SimpleNamespace(
        key="brvt",
        demo="brvt-2024",
        demo_options=tomllib.loads(BRVT_DEMO.read_text("utf-8"))["demo"],
        vintages=stored_vintages(session),
    )


def test_province_2024_computed_from_villages_equals_the_article(store_engine):
    with Session(store_engine) as session:
        for indicator, published in ARTICLE_PROVINCE_2024.items():
            frame = unit_values(session, indicator, "2024", "2020", "province")
            assert list(frame.columns[: len(UNIT_COLUMNS)]) == list(UNIT_COLUMNS)
            row = frame.iloc[0]
            assert row["code"] == "77"
            # computed from the 503 village rows, not copied from the published row
            assert row["data_level"] == "village"
            assert row["n_with_data"] == 503
            assert row["provenance"] == "synthetic"
            assert row["value"] == pytest.approx(published, abs=TOLERANCE_PP), indicator
            assert row["value"] == pytest.approx(
                100 * row["numerator"] / row["denominator"], abs=1e-9
            )
            # ...and the published figure stays visible beside it, labelled as such
            assert row["published_value"] == pytest.approx(published)
            assert row["published_source"] == "article_brvt_2024_10_15"


def test_province_values_match_the_published_rows_stored_in_the_database(store_engine):
    with Session(store_engine) as session:
        published = {
            o.indicator_key: o.value
            for o in session.scalars(
                select(Observation).where(
                    Observation.provenance == "published",
                    Observation.level == "province",
                    Observation.period == "2024",
                )
            )
        }
        board = province_values(session, "2024", "2020").set_index("indicator")
    assert set(ARTICLE_PROVINCE_2024) <= set(published)
    for indicator in ARTICLE_PROVINCE_2024:
        assert board.at[indicator, "value"] == pytest.approx(published[indicator], abs=TOLERANCE_PP)
    assert board.at["community_tech_teams", "value"] == published["community_tech_teams"] == 503
    # The province-only indicator has just the published figure: shown as published, honestly.
    online = board.loc["full_online_procedures"]
    assert online["value"] == 100.0 and online["provenance"] == "published"
    assert pd.isna(online["numerator"]) and pd.isna(online["denominator"])
    assert online["met"] is True
    assert len(board) == 12


def test_phuoc_hung_2024_equals_its_published_values(store_engine):
    with Session(store_engine) as session:
        values = {}
        for indicator in [*ARTICLE_PHUOC_HUNG_2024, "digital_signature_adults"]:
            frame = unit_values(session, indicator, "2024", "2020", "commune", parent_code="752")
            values[indicator] = frame.set_index("code").loc["26677"]
        teams = unit_values(session, "community_tech_teams", "2024", "2020", "commune")
        districts = unit_values(session, "community_tech_teams", "2024", "2020", "district")
    for indicator, published in ARTICLE_PHUOC_HUNG_2024.items():
        row = values[indicator]
        assert row["value"] == pytest.approx(published, abs=TOLERANCE_PP), indicator
        assert row["n_with_data"] == 6
        assert row["published_value"] == pytest.approx(published)
    signature = values["digital_signature_adults"]
    assert 24.0 < signature["value"] < 25.0  # "Hơn 24 %" (more than 24 %)
    assert "24" in signature["published_note"]
    assert teams.set_index("code").at["26677", "value"] == 6
    # one team per village: 493 in the 82 communes plus 10 in Côn Đảo (a district without communes)
    assert teams["value"].sum() + districts.set_index("code").at["755", "value"] == 503
    assert districts["value"].sum() == 503


def test_2024_on_2025_07_equals_the_crosswalk_sum_of_its_2020_predecessors(
    store_engine, geodata_dir: Path
):
    with (geodata_dir / "crosswalk_77_2024_to_2025-07.csv").open(encoding="utf-8") as handle:
        successor = {row["code_2024"]: row["code_2025_07"] for row in csv.DictReader(handle)}
    assert successor["755"] == "26732"
    with Session(store_engine) as session:
        for indicator in ("eid_adults", "fibre_households", "mobile_broadband_villages"):
            old = pd.concat(
                [
                    unit_values(session, indicator, "2024", "2020", "commune"),
                    unit_values(session, indicator, "2024", "2020", "district", parent_code="755"),
                ]
            )
            old["new_code"] = old["code"].map(successor)
            assert old["new_code"].notna().all()
            expected = old.groupby("new_code")[["numerator", "denominator"]].sum()
            new = unit_values(session, indicator, "2024", "2025-07", "commune").set_index("code")
            assert len(new) == 30
            assert set(new.index) == set(expected.index)
            for code, sums in expected.iterrows():
                assert new.at[code, "numerator"] == sums["numerator"]
                assert new.at[code, "denominator"] == sums["denominator"]
                assert new.at[code, "value"] == pytest.approx(
                    100 * sums["numerator"] / sums["denominator"]
                )
            if indicator == "eid_adults":
                # ratios are re-aggregated, never averaged
                long_hai = old[old["new_code"] == "26662"]
                assert new.at["26662", "value"] != pytest.approx(long_hai["value"].mean(), abs=1e-6)


def test_2023_has_villages_without_mobile_broadband(store_engine):
    with Session(store_engine) as session:
        villages = village_values(session, "mobile_broadband_villages", "2023", "2020", "77")
        communes = unit_values(session, "mobile_broadband_villages", "2023", "2020", "commune")
        province = unit_values(session, "mobile_broadband_villages", "2023", "2020", "province")
    assert list(villages.columns[: len(VILLAGE_COLUMNS)]) == list(VILLAGE_COLUMNS)
    assert len(villages) == 503
    uncovered = villages[villages["value"] == 0]
    assert 15 <= len(uncovered) <= 25
    assert (uncovered["met"] == False).all()  # noqa: E712 - object column of True/False/None
    short = communes[communes["met"] == False]  # noqa: E712
    assert len(short) >= 5
    assert province.at[0, "value"] == pytest.approx(100 * (503 - len(uncovered)) / 503)


def test_every_observation_is_published_or_synthetic_with_its_source(store_engine):
    with Session(store_engine) as session:
        rows = session.execute(
            select(Observation.provenance, Observation.source_key, func.count()).group_by(
                Observation.provenance, Observation.source_key
            )
        ).all()
    by_key = {(p, s): n for p, s, n in rows}
    assert {p for p, _ in by_key} == {"published", "synthetic"}
    assert {s for p, s in by_key if p == "synthetic"} == {"dxmap_demo"}
    assert {s for p, s in by_key if p == "published"} == {"article_brvt_2024_10_15"}
    assert by_key[("published", "article_brvt_2024_10_15")] == 14


def test_demo_villages_in_the_store(store_engine):
    with Session(store_engine) as session:
        assert session.scalar(select(func.count()).select_from(Village)) == 503
        parents = pd.DataFrame(
            session.execute(
                select(
                    VillageParent.village_code, VillageParent.vintage_key, VillageParent.unit_code
                )
            ).all(),
            columns=["village", "vintage", "unit"],
        )
        units = {
            code: shapely.from_wkb(bytes(wkb))
            for code, wkb in session.execute(
                select(Unit.code, Unit.geometry).where(Unit.vintage_key == "2020")
            ).all()
        }
        points = session.execute(select(Village.code, Village.lon, Village.lat)).all()
        # idempotent: a second load changes nothing
        message = demo.load_demo(session, _brvt_area(session))
        assert "already" in message
        assert session.scalar(select(func.count()).select_from(Village)) == 503
    counts = parents.groupby("vintage").size().to_dict()
    assert counts == {"2020": 503, "2025-01": 503, "2025-07": 503}
    in_2020 = parents[parents["vintage"] == "2020"].set_index("village")["unit"]
    assert (in_2020 == "26677").sum() == 6
    assert parents[(parents["unit"] == "26732")]["village"].str.startswith("755-").all()
    for code, lon, lat in points:
        assert units[in_2020[code]].contains(shapely.Point(lon, lat)), code


def test_views_that_do_not_exist_are_refused_clearly(store_engine):
    with Session(store_engine) as session:
        with pytest.raises(ValueError, match="no 'district' level"):
            unit_values(session, "fibre_households", "2024", "2025-07", "district")
        with pytest.raises(ValueError, match="unknown indicator"):
            unit_values(session, "nope", "2024", "2020", "district")
        # Côn Đảo has no communes: drilling into it shows the district itself
        leaf = unit_values(session, "fibre_households", "2024", "2020", "commune", "755")
        assert leaf["code"].tolist() == ["755"]
        assert leaf.at[0, "target"] == 70.0  # its own example island threshold


def test_unit_level_rows_follow_the_crosswalk_forward_only(store_engine):
    with Session(store_engine) as session, session.begin():
        communes = session.scalars(
            select(Unit.code).where(Unit.vintage_key == "2020", Unit.level == "commune")
        ).all()
        rows = [
            {
                "indicator_key": "eid_adults",
                "period": "2022",
                "vintage_key": "2020",
                "level": "commune",
                "code": code,
                "numerator": float(100 + i),
                "denominator": float(200 + 3 * i),
                "value": None,
                "provenance": "synthetic",
                "source_key": "dxmap_demo",
            }
            for i, code in enumerate(sorted(communes))
        ]
        session.execute(insert(Observation), rows)
        session.execute(
            insert(Observation),
            [
                {
                    "indicator_key": "eid_adults",
                    "period": "2026",
                    "vintage_key": "2025-07",
                    "level": "commune",
                    "code": "26506",
                    "numerator": 1.0,
                    "denominator": 2.0,
                    "provenance": "synthetic",
                    "source_key": "dxmap_demo",
                }
            ],
        )
        rebuild_all(session)  # what an import of these rows would leave in the store
        new = unit_values(session, "eid_adults", "2022", "2025-07", "commune").set_index("code")
        by_code = {r["code"]: r for r in rows}
        long_hai = [by_code[c] for c in ("26662", "26674", "26677")]
        assert new.at["26662", "numerator"] == sum(r["numerator"] for r in long_hai)
        assert new.at["26662", "denominator"] == sum(r["denominator"] for r in long_hai)
        assert new.at["26662", "data_level"] == "commune"
        # Côn Đảo had no commune rows: no value, not a zero
        assert pd.isna(new.at["26732", "value"]) and new.at["26732", "n_with_data"] == 0
        province = unit_values(session, "eid_adults", "2022", "2025-07", "province")
        assert province.at[0, "denominator"] == sum(r["denominator"] for r in rows)
        with pytest.raises(ValueError, match="forward"):
            unit_values(session, "eid_adults", "2026", "2020", "commune")
        session.rollback()
