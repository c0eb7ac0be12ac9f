"""Contract tests of the HTTP API (/api/v1) on real stores: SQLite and PostgreSQL."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from flask import Flask
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.api import make_api_blueprint
from geodata.exports.write import export_view
from geodata.rollups import rebuild_all
from geodata.rollups.queries import unit_values, village_values
from geodata.store.engine import make_engine
from geodata.store.geometry import units_frame
from geodata.store.models import Target
from geodata.store.version import bump_data_version
from geodata.values.columns import UNIT_COLUMNS
from geodata.view import View

API = "/api/v1"
PRODUCT_INDICATORS = {
    "mobile_broadband_villages",
    "fibre_households",
    "smartphone_households",
    "eid_adults",
    "public_service_accounts",
    "payment_accounts_15plus",
    "digital_signature_adults",
    "cashless_merchants",
    "ecommerce_farm_households",
    "online_utility_bills",
    "community_tech_teams",
    "full_online_procedures",
}
VIEWS = [
    # indicator, period, vintage, level, parent
    ("fibre_households", "2024", "2020", "district", None),
    ("fibre_households", "2024", "2020", "commune", "752"),
    ("fibre_households", "2024", "2020", "commune", "755"),  # Côn Đảo: a leaf district
    ("cashless_merchants", "2024", "2025-07", "commune", None),  # 2024 data on 2025-07 units
    ("community_tech_teams", "2023", "2025-01", "district", None),
    ("mobile_broadband_villages", "2025", "2025-07", "province", None),
]


def _client(engine) -> Any:
    app = Flask("api-test")
    app.register_blueprint(make_api_blueprint(engine))
    return app.test_client()


@pytest.fixture
def client(store_engine):
    """A bare Flask app with only the API blueprint, on each backend."""
    return _client(store_engine)


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory: pytest.TempPathFactory, _base_sqlite: Path):
    """A read-only SQLite store shared by the validation tests of this module."""
    path = tmp_path_factory.mktemp("api") / "dxmap.sqlite"
    shutil.copyfile(_base_sqlite, path)
    engine = make_engine(f"sqlite:///{path}")
    yield _client(engine)
    engine.dispose()


def _query(indicator: str, period: str, vintage: str, level: str, parent: str | None) -> str:
    query = f"indicator={indicator}&period={period}&vintage={vintage}&level={level}"
    return query + (f"&parent={parent}" if parent else "")


def _norm(value: Any) -> Any:
    """NaN/NA → None and numpy scalars → Python, independent of the API's own cleaning."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if value is not None and not isinstance(value, str | int | float | bool):
        return None  # pandas NA
    return value


def _same(a: Any, b: Any) -> bool:
    a, b = _norm(a), _norm(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


def _json(response) -> Any:
    assert response.mimetype in ("application/json", "application/geo+json"), response.mimetype
    return json.loads(response.get_data(as_text=True))


def _error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    body = _json(response)
    assert set(body) == {"error"}
    assert body["error"]["message"]
    return body["error"]


def _without_time(document: dict[str, Any]) -> dict[str, Any]:
    document = json.loads(json.dumps(document))
    document["dxmap"].pop("generated_at")
    return document


# --------------------------------------------------------------------------- catalogue endpoints


def test_vintages_lists_the_three_structures_with_their_levels_and_unit_counts(client) -> None:
    response = client.get(f"{API}/vintages")
    assert response.status_code == 200
    items = {v["key"]: v for v in _json(response)["items"]}
    assert list(items) == ["2020", "2025-01", "2025-07"]
    assert items["2020"]["units"] == {"province": 1, "district": 8, "commune": 82}
    assert items["2025-01"]["units"] == {"province": 1, "district": 7, "commune": 77}
    assert items["2025-07"]["levels"] == ["province", "commune"]
    assert items["2025-07"]["units"] == {"province": 1, "commune": 30}
    assert items["2025-07"]["valid_to"] is None
    assert all(v["villages"] == 503 for v in items.values())


def test_indicators_hold_the_catalogue_with_its_targets(client, store_engine) -> None:
    body = _json(client.get(f"{API}/indicators"))
    items = {i["key"]: i for i in body["items"]}
    assert set(items) >= PRODUCT_INDICATORS
    assert set(body["pillars"]) == {"chinh_quyen_so", "kinh_te_so", "xa_hoi_so"}
    assert {"2023", "2024"} <= set(items["fibre_households"]["periods"])
    with Session(store_engine) as session:
        stored = {
            (t.indicator_key, t.period, t.scope_code, t.comparator, t.threshold, t.is_example)
            for t in session.scalars(select(Target))
        }
    served = {
        (key, t["period"], t["scope"], t["comparator"], t["threshold"], t["is_example"])
        for key, item in items.items()
        for t in item["targets"]
    }
    assert served == stored
    assert any(t["scope"] == "755" for t in items["fibre_households"]["targets"])


def test_units_of_a_level_are_the_stored_units(client, store_engine) -> None:
    body = _json(client.get(f"{API}/units?vintage=2020&level=district"))
    with Session(store_engine) as session:
        expected = units_frame(session, "2020", "district")
    assert [u["code"] for u in body["items"]] == list(expected["code"])
    assert [u["name"] for u in body["items"]] == list(expected["name"])
    assert body["count"] == 8
    assert all(len(u["bbox"]) == 4 for u in body["items"])


def test_units_inside_a_parent_and_the_leaf_district(client) -> None:
    communes = _json(client.get(f"{API}/units?vintage=2020&level=commune&parent=752"))["items"]
    assert communes and all(u["parent_code"] == "752" for u in communes)
    leaf = _json(client.get(f"{API}/units?vintage=2020&level=commune&parent=755"))["items"]
    assert [(u["code"], u["level"]) for u in leaf] == [("755", "district")]
    villages = _json(client.get(f"{API}/units?vintage=2020&level=village&parent=752"))["items"]
    assert villages and {v["parent_code"] for v in villages} <= {u["code"] for u in communes}
    assert all(isinstance(v["lon"], float) and isinstance(v["lat"], float) for v in villages)
    everything = _json(client.get(f"{API}/units?vintage=2025-07"))["items"]
    assert len(everything) == 31 and {u["level"] for u in everything} == {"province", "commune"}


# --------------------------------------------------------------------------- values and geojson


@pytest.mark.parametrize(("indicator", "period", "vintage", "level", "parent"), VIEWS)
def test_values_equal_unit_values_for_the_same_view(
    client, store_engine, indicator, period, vintage, level, parent
) -> None:
    response = client.get(f"{API}/values?{_query(indicator, period, vintage, level, parent)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = _json(response)
    assert (body["indicator"], body["period"], body["vintage"]) == (indicator, period, vintage)
    assert (body["level"], body["parent"]) == (level, parent)
    with Session(store_engine) as session:
        expected = unit_values(session, indicator, period, vintage, level, parent)
    assert [item["code"] for item in body["items"]] == list(expected["code"])
    for item, (_, row) in zip(body["items"], expected.iterrows(), strict=True):
        assert list(item)[: len(UNIT_COLUMNS)] == list(UNIT_COLUMNS)
        for column in UNIT_COLUMNS:
            assert _same(item[column], row[column]), (item["code"], column)
    provenances = [item["provenance"] for item in body["items"] if item["value"] is not None]
    assert body["synthetic"] == ("synthetic" in provenances)
    assert body["provenance_summary"]["synthetic"] == provenances.count("synthetic")
    assert sum(body["provenance_summary"].values()) == body["count"] == len(body["items"])


def test_values_of_villages_equal_village_values(client, store_engine) -> None:
    body = _json(
        client.get(f"{API}/values?{_query('fibre_households', '2024', '2020', 'village', '26506')}")
    )
    with Session(store_engine) as session:
        expected = village_values(session, "fibre_households", "2024", "2020", "26506")
    assert [i["code"] for i in body["items"]] == list(expected["code"])
    for item, (_, row) in zip(body["items"], expected.iterrows(), strict=True):
        for column in ("value", "numerator", "denominator", "target", "met", "provenance"):
            assert _same(item[column], row[column])
        assert item["level"] == "village" and item["parent_code"] == row["parent_code"]


def test_values_without_vintage_use_the_vintage_in_force_at_the_period_end(sqlite_client) -> None:
    view = "indicator=fibre_households&level=province"
    assert _json(sqlite_client.get(f"{API}/values?{view}&period=2024"))["vintage"] == "2020"
    assert _json(sqlite_client.get(f"{API}/values?{view}&period=2025"))["vintage"] == "2025-07"
    assert _json(sqlite_client.get(f"{API}/values?{view}&period=2025-H1"))["vintage"] == "2025-01"


def test_below_target_keeps_exactly_the_units_that_miss_their_target(client) -> None:
    view = _query("fibre_households", "2023", "2020", "commune", None)
    everything = _json(client.get(f"{API}/values?{view}"))["items"]
    below = _json(client.get(f"{API}/values?{view}&below_target=true"))["items"]
    assert below, "the 2023 demo data has gaps to find"
    assert [i["code"] for i in below] == [i["code"] for i in everything if i["met"] is False]
    assert len(below) < len(everything)


@pytest.mark.parametrize(("indicator", "period", "vintage", "level", "parent"), VIEWS[:4])
@pytest.mark.parametrize("below_target", [False, True])
def test_geojson_is_the_geojson_export_of_the_same_view(
    client, store_engine, indicator, period, vintage, level, parent, below_target
) -> None:
    query = _query(indicator, period, vintage, level, parent)
    response = client.get(f"{API}/geojson?{query}&below_target={str(below_target).lower()}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/geo+json")
    with Session(store_engine) as session:
        view = View(
            level=level,
            vintage=vintage,
            period=period,
            indicator=indicator,
            parent=parent,
            below_target=below_target,
        )
        exported = export_view(session, view, fmt="geojson")
    served = _json(response)
    # The only difference allowed is the moment each file was generated.
    assert _without_time(served) == _without_time(json.loads(exported))
    assert "crs" not in served and served["type"] == "FeatureCollection"
    values = _json(client.get(f"{API}/values?{query}&below_target={str(below_target).lower()}"))
    assert [f["properties"]["code"] for f in served["features"]] == [
        i["code"] for i in values["items"]
    ]


# --------------------------------------------------------------------------- errors

VALUES = "indicator=fibre_households&period=2024&vintage=2020&level=commune"
BAD_PARAMETERS = [
    ("values?period=2024&vintage=2020&level=commune", "indicator"),
    ("values?indicator=fibre_households&vintage=2020&level=commune", "period"),
    ("values?indicator=fibre_households&period=2024&vintage=2020", "level"),
    ("values?indicator=no_such_indicator&period=2024&vintage=2020&level=commune", "indicator"),
    ("values?indicator=fibre_households&period=24&vintage=2020&level=commune", "period"),
    ("values?indicator=fibre_households&period=2024-H3&vintage=2020&level=commune", "period"),
    ("values?indicator=fibre_households&period=2024&vintage=2019&level=commune", "vintage"),
    ("values?indicator=fibre_households&period=2024&vintage=2020&level=ward", "level"),
    ("values?indicator=fibre_households&period=2024&vintage=2025-07&level=district", "level"),
    (f"values?{VALUES}&below_target=maybe", "below_target"),
    (f"values?{VALUES}&parent=7%2047", "parent"),
    (f"values?{VALUES}&parent=26506", "parent"),  # a commune holds no communes
    (f"values?{VALUES}&colour=red", "colour"),
    (f"values?{VALUES}&level=district", "level"),  # given twice
    ("geojson?indicator=fibre_households&period=2024&vintage=2025-07&level=district", "level"),
    ("geojson?indicator=fibre_households&period=x&vintage=2020&level=commune", "period"),
    ("geojson?indicator=nope&period=2024&vintage=2020&level=commune", "indicator"),
    ("units?level=commune", "vintage"),
    ("units?vintage=2030", "vintage"),
    ("units?vintage=2025-07&level=district", "level"),
    ("units?vintage=2020&level=district&parent=747", "parent"),
    ("vintages?vintage=2020", "vintage"),
    ("indicators?lang=vi", "lang"),
]


@pytest.mark.parametrize(("path", "parameter"), BAD_PARAMETERS)
def test_a_bad_parameter_gets_400_naming_it(sqlite_client, path: str, parameter: str) -> None:
    error = _error(sqlite_client.get(f"{API}/{path}"), 400)
    assert error["parameter"] == parameter
    assert error["status"] == 400


@pytest.mark.parametrize(
    "path",
    [
        f"values?{VALUES}&parent=99999",
        f"geojson?{VALUES}&parent=99999",
        "values?indicator=fibre_households&period=2024&vintage=2025-07&level=commune&parent=752",
        "units?vintage=2020&parent=99999",
    ],
)
def test_an_unknown_parent_unit_gets_404_naming_it(client, path: str) -> None:
    assert _error(client.get(f"{API}/{path}"), 404)["parameter"] == "parent"


@pytest.mark.parametrize("path", ["nothing", "values/fibre_households", "v2/units", "vintages/"])
def test_an_unknown_path_gets_a_json_404(sqlite_client, path: str) -> None:
    _error(sqlite_client.get(f"{API}/{path}"), 404)


@pytest.mark.parametrize("path", ["", "values", "units"])
def test_the_api_is_read_only(sqlite_client, path: str) -> None:
    response = sqlite_client.post(f"{API}/{path}", data={"x": "1"})
    _error(response, 405)
    assert "GET" in response.headers["Allow"]


# --------------------------------------------------------------------------- caching


def test_an_unchanged_answer_is_not_sent_twice_and_a_change_shows(client, store_engine) -> None:
    url = f"{API}/values?{_query('fibre_households', '2024', '2020', 'district', None)}"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert (
        client.get(url.replace("2024", "2023"), headers={"If-None-Match": tag}).status_code == 200
    )
    with Session(store_engine) as session, session.begin():
        session.execute(
            update(Target)
            .where(Target.indicator_key == "fibre_households", Target.period == "2024")
            .values(threshold=Target.threshold + 5)
        )
        # a catalogue change is written as `dxmap init` writes it: roll-ups and version with it
        rebuild_all(session)
        bump_data_version(session, "targets changed")
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert {i["target"] for i in _json(changed)["items"]} >= {95.0}


# --------------------------------------------------------------------------- the OpenAPI document


def _document(sqlite_client) -> dict[str, Any]:
    response = sqlite_client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return _json(response)


def test_the_openapi_document_validates(sqlite_client) -> None:
    document = _document(sqlite_client)
    validate_spec(document)
    assert document["servers"] == [{"url": API}]
    names = {p["name"] for p in document["components"]["parameters"].values() if p["in"] == "query"}
    assert names == {"indicator", "period", "vintage", "level", "parent", "below_target"}


def _example_url(document: dict[str, Any], path: str) -> str:
    parameters = document["paths"][path]["get"]["parameters"]
    resolved = [
        document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]] for p in parameters
    ]
    query = "&".join(f"{p['name']}={str(p['example']).lower()}" for p in resolved)
    return f"{API}{path}" + (f"?{query}" if query else "")


def _response_schema(document: dict[str, Any], path: str, status: str = "200") -> Any:
    content = document["paths"][path]["get"]["responses"][status].get("content", {})
    schema = next(iter(content.values()), {}).get("schema")
    if schema is None:
        return None
    return OAS31Validator({**schema, "components": document["components"]})


def test_every_documented_path_answers_its_documented_schema(sqlite_client) -> None:
    document = _document(sqlite_client)
    assert set(document["paths"]) == {
        "/",
        "/vintages",
        "/indicators",
        "/units",
        "/values",
        "/geojson",
        "/openapi.json",
    }
    for path in document["paths"]:
        response = sqlite_client.get(_example_url(document, path))
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        validator = _response_schema(document, path)
        if validator is not None:
            validator.validate(_json(response))


def test_errors_match_the_documented_error_schema(sqlite_client) -> None:
    document = _document(sqlite_client)
    validator = _response_schema(document, "/values", "400")
    for path, _ in BAD_PARAMETERS[:5]:
        validator.validate(_json(sqlite_client.get(f"{API}/{path}")))
    validator.validate(_json(sqlite_client.get(f"{API}/values?{VALUES}&parent=99999")))


def test_every_answer_is_json_and_readable_from_other_origins(sqlite_client) -> None:
    urls = [f"{API}/", f"{API}/vintages", f"{API}/nothing", f"{API}/values?{VALUES}"]
    urls += [f"{API}/{path}" for path, _ in BAD_PARAMETERS]
    for url in urls:
        response = sqlite_client.get(url)
        _json(response)
        assert response.headers["Access-Control-Allow-Origin"] == "*"


# --------------------------------------------------------------------------- the web app


def test_the_web_app_serves_the_api_beside_the_map(sqlite_store_url: str, geodata_dir) -> None:
    from app.factory import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=sqlite_store_url, geodata_dir=geodata_dir))
    client = app.server.test_client()
    vintages = client.get(f"{API}/vintages")
    assert vintages.status_code == 200 and len(_json(vintages)["items"]) == 3
    # An unknown API path is a JSON 404, not the map page.
    _error(client.get(f"{API}/nothing"), 404)
    # Compressed answers keep their (weak) ETag, so revalidation still saves the work.
    url = f"{API}/geojson?{VALUES}"
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.status_code == 200
    assert gzipped.headers.get("Content-Encoding") == "gzip"
    tag = gzipped.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304
    assert client.get("/").status_code == 200


# --------------------------------------------------------------------------- one View, numbers


@pytest.mark.parametrize(
    "path", ["", "vintages", "indicators", "units", "values", "geojson", "openapi.json"]
)
def test_options_advertise_only_the_read_methods(sqlite_client, path: str) -> None:
    response = sqlite_client.options(f"{API}/{path}")
    assert response.status_code == 200
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}


def test_options_in_the_web_app_advertise_only_the_read_methods(sqlite_store_url: str) -> None:
    from app.factory import create_app
    from app.settings import Settings

    client = create_app(Settings(database_url=sqlite_store_url)).server.test_client()
    for path in ("values", "units", "geojson"):
        allowed = client.options(f"{API}/{path}").headers["Allow"]
        assert {m.strip() for m in allowed.split(",")} == {"GET", "HEAD", "OPTIONS"}, path


def _whole_numbers_are_ints(item: dict[str, Any], where: str) -> None:
    for key in ("n_children", "n_with_data", "households", "adults"):
        if item.get(key) is not None:
            assert type(item[key]) is int, (where, key, item[key])
    for key in ("numerator", "denominator", "value", "target"):
        number = item.get(key)
        if isinstance(number, float):
            assert not number.is_integer(), (where, key, number)


@pytest.mark.parametrize(
    "query",
    [
        _query("fibre_households", "2024", "2020", "province", None),
        _query("fibre_households", "2024", "2020", "commune", "752"),
        _query("mobile_broadband_villages", "2023", "2025-07", "commune", None),
        _query("community_tech_teams", "2024", "2020", "district", None),
        _query("smartphone_households", "2024", "2020", "village", "26506"),
    ],
)
def test_counts_are_whole_numbers_as_in_the_geojson_of_the_same_view(
    sqlite_client, query: str
) -> None:
    items = _json(sqlite_client.get(f"{API}/values?{query}"))["items"]
    features = _json(sqlite_client.get(f"{API}/geojson?{query}"))["features"]
    assert items and len(items) == len(features)
    for item, feature in zip(items, features, strict=True):
        _whole_numbers_are_ints(item, item["code"])
        shared = set(item) & set(feature["properties"])
        assert {k: item[k] for k in shared} == {k: feature["properties"][k] for k in shared}
        for key in shared:  # the same number is the same JSON: 98697 in both, never 98697.0
            assert type(item[key]) is type(feature["properties"][key]), (item["code"], key)
    if "level=village" in query:
        assert all(type(item["households"]) is int for item in items)
    else:
        assert any(item["n_children"] > 0 for item in items)


def test_the_documented_levels_and_vintages_are_the_areas_and_each_answers(sqlite_client) -> None:
    document = _document(sqlite_client)
    parameters = document["components"]["parameters"]
    levels = parameters["UnitsQuery.level"]["schema"]["enum"]
    vintages = parameters["UnitsQuery.vintage"]["schema"]["enum"]
    assert levels == ["province", "district", "commune", "village"]  # brvt: no country
    assert vintages == ["2020", "2025-01", "2025-07"]
    assert parameters["ViewQuery.level"]["schema"]["enum"] == levels
    stored = {v["key"]: v["levels"] for v in _json(sqlite_client.get(f"{API}/vintages"))["items"]}
    for level in levels:  # a schema-valid request gets an answer on a vintage that has the level
        vintage = next(key for key, own in stored.items() if level in (*own, "village"))
        response = sqlite_client.get(f"{API}/units?vintage={vintage}&level={level}")
        assert response.status_code == 200, (level, response.get_data(as_text=True))
        view = f"indicator=fibre_households&period=2024&vintage={vintage}&level={level}"
        assert sqlite_client.get(f"{API}/values?{view}").status_code == 200, level


def test_one_view_parsed_from_api_and_from_cli_arguments_exports_the_same_bytes(
    sqlite_store_url: str,
) -> None:
    from datetime import UTC, datetime

    from app.api.params import parse_view
    from app.cli import build_parser
    from app.cli.export import view_of
    from geodata.view import store_choices

    cli = build_parser().parse_args(
        [
            "export",
            "--format",
            "geojson",
            "--level",
            "commune",
            "--vintage",
            "2020",
            "--period",
            "2023",
            "--indicator",
            "fibre_households",
            "--parent",
            "752",
            "--below-target",
            "-o",
            "-",
        ]
    )
    api = {
        "indicator": ["fibre_households"],
        "period": ["2023"],
        "vintage": ["2020"],
        "level": ["commune"],
        "parent": ["752"],
        "below_target": ["true"],
    }
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        choices = store_choices(session)
        from_api, from_cli = parse_view(api, choices), view_of(cli, choices)
        assert from_api == from_cli
        assert from_api.parent == "752" and from_api.below_target is True
        for fmt in ("geojson", "csv"):  # XLSX and GeoPackage files carry their own clock
            exported = export_view(session, from_api, fmt=fmt, now=now)
            assert exported == export_view(session, from_cli, fmt=fmt, now=now), fmt
            assert b"fibre_households" in exported and b"752" in exported
    engine.dispose()
