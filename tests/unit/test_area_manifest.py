"""The area manifest: shipped areas parse; a bad key is refused naming file, section, key."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path

import pytest

from geodata.areas.manifest import ManifestError, load_area, parse_area

LAYER = {
    "file": "districts.geojson",
    "vintage": "2020",
    "level": "district",
    "code_field": "code",
    "name_field": "name",
    "parent_field": "parent_code",
    "licence": "L",
    "attribution": "A",
    "upstream": "U",
    "redistributable": True,
}
GOOD = {
    "area": {"key": "haugiang", "name_vi": "Tỉnh Hậu Giang", "name_en": "Hau Giang Province"},
    "vintage": [
        {
            "key": "2020",
            "name_vi": "Địa giới 2020",
            "name_en": "Boundaries 2020",
            "valid_from": date(2020, 1, 1),
            "valid_to": date(2025, 6, 30),
            "levels": ["province", "district", "commune"],
        },
        {
            "key": "2025-07",
            "name_vi": "Địa giới 2025",
            "name_en": "Boundaries 2025",
            "valid_from": date(2025, 7, 1),
            "levels": ["province", "commune"],
            "root_code": "93",
        },
    ],
    "layer": [
        {**LAYER, "file": "province.geojson", "level": "province", "parent_field": ""},
        LAYER,
        {**LAYER, "file": "communes.geojson", "level": "commune"},
        {**LAYER, "file": "units_2025.geojson", "vintage": "2025-07", "level": "commune"},
    ],
    "crosswalk": [
        {
            "file": "crosswalk.csv",
            "from_vintage": "2020",
            "to_vintage": "2025-07",
            "from_field": "code_2024",
            "to_field": "code_2025_07",
            "licence": "L",
            "attribution": "A",
        }
    ],
}


def _parse(data: dict, tmp_path: Path, csv_header: str | None = None):
    if csv_header is not None:
        (tmp_path / "crosswalk.csv").write_text(csv_header + "\n", encoding="utf-8")
    return parse_area(data, tmp_path / "haugiang.toml")


def _changed(change) -> dict:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


def test_a_good_manifest_gives_the_area_with_its_vintages_layers_and_crosswalk(tmp_path):
    area = _parse(GOOD, tmp_path, "code_2024,code_2025_07")
    assert area.key == "haugiang" and area.demo == "none" and area.crs is None
    assert [v.key for v in area.vintages] == ["2020", "2025-07"]
    root = area.vintage("2025-07")
    assert root.root_code == "93" and root.root_name_vi == "Tỉnh Hậu Giang"
    assert [lay.level for lay in area.layers_for("2020")] == ["province", "district", "commune"]
    assert area.crosswalks[0].columns() == ("code_2024", "code_2025_07")
    assert area.resolve("crosswalk.csv") == (tmp_path / "crosswalk.csv").resolve()
    assert dict(area.demo_options) == {} and area.villages is None


@pytest.mark.parametrize(
    ("change", "section", "key"),
    [
        (lambda d: d["area"].pop("name_en"), r"\[area\]", "name_en"),
        (lambda d: d["area"].update(key="Hau Giang"), r"\[area\]", "key"),
        (lambda d: d["area"].update(demo="lots"), r"\[area\]", "demo"),
        (lambda d: d["vintage"][0].pop("valid_from"), r"\[\[vintage\]\] #1", "valid_from"),
        (
            lambda d: d["vintage"][0].update(valid_to="30/06/2025"),
            r"\[\[vintage\]\] #1",
            "valid_to",
        ),
        (lambda d: d["vintage"][1].update(valid_from=date(2025, 6, 1)), r"#2", "valid_from"),
        (lambda d: d["vintage"][0].update(valid_to=date(2019, 1, 1)), r"#1", "valid_to"),
        (lambda d: d["vintage"][0].update(key="20 20"), r"\[\[vintage\]\] #1", "key"),
        (lambda d: d["vintage"][0].update(levels=["district", "province"]), r"#1", "levels"),
        (lambda d: d["vintage"][0].update(levels=["province", "ward"]), r"#1", "levels"),
        (
            lambda d: d["vintage"][1].pop("root_code"),
            r"\[\[vintage\]\] #2 \(2025-07\)",
            "root_code",
        ),
        (lambda d: d["layer"][1].pop("code_field"), r"\[\[layer\]\] #2", "code_field"),
        (lambda d: d["layer"][1].update(vintage="2019"), r"\[\[layer\]\] #2", "vintage"),
        (lambda d: d["layer"][3].update(level="district"), r"\[\[layer\]\] #4", "level"),
        (lambda d: d["layer"][1].update(redistributable="yes"), r"#2", "redistributable"),
        (lambda d: d["layer"][1].update(sha256="abc"), r"\[\[layer\]\] #2", "sha256"),
        (lambda d: d["layer"].pop(2), r"\[\[vintage\]\] #1", "levels"),
        (
            lambda d: d["crosswalk"][0].update(to_vintage="2021"),
            r"\[\[crosswalk\]\] #1",
            "to_vintage",
        ),
        (lambda d: d["crosswalk"][0].pop("from_field"), r"\[\[crosswalk\]\] #1", "from_field"),
        (
            lambda d: d["crosswalk"][0].update(from_vintage="2025-07", to_vintage="2020"),
            "#1",
            "to_vintage",
        ),
        (lambda d: d.update(catalogue={"target": "t.csv"}), r"\[catalogue\]", "target"),
    ],
)
def test_a_bad_key_is_named_with_the_file_and_section(tmp_path, change, section, key):
    with pytest.raises(ManifestError) as error:
        _parse(_changed(change), tmp_path, "code_2024,code_2025_07")
    message = str(error.value)
    assert message.startswith(str(tmp_path / "haugiang.toml"))
    assert re.search(section, message), message
    assert f"key {key!r}" in message, message


def test_a_crosswalk_column_absent_from_its_csv_is_refused(tmp_path):
    with pytest.raises(
        ManifestError,
        match=r"\[\[crosswalk\]\] #1 \(crosswalk.csv\) key 'to_field'.*"
        r"'code_2025_07' is not in crosswalk.csv",
    ):
        _parse(GOOD, tmp_path, "code_2024,code_2025")


def test_a_missing_area_table_or_bad_toml_is_refused(tmp_path):
    with pytest.raises(ManifestError, match=r"\[area\] table is missing"):
        parse_area({"vintage": []}, tmp_path / "x.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[area\nkey = 1", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"bad\.toml: not valid TOML"):
        load_area(str(bad))
    with pytest.raises(ManifestError, match="neither a shipped area"):
        load_area("atlantis")


def test_the_three_shipped_areas_parse():
    brvt, hcm, vn = (load_area(name) for name in ("brvt", "hcm", "vn"))
    assert [v.key for v in brvt.vintages] == ["2020", "2025-01", "2025-07"]
    assert brvt.vintage("2025-07").root_code == "77" and brvt.demo == "brvt-2024"
    assert brvt.resolve(brvt.catalogue["targets"]).is_file()
    assert [v.key for v in hcm.vintages] == ["2025-07"]
    assert {lay.where for lay in hcm.layers} == {"code = '79'", "parent_code = '79'"}
    assert vn.vintage("2025-07").levels == ("country", "province", "commune")
    assert vn.vintage("2025-07").root_code == "VN"


def test_relative_files_resolve_against_the_geodata_dir_then_beside_the_manifest(tmp_path):
    (tmp_path / "province.geojson").write_text("{}", encoding="utf-8")
    area = load_area("brvt", tmp_path)
    assert area.resolve("province.geojson") == (tmp_path / "province.geojson").resolve()
    assert area.resolve("missing.geojson") == (tmp_path / "missing.geojson").resolve()
    assert area.resolve(area.catalogue["sources"]).parent.name == "brvt"
