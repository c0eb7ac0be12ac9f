"""Areas other than BR-VT: TP HCM and the country load from their shipped manifests, and a
province nobody wrote code for loads from a manifest written from the README alone."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from dash._utils import to_json
from sqlalchemy import func, select

from app.factory import create_app
from app.settings import Settings
from geodata.areas.manifest import load_area
from geodata.areas.text import search_key
from geodata.bootstrap import init_store
from geodata.imports import import_file
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine, transaction
from geodata.store.models import CrosswalkLink, Unit
from geodata.view import View

BRVT_WORDS = ("Bà Rịa", "Vũng Tàu", "BR-VT", "Ba Ria", "Vung Tau", "Côn Đảo", "Con Dao", "brvt")
FORMER_BRVT = {"26506", "26560", "26662", "26732"}  # Vũng Tàu, Phước Trung, Long Hải, Côn Đảo


def _units(engine) -> dict[tuple[str, str], int]:
    with transaction(engine) as session:
        rows = session.execute(
            select(Unit.vintage_key, Unit.level, func.count()).group_by(
                Unit.vintage_key, Unit.level
            )
        ).all()
    return {(v, lv): n for v, lv, n in rows}


def _official(geodata_dir: Path, province: str) -> int:
    with (geodata_dir / "vn" / "vn_units_2025-07.csv").open(encoding="utf-8") as handle:
        return sum(
            1
            for row in csv.DictReader(handle)
            if row["level"] == "commune" and row["parent_code"] == province
        )


# ---- TP Hồ Chí Minh and the country ------------------------------------------------------------


def test_hcm_has_168_communes_with_the_former_brvt_units_among_them(hcm_store_url):
    engine = make_engine(hcm_store_url)
    assert _units(engine) == {("2025-07", "province"): 1, ("2025-07", "commune"): 168}
    service = MapService(engine)
    root = service.root("2025-07")
    assert root["code"] == "79" and root["name"] == "Thành phố Hồ Chí Minh"
    communes = service.units_index("2025-07")
    assert set(communes) >= FORMER_BRVT
    assert communes["26506"]["name"] == "Phường Vũng Tàu"
    assert {communes[c]["parent_code"] for c in root["children"]} == {"79"}
    engine.dispose()


def test_hcm_shows_con_dao_in_an_inset_found_from_the_geometry(hcm_store_url):
    from callbacks.map_view import map_frame

    engine = make_engine(hcm_store_url)
    service = MapService(engine)
    frame = map_frame({"vintage": "2025-07", "unit": None}, service)
    assert frame["level"] == "commune" and frame["parent"] == "79"
    assert frame["inset"]["names"] == ["Đặc khu Côn Đảo"]
    assert frame["bounds"][0][0] > 10.0  # the mainland, not the box down to the islands
    engine.dispose()


def test_vn_has_34_provinces_and_3321_communes_under_the_country(vn_store_url):
    engine = make_engine(vn_store_url)
    assert _units(engine) == {
        ("2025-07", "country"): 1,
        ("2025-07", "province"): 34,
        ("2025-07", "commune"): 3321,
    }
    service = MapService(engine)
    root = service.root("2025-07")
    assert root["code"] == "VN" and root["level"] == "country" and len(root["children"]) == 34
    assert service.child_level("2025-07", "79") == "commune"
    assert len(service.unit("2025-07", "79")["children"]) == 168
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(CrosswalkLink)) == 0
    engine.dispose()


def test_vn_puts_hoang_sa_and_truong_sa_in_the_inset_by_geometry(vn_store_url):
    from callbacks.map_view import map_frame

    engine = make_engine(vn_store_url)
    service = MapService(engine)
    frame = map_frame({"vintage": "2025-07", "unit": None}, service)
    assert frame["level"] == "province" and frame["parent"] == "VN"
    names = {search_key(name) for name in frame["inset"]["names"]}
    assert names == {search_key("Thành phố Đà Nẵng"), search_key("Tỉnh Khánh Hoà")}
    (south, west), (north, east) = frame["bounds"]
    assert east < 110.0  # the mainland's box leaves the archipelagos (111°–118° E) out
    (inset_south, inset_west), (inset_north, inset_east) = frame["inset"]["bounds"]
    assert inset_west > east and inset_east > 117.0  # offshore only, out to Trường Sa's east
    assert inset_south < 8.0 and inset_north > 17.0  # Trường Sa's south to Hoàng Sa's north
    engine.dispose()


# ---- a province nobody wrote code for ---------------------------------------------------------

HELD_OUT = """
[area]
key = "danang"
name_vi = "Thành phố Đà Nẵng"
name_en = "Da Nang City"
demo = "none"

[[vintage]]
key = "2025-07"
name_vi = "Địa giới từ 07/2025"
name_en = "Boundaries from Jul 2025"
valid_from = 2025-07-01
levels = ["province", "commune"]

[[layer]]
file = "vn/vn_provinces_2025-07_sapnhap.geojson"
where = "code = '48'"
vintage = "2025-07"
level = "province"
code_field = "code"
name_field = "name"
type_field = "type"
licence = "No open licence stated upstream"
attribution = "Ranh giới ĐVHC 2025: sapnhap.bando.com.vn"
upstream = "thanglequoc/vietnamese-provinces-database"
redistributable = false

[[layer]]
file = "vn/vn_communes_2025-07_sapnhap.geojson"
where = "parent_code = '48'"
vintage = "2025-07"
level = "commune"
code_field = "code"
name_field = "name"
type_field = "type"
parent_field = "parent_code"
licence = "No open licence stated upstream"
attribution = "Ranh giới ĐVHC 2025: sapnhap.bando.com.vn"
upstream = "thanglequoc/vietnamese-provinces-database"
redistributable = false

[[codelist]]
file = "vn/vn_units_2025-07.csv"
vintage = "2025-07"
"""


@pytest.fixture(scope="module")
def held_out(tmp_path_factory, geodata_dir):
    folder = tmp_path_factory.mktemp("danang")
    manifest = folder / "danang.toml"
    manifest.write_text(HELD_OUT, encoding="utf-8")
    url = f"sqlite:///{folder / 'dxmap.sqlite'}"
    engine = make_engine(url)
    report = init_store(engine, load_area(str(manifest), geodata_dir), with_demo=False)
    engine.dispose()
    return folder, manifest, url, report


def _no_brvt_word(text: str, where: str) -> None:
    for word in BRVT_WORDS:
        assert word.lower() not in text.lower(), f"{word!r} in {where}"


def test_a_held_out_province_loads_and_shows_values_with_no_word_of_brvt(held_out, geodata_dir):
    folder, manifest, url, report = held_out
    communes = _official(geodata_dir, "48")
    assert report.findings == []
    engine = make_engine(url)
    assert _units(engine) == {("2025-07", "province"): 1, ("2025-07", "commune"): communes}
    service = MapService(engine)
    # The choropleth of the province's communes, and the drill into one of them.
    shapes = service.geometry("2025-07", "commune", "48")
    assert len(shapes["features"]) == communes
    code = sorted(service.unit("2025-07", "48")["children"])[0]
    assert service.unit("2025-07", code)["parent_code"] == "48"

    upload = folder / "values.csv"
    upload.write_text(
        f"code,period,indicator,numerator,denominator\n{code},2025,fibre_households,45,60\n",
        encoding="utf-8",
    )
    outcome = import_file(engine, upload, "officer")
    assert outcome.rows_inserted == 1
    export = json.loads(
        service.export(
            View.parse(
                {
                    "level": "commune",
                    "vintage": "2025-07",
                    "period": "2025",
                    "indicator": "fibre_households",
                },
                service.view_choices(),
            ),
            fmt="geojson",
        )
    )
    by_code = {f["properties"]["code"]: f["properties"] for f in export["features"]}
    assert by_code[code]["value"] == pytest.approx(75.0)
    root = service.values("fibre_households", "2025", "2025-07", "province", None)
    assert root["48"]["value"] == pytest.approx(75.0)

    app = create_app(
        Settings(database_url=url, area=str(manifest), geodata_dir=geodata_dir, instance_dir=folder)
    )
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "Thành phố Đà Nẵng" in page
    _no_brvt_word(page, "the page")
    _no_brvt_word(to_json(app.layout()), "the layout")
    for path in ("/api/v1/openapi.json", "/api/v1/vintages"):
        body = client.get(path).get_data(as_text=True)
        _no_brvt_word(body, path)
    assert "Da Nang City" in client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert export["dxmap"]["area"]["name_vi"] == "Thành phố Đà Nẵng"
    _no_brvt_word(json.dumps(export["dxmap"], ensure_ascii=False), "the export's metadata")
    engine.dispose()


def test_a_second_area_in_the_same_store_is_refused(held_out, geodata_dir):
    from geodata.bootstrap import InitError

    _, _, url, _ = held_out
    engine = make_engine(url)
    with pytest.raises(InitError, match=r"\[area\] key 'hcm'.*holds area 'danang'"):
        init_store(engine, load_area("hcm", geodata_dir), with_demo=False)
    engine.dispose()


def test_init_with_a_bad_manifest_says_where_and_writes_nothing(tmp_path, geodata_dir):
    manifest = tmp_path / "bad.toml"
    manifest.write_text(HELD_OUT.replace('level = "commune"', 'level = "district"'), "utf-8")
    store = tmp_path / "dxmap.sqlite"
    result = subprocess.run(
        [sys.executable, "-m", "app", "init"],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "DXMAP_AREA": str(manifest),
            "DXMAP_GEODATA_DIR": str(geodata_dir),
            "DXMAP_DATABASE_URL": f"sqlite:///{store}",
        },
        check=False,
    )
    assert result.returncode != 0
    assert f"{manifest}: [[layer]] #2" in result.stderr and "key 'level'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not store.exists()


def test_the_app_refuses_a_store_of_another_area(hcm_store_url, tmp_path, geodata_dir):
    from app.settings import SettingsError

    settings = Settings(database_url=hcm_store_url, geodata_dir=geodata_dir, instance_dir=tmp_path)
    with pytest.raises(SettingsError, match=r"DXMAP_AREA is 'brvt'.*holds area 'hcm'"):
        create_app(settings)


def test_a_root_with_another_code_in_a_later_vintage_still_gets_the_area_value(
    tmp_path, geodata_dir
):
    brvt = load_area("brvt").source.read_text(encoding="utf-8")
    manifest = tmp_path / "renamed.toml"
    text = brvt.replace('root_code = "77"', 'root_code = "R1"').replace(
        'demo = "brvt-2024"', 'demo = "none"'
    )
    text = re.sub(r"\[catalogue\][^\[]*", "", text)  # the generic catalogue will do
    manifest.write_text(text.replace('key = "brvt"', 'key = "renamed"'), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'dxmap.sqlite'}"
    engine = make_engine(url)
    init_store(engine, load_area(str(manifest), geodata_dir), with_demo=False)
    upload = tmp_path / "values.csv"
    upload.write_text(
        "code,period,indicator,numerator,denominator\n"
        "26506,2024,fibre_households,30,40\n26677,2024,fibre_households,10,60\n",
        encoding="utf-8",
    )
    import_file(engine, upload, "officer")
    service = MapService(engine)
    assert service.root("2025-07")["code"] == "R1"
    root = service.values("fibre_households", "2024", "2025-07", "province", None)
    assert root["R1"]["value"] == pytest.approx(40.0)  # (30 + 10) / (40 + 60)
    engine.dispose()
