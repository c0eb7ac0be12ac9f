"""What the map shows for a view, on the real store (both backends)."""

from __future__ import annotations

import json

import pytest
import shapely
from sqlalchemy import text

from callbacks.map_view import map_frame
from callbacks.restyle import restyle
from geodata.areas.text import search_key
from geodata.service.map_service import MapService


@pytest.fixture
def service(store_engine) -> MapService:
    return MapService(store_engine)


def _state(**overrides) -> dict:
    state = {
        "indicator": "fibre_households",
        "period": "2024",
        "vintage": "2020",
        "unit": None,
        "scheme": "quantiles",
        "lang": "vi",
    }
    return {**state, **overrides}


def test_the_whole_area_shows_8_districts_with_con_dao_in_an_inset(service) -> None:
    frame = map_frame(_state(), service)
    assert (frame["level"], frame["parent"], frame["selected"]) == ("district", "77", None)
    assert frame["inset"]["names"] == ["Huyện Côn Đảo"]
    assert frame["bounds"][0][0] > 10.0  # the mainland, not the whole box down to Côn Đảo
    out = restyle(_state(), frame, service)
    values = out["units_hideout"]["values"]
    assert len(values) == 8
    assert all(v["v"] is not None and v["c"] is not None for v in values.values())
    assert out["synthetic"] is True
    assert "geometry" not in json.dumps(out["units_hideout"])


def test_a_district_shows_its_communes(service) -> None:
    frame = map_frame(_state(unit="752"), service)
    assert (frame["level"], frame["parent"], frame["inset"]) == ("commune", "752", None)
    assert [c["code"] for c in frame["chain"]] == ["", "752"]
    assert len(service.geometry("2020", "commune", "752")["features"]) == 7


def test_a_commune_is_a_leaf_showing_its_villages_classed_like_the_legend(service) -> None:
    state = _state(unit="26677")
    frame = map_frame(state, service)
    assert frame["leaf"] == frame["selected"] == "26677"
    assert (frame["level"], frame["parent"]) == ("commune", "752")
    assert [c["code"] for c in frame["chain"]] == ["", "752", "26677"]
    out = restyle(state, frame, service)
    villages = out["villages_hideout"]["values"]
    assert len(villages) == 6
    assert all(v["c"] is not None for v in villages.values())
    assert len(out["units_hideout"]["values"]) == 7  # siblings stay as context


def test_con_dao_district_is_a_leaf_with_its_own_villages(service) -> None:
    state = _state(unit="755")
    frame = map_frame(state, service)
    assert frame["leaf"] == "755" and frame["level"] == "district"
    out = restyle(state, frame, service)
    assert len(out["villages_hideout"]["values"]) == service.unit("2020", "755")["villages"] > 0
    assert out["notice"] and "Côn Đảo" in out["notice"][0]


def test_the_2025_07_vintage_has_no_district_level(service) -> None:
    frame = map_frame(_state(vintage="2025-07", period="2025"), service)
    assert frame["level"] == "commune"
    assert len(service.geometry("2025-07", "commune", frame["parent"])["features"]) == 30


def test_against_target_colours_met_and_not_met(service) -> None:
    state = _state(scheme="target", period="2023")
    out = restyle(state, map_frame(state, service), service)
    classes = {v["c"] for v in out["units_hideout"]["values"].values()}
    assert classes <= {0, 1, None} and classes & {0, 1}


def _search(service, vintage: str, text: str) -> list[dict]:
    key = search_key(text)
    return [
        e for e in service.search_entries(vintage) if all(w in e["search"] for w in key.split())
    ]


def test_search_finds_units_without_diacritics_and_by_code(service) -> None:
    assert "26677" in {e["code"] for e in _search(service, "2020", "phuoc hung")}
    assert {e["code"] for e in _search(service, "2020", "26677")} == {"26677"}
    assert "755" in {e["code"] for e in _search(service, "2020", "con dao")}
    assert "755" in {e["code"] for e in _search(service, "2020", "Côn Đảo")}


def test_a_former_name_finds_its_current_unit_and_says_so(service) -> None:
    hits = [e for e in _search(service, "2025-07", "xa phuoc hung") if e["former"]]
    assert [(e["former"], e["code"]) for e in hits] == [("Xã Phước Hưng", "26662")]
    assert service.translate_unit("26677", "2020", "2025-07") == "26662"


def test_attribution_comes_from_the_loaded_layers(service) -> None:
    layers = service.attribution("2020")
    assert [layer["level"] for layer in layers] == ["province", "district", "commune"]
    assert any("GADM" in layer["attribution"] for layer in layers)


def test_an_import_shows_without_a_restart(service, store_engine) -> None:
    from datetime import datetime

    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from geodata.rollups import Touched, update_rollups
    from geodata.store.models import ImportBatch, Observation
    from geodata.store.version import bump_data_version

    before = service.village_values("fibre_households", "2024", "2020", "26677")
    code = sorted(before)[0]
    assert service.village_values("fibre_households", "2024", "2020", "26677") is before  # cached
    with Session(store_engine) as session, session.begin():
        batch = ImportBatch(
            file_name="t.csv", file_sha256="0" * 64, user="t", created_at=datetime.now()
        )
        session.add(batch)
        session.flush()
        session.execute(
            update(Observation)
            .where(
                Observation.indicator_key == "fibre_households",
                Observation.period == "2024",
                Observation.code == code,
            )
            .values(numerator=0.0, batch_id=batch.id)
        )
        bump_data_version(session, "test")
        keys = {("fibre_households", "2024", "village", code)}
        update_rollups(session, Touched(observations=frozenset(keys)))
    after = service.village_values("fibre_households", "2024", "2020", "26677")
    assert after[code]["value"] == 0.0 and before[code]["value"] > 0


def test_a_province_only_published_indicator_says_so_and_hides_the_synthetic_badge(service) -> None:
    state = _state(indicator="full_online_procedures")
    out = restyle(state, map_frame(state, service), service)
    assert out["notice"] and "cấp tỉnh" in out["notice"][0]
    assert all(v["v"] is None and v["c"] is None for v in out["units_hideout"]["values"].values())
    assert out["synthetic"] is False  # only the published province figure is on screen


def test_a_unit_merged_away_by_a_vintage_change_is_explained(service) -> None:
    state = _state(vintage="2025-07", period="2025", unit="26662", moved_from="26677")
    out = restyle(state, map_frame(state, service), service)
    assert any("Xã Long Hải" in text for text in out["notice"])


def _parts(store_engine, code: str) -> list:
    """The stored display geometry's polygons of a unit, read with plain SQL and shapely."""
    with store_engine.connect() as conn:
        wkb = conn.execute(
            text("SELECT display_geometry FROM unit WHERE vintage_key = '2020' AND code = :c"),
            {"c": code},
        ).scalar_one()
    return list(shapely.get_parts(shapely.from_wkb(bytes(wkb))))


def test_the_island_district_is_fitted_to_its_main_islands_not_to_every_islet(
    service, store_engine
) -> None:
    frame = map_frame(_state(unit="755"), service)
    (south, west), (north, east) = frame["bounds"]
    parts = _parts(store_engine, "755")
    largest = max(parts, key=lambda p: p.area)
    lon0, lat0, lon1, lat1 = largest.bounds
    assert west <= lon0 and lon1 <= east and south <= lat0 and lat1 <= north
    whole_west = min(p.bounds[0] for p in parts)
    whole_east = max(p.bounds[2] for p in parts)
    assert east - west < 0.5 * (whole_east - whole_west)  # the far islets are left out
    # a district on the mainland is fitted to the whole of it
    (s2, w2), (n2, e2) = map_frame(_state(unit="750"), service)["bounds"]
    mainland = _parts(store_engine, "750")
    assert w2 <= min(p.bounds[0] for p in mainland) and max(p.bounds[2] for p in mainland) <= e2
