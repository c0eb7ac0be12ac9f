"""The map's download button: the same export as the CLI and the API, for exactly the view shown."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.factory import create_app
from app.settings import Settings
from callbacks.downloads import download
from geodata.rollups.queries import unit_values, village_values
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine
from layers import ids

STATE = {
    "indicator": "fibre_households",
    "period": "2024",
    "vintage": "2020",
    "unit": None,
    "scheme": "quantiles",
    "lang": "vi",
}


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, _base_sqlite: Path) -> str:
    """A read-only SQLite store shared by this module (downloads never write)."""
    path = tmp_path_factory.mktemp("download") / "dxmap.sqlite"
    shutil.copyfile(_base_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def app(store_url: str, tmp_path_factory: pytest.TempPathFactory):
    return create_app(Settings(database_url=store_url, instance_dir=tmp_path_factory.mktemp("i")))


@pytest.fixture(scope="module")
def engine(store_url: str):
    engine = make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def service(engine) -> MapService:
    return MapService(engine)


def _click_download(app, state: dict[str, Any], fmt: str, **choices: Any) -> dict[str, Any]:
    """POST the download callback the way the browser does when the button is clicked."""
    body = {
        "output": f"..{ids.DOWNLOAD}.data...{ids.DOWNLOAD_MESSAGE}.children..",
        "outputs": [
            {"id": ids.DOWNLOAD, "property": "data"},
            {"id": ids.DOWNLOAD_MESSAGE, "property": "children"},
        ],
        "inputs": [{"id": ids.DOWNLOAD_BUTTON, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": ids.VIEW, "property": "data", "value": state},
            {"id": ids.DOWNLOAD_FORMAT, "property": "value", "value": fmt},
            {"id": ids.DOWNLOAD_SCOPE, "property": "value", "value": choices.get("scope")},
            {"id": ids.DOWNLOAD_BELOW, "property": "value", "value": choices.get("below", [])},
            {"id": ids.DOWNLOAD_CRS, "property": "value", "value": choices.get("crs")},
        ],
        "changedPropIds": [f"{ids.DOWNLOAD_BUTTON}.n_clicks"],
    }
    response = app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["response"]


def _file(data: dict[str, Any]) -> bytes:
    assert data["base64"] is True
    return base64.b64decode(data["content"])


def _same(a: Any, b: Any) -> bool:
    missing = [v is None or (isinstance(v, float) and math.isnan(v)) for v in (a, b)]
    if any(missing):
        return all(missing)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    document["dxmap"].pop("generated_at")
    return document


def test_the_button_on_the_default_view_sends_the_8_districts_as_csv(app, engine) -> None:
    out = _click_download(app, STATE, "csv", scope="indicator")
    data = out[ids.DOWNLOAD]["data"]
    assert data["filename"] == "dxmap_fibre_households_district_in-77_2024_v2020.csv"
    rows = list(csv.DictReader(io.StringIO(_file(data).decode("utf-8-sig"))))
    with Session(engine) as session:
        store = unit_values(session, "fibre_households", "2024", "2020", "district", "77")
    assert len(rows) == len(store) == 8
    by_code = {row["code"]: row for row in rows}
    for expected in store.to_dict("records"):
        row = by_code[expected["code"]]
        assert row["level"] == "district" and row["period"] == "2024"
        for column in ("value", "numerator", "denominator", "target"):
            assert _same(float(row[column]), expected[column]), (expected["code"], column)
    message = json.dumps(out[ids.DOWNLOAD_MESSAGE]["children"], ensure_ascii=False)
    assert data["filename"] in message


def test_a_forged_view_gets_a_visible_message_and_no_file(app) -> None:
    out = _click_download(app, {**STATE, "indicator": "no_such_indicator"}, "csv")
    assert ids.DOWNLOAD not in out
    message = out[ids.DOWNLOAD_MESSAGE]["children"]["props"]
    assert message["role"] == "alert" and "no_such_indicator" in message["children"]


def test_a_selected_commune_downloads_its_villages_as_xlsx(service, engine) -> None:
    state = {**STATE, "unit": "26677", "lang": "en"}
    data, _ = download(state, {"fmt": "xlsx", "scope": "indicator"}, service)
    assert data["filename"] == "dxmap_fibre_households_village_in-26677_2024_v2020.xlsx"
    sheet = load_workbook(io.BytesIO(_file(data)), read_only=True)["data"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    table = pd.DataFrame(rows, columns=header)
    with Session(engine) as session:
        store = village_values(session, "fibre_households", "2024", "2020", "26677")
    assert sorted(table["code"]) == sorted(store["code"]) and len(table) == 6
    merged = table.merge(store, on="code", suffixes=("", "_store"))
    assert all(_same(a, b) for a, b in zip(merged["value"], merged["value_store"], strict=True))


def test_con_dao_downloads_its_villages_as_a_vn2000_geopackage(service, tmp_path) -> None:
    state = {**STATE, "unit": "755"}
    choices = {"fmt": "gpkg", "scope": "all", "crs": "vn2000-tm3-10745"}
    data, _ = download(state, choices, service)
    assert data["filename"].startswith("dxmap_all-indicators_village_in-755_2024_v2020")
    path = tmp_path / data["filename"]
    path.write_bytes(_file(data))
    layers = [name for name, _ in pyogrio.list_layers(path) if name != "metadata"]
    frame = pyogrio.read_dataframe(path, layer=layers[0])
    assert frame.crs.to_epsg() == 5899
    assert set(frame["parent_code"]) == {"755"} and set(frame["level"]) == {"village"}
    assert frame["indicator"].nunique() > 1


def test_below_target_keeps_only_the_districts_that_miss_it(service) -> None:
    state = {**STATE, "period": "2023"}
    data, _ = download(state, {"fmt": "csv", "below": ["below"]}, service)
    rows = list(csv.DictReader(io.StringIO(_file(data).decode("utf-8-sig"))))
    everything, _ = download(state, {"fmt": "csv"}, service)
    all_rows = list(csv.DictReader(io.StringIO(_file(everything).decode("utf-8-sig"))))
    assert 0 < len(rows) < len(all_rows)
    assert {row["code"] for row in rows} == {
        row["code"] for row in all_rows if row["met"] in ("False", "false", "0")
    }


@pytest.mark.parametrize(
    ("unit", "query"),
    [
        (None, "level=district&parent=77"),
        ("752", "level=commune&parent=752"),
    ],
)
def test_the_api_geojson_equals_the_ui_download_of_the_same_view(
    app, service, unit: str | None, query: str
) -> None:
    data, _ = download({**STATE, "unit": unit}, {"fmt": "geojson"}, service)
    ui = json.loads(_file(data))
    url = f"/api/v1/geojson?indicator=fibre_households&period=2024&vintage=2020&{query}"
    response = app.server.test_client().get(url)
    assert response.status_code == 200
    api = json.loads(response.get_data(as_text=True))
    assert _without_time(api) == _without_time(ui)
    assert len(ui["features"]) == (8 if unit is None else 7)
