"""The analysis tabs on a real store: cached answers, gap-register files, the download callback."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from app.factory import create_app
from app.settings import Settings
from geodata.analysis.gaps import gap_register
from geodata.exports.gaps import export_gaps, gaps_filename
from geodata.service.analysis import AnalysisCache
from geodata.service.map_service import MapService
from geodata.store.models import Village
from geodata.view import View
from layers import ids

GAPS = {
    "indicator": "mobile_broadband_villages",
    "period": "2023",
    "vintage": "2020",
    "level": "village",
}


def _uncovered(engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.scalars(
                text(
                    "SELECT code FROM observation WHERE indicator_key = 'mobile_broadband_villages'"
                    " AND period = '2023' AND level = 'village' AND numerator = 0"
                )
            )
        )


def test_answers_are_cached_per_data_version_and_json_ready(store_engine) -> None:
    version = [0]
    cache = AnalysisCache(store_engine, lambda: version[0])
    card = cache.scorecard("2024", "2020", "77")
    assert cache.scorecard("2024", "2020", "77") is card  # computed once
    version[0] = 1  # an import was committed or rolled back
    again = cache.scorecard("2024", "2020", "77")
    assert again is not card and again == card
    json.dumps(card, allow_nan=False)  # no NaN: plain JSON for the browser
    assert [p["pillar"] for p in card["pillars"]] == ["chinh_quyen_so", "kinh_te_so", "xa_hoi_so"]
    assert cache.scorecard("2024", "2020", "nope") is None


def test_the_island_district_is_held_to_its_own_threshold(store_engine) -> None:
    card = MapService(store_engine).analysis.scorecard("2024", "2020", "755")
    fibre = next(row for row in card["rows"] if row["key"] == "fibre_households")
    assert fibre["target"] == 70.0 and fibre["target_scope"] == "755"
    assert fibre["status"] == ("met" if fibre["value"] >= 70.0 else "not_met")


def test_compare_ranking_and_trend_answers(store_engine) -> None:
    analysis = MapService(store_engine).analysis
    matrix = analysis.compare(["750", "751", "752"], "2024", "2020")
    assert [u["code"] for u in matrix["units"]] == ["750", "751", "752"]
    assert all(set(row["cells"]) == {"750", "751", "752"} for row in matrix["rows"])
    assert analysis.compare(["750", "26677"], "2024", "2020") is None  # mixed levels
    ranking = analysis.ranking("fibre_households", "2024", "2020", "district")
    assert [r["rank"] for r in ranking] == sorted(r["rank"] for r in ranking)
    assert len(ranking) == 8
    trend = analysis.trend("26677", "2020")
    fibre = [r for r in trend if r["indicator"] == "fibre_households"]
    assert [r["period"] for r in fibre] == ["2023", "2024", "2025"]
    assert [r["vintage_change_before"] for r in fibre] == [False, False, True]


def test_the_gap_register_files_hold_exactly_the_register(store_engine) -> None:
    uncovered = _uncovered(store_engine)
    with Session(store_engine) as session:
        register = gap_register(session, *GAPS.values())
        files = {
            fmt: export_gaps(session, View(**GAPS), fmt=fmt) for fmt in ("csv", "xlsx", "geojson")
        }
    assert set(register["code"]) == uncovered
    table = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert {row["code"] for row in table} == uncovered
    assert {row["met"] for row in table} == {"false"} and {row["shortfall"] for row in table} == {
        "1"
    }
    sheet = load_workbook(io.BytesIO(files["xlsx"]))["data"]
    assert sheet.max_row == len(uncovered) + 1
    collection = json.loads(files["geojson"])
    assert "crs" not in collection and collection["dxmap"]["view"]["below_target"] is True
    points = {f["properties"]["code"]: f["geometry"] for f in collection["features"]}
    assert set(points) == uncovered
    assert all(g["type"] == "Point" for g in points.values())
    first = register.iloc[0]
    assert points[first["code"]]["coordinates"] == [
        round(first["lon"], 6),
        round(first["lat"], 6),
    ]
    name = gaps_filename(View(**GAPS), fmt="csv")
    assert name == "dxmap-gaps_mobile_broadband_villages_village_2023_v2020_below-target.csv"


def test_the_gap_xlsx_is_headed_in_vietnamese_and_the_csv_keeps_the_contract_keys(
    store_engine,
) -> None:
    with Session(store_engine) as session:
        csv_data = export_gaps(session, View(**GAPS), fmt="csv")
        book = load_workbook(io.BytesIO(export_gaps(session, View(**GAPS), fmt="xlsx")))
    keys = next(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    assert keys[:3] == ["code", "name", "level"] and "shortfall" in keys
    header = [cell.value for cell in book["data"][1]]
    assert len(header) == len(keys)
    assert header[:3] == ["Mã", "Tên", "Cấp"] and "Còn thiếu" in header
    # the metadata sheet maps every label back to its key
    meta = [[c.value for c in row][:2] for row in book["metadata"].iter_rows()]
    start = meta.index(["label", "key"])
    assert [row[1] for row in meta[start + 1 : start + 1 + len(keys)]] == keys


def test_gap_files_are_safe_against_formula_injection(store_engine) -> None:
    code = sorted(_uncovered(store_engine))[0]
    with Session(store_engine) as session, session.begin():
        session.execute(update(Village).where(Village.code == code).values(name="=1+2"))
    with Session(store_engine) as session:
        data = export_gaps(session, View(**GAPS), fmt="csv")
        book = load_workbook(io.BytesIO(export_gaps(session, View(**GAPS), fmt="xlsx")))
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows[code]["name"] == "'=1+2"
    cells = [c for row in book["data"].iter_rows() for c in row if c.value == "'=1+2"]
    assert cells and cells[0].data_type == "s"


def test_a_selected_unit_narrows_the_file_to_its_row(store_engine) -> None:
    with Session(store_engine) as session:
        params = {**GAPS, "level": "commune", "indicator": "fibre_households"}
        every = gap_register(session, *params.values())
        one = every.iloc[0]["code"]
        data = export_gaps(session, View(**params), fmt="csv", code=one)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["code"] for r in rows] == [one]


@pytest.fixture
def client(store_url: str, tmp_path):
    app = create_app(Settings(database_url=store_url, instance_dir=tmp_path))
    return app, app.server.test_client()


def test_the_download_button_sends_the_register_on_screen(client) -> None:
    app, test_client = client
    output = next(key for key in app.callback_map if key.startswith(f"{ids.GAP_DOWNLOAD}."))
    state = {
        "indicator": "mobile_broadband_villages",
        "period": "2023",
        "vintage": "2020",
        "unit": "750",  # the map's selection scopes the file like the grid
        "scheme": "quantiles",
        "lang": "vi",
    }
    payload = {
        "output": output,
        "outputs": {"id": ids.GAP_DOWNLOAD, "property": "data"},
        "inputs": [
            {"id": ids.GAP_CSV, "property": "n_clicks", "value": 1},
            {"id": ids.GAP_XLSX, "property": "n_clicks", "value": 0},
            {"id": ids.GAP_GEOJSON, "property": "n_clicks", "value": 0},
        ],
        "state": [
            {"id": ids.VIEW, "property": "data", "value": state},
            {"id": ids.GAP_LEVEL, "property": "value", "value": "village"},
        ],
        "changedPropIds": [f"{ids.GAP_CSV}.n_clicks"],
    }
    response = test_client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:300]
    sent = response.get_json()["response"][ids.GAP_DOWNLOAD]["data"]
    assert sent["filename"].endswith("_village_in-750_2023_v2020_below-target.csv")
    content = base64.b64decode(sent["content"]).decode("utf-8-sig")
    codes = {row["code"] for row in csv.DictReader(io.StringIO(content))}
    assert codes and all(row_parent == "750" for row_parent in _districts(app, codes))


def _districts(app, codes: set[str]) -> list[str]:
    service = app.server.extensions["dxmap.service"]
    return [service.unit("2020", code.split("-")[0])["parent_code"] for code in codes]
