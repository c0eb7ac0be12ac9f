"""Boundary loading into a SQLite store: counts, codes, crosswalk, display geometry, reloads."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import func, select

from geodata.areas.manifest import load_area
from geodata.boundaries.files import read_code_list
from geodata.boundaries.load import BoundaryLoadError, former_names, load_boundaries, read_crosswalk
from geodata.store.engine import create_schema, make_engine, transaction
from geodata.store.geometry import from_wkb, unit_bounds, units_frame
from geodata.store.models import CrosswalkLink, Layer, Unit, Vintage

EXPECTED = {
    ("2020", "province"): 1,
    ("2020", "district"): 8,
    ("2020", "commune"): 82,
    ("2025-01", "province"): 1,
    ("2025-01", "district"): 7,
    ("2025-01", "commune"): 77,
    ("2025-07", "province"): 1,
    ("2025-07", "commune"): 30,
}
CODE_LISTS = {"2020": "gso_units_77_2024-11-01.csv", "2025-01": "gso_units_77_2025-03-01.csv"}
M_PER_DEG = 111_000


def _engine(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    return engine


def _load(engine, geodata_dir: Path):
    with transaction(engine) as session:
        return load_boundaries(session, load_area("brvt", geodata_dir))


def _counts(engine) -> dict[tuple[str, str], int]:
    with transaction(engine) as session:
        rows = session.execute(
            select(Unit.vintage_key, Unit.level, func.count()).group_by(
                Unit.vintage_key, Unit.level
            )
        ).all()
    return {(v, lv): n for v, lv, n in rows}


def _table_sizes(engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Vintage, Layer, Unit, CrosswalkLink)
        }


def _mirror(geodata_dir: Path, target: Path, skip: str | None = None) -> Path:
    """A folder of symlinks to the real files (so one file can be removed or replaced)."""
    target.mkdir()
    for path in geodata_dir.iterdir():
        if path.name != skip:
            (target / path.name).symlink_to(path)
    return target


def _rewrite_geojson(folder: Path, name: str, change) -> None:
    source = (folder / name).resolve()
    data = json.loads(source.read_text(encoding="utf-8"))
    change(data)
    (folder / name).unlink()
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, geodata_dir: Path):
    engine = _engine(tmp_path_factory.mktemp("boundaries") / "dxmap.sqlite")
    result = _load(engine, geodata_dir)
    yield engine, result
    engine.dispose()


def test_every_vintage_has_the_expected_units_per_level(loaded):
    engine, result = loaded
    assert _counts(engine) == EXPECTED
    assert "82 commune" in result.summary and "30 commune" in result.summary


def test_the_shipped_files_pass_every_check(loaded):
    _, result = loaded
    assert result.findings == []


def test_three_vintages_are_stored(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        vintages = {v.key: v.levels for v in session.scalars(select(Vintage))}
    assert vintages == {
        "2020": "province,district,commune",
        "2025-01": "province,district,commune",
        "2025-07": "province,commune",
    }


@pytest.mark.parametrize("vintage", ["2020", "2025-01"])
def test_codes_names_types_and_parents_come_from_the_gso_list(loaded, geodata_dir, vintage):
    engine, _ = loaded
    gso = read_code_list(geodata_dir / CODE_LISTS[vintage])
    with transaction(engine) as session:
        units = session.execute(
            select(Unit.code, Unit.name, Unit.type, Unit.level, Unit.parent_code).where(
                Unit.vintage_key == vintage
            )
        ).all()
    assert all(isinstance(u.code, str) for u in units)
    stored = {u.code: (u.name, u.type, u.level, u.parent_code or "") for u in units}
    official = {
        r.code: (r.name, r.type, r.level, r.parent_code) for r in gso.itertuples(index=False)
    }
    assert stored == official


def test_names_follow_each_vintage(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        names = dict(
            session.execute(
                select(Unit.vintage_key + "/" + Unit.code, Unit.name).where(
                    Unit.code.in_(["754", "753", "26677"])
                )
            ).all()
        )
    assert names["2020/754"] == "Thị xã Phú Mỹ"
    assert names["2025-01/754"] == "Thành phố Phú Mỹ"
    assert names["2020/753"] == "Huyện Đất Đỏ"
    assert names["2025-01/753"] == "Huyện Long Đất"


def test_phuoc_hung_moves_from_long_dien_to_long_dat(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        parents = dict(
            session.execute(
                select(Unit.vintage_key, Unit.parent_code).where(Unit.code == "26677")
            ).all()
        )
    assert parents == {"2020": "752", "2025-01": "753"}


def test_con_dao_district_is_a_leaf(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        assert units_frame(session, "2020", "commune", parent_code="755").empty
        con_dao = units_frame(session, "2020", "district").set_index("code").loc["755"]
    assert con_dao["name"] == "Huyện Côn Đảo"
    assert con_dao.geometry.is_valid and not con_dao.geometry.is_empty


def test_2025_07_units_hang_under_a_derived_root(loaded, geodata_dir):
    engine, _ = loaded
    area = load_area("brvt", geodata_dir)
    crosswalk = read_crosswalk(area, area.crosswalks[1])
    with transaction(engine) as session:
        units = units_frame(session, "2025-07", "commune", display=False)
        root = units_frame(session, "2025-07", "province", display=False)
        assert units_frame(session, "2025-07", "district").empty
    assert set(units["code"]) == set(crosswalk["code_2025_07"])
    assert set(units["parent_code"]) == {"77"}
    assert set(units["type"]) == {"Phường", "Xã", "Đặc khu"}
    assert (units["type"] == "Phường").sum() == 11 and (units["type"] == "Xã").sum() == 18
    assert root["code"].tolist() == ["77"]
    assert root["name"].iloc[0] == "Khu vực Bà Rịa - Vũng Tàu cũ (thuộc TP Hồ Chí Minh)"
    assert root["type"].iloc[0] == "Khu vực"
    assert root.geometry.iloc[0].area == pytest.approx(
        shapely.area(units.geometry.values).sum(), rel=1e-3
    )


def test_units_frame_is_a_geodataframe_in_wgs84_with_string_columns(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        frame = units_frame(session, "2020", "commune", parent_code="752")
        empty = units_frame(session, "2020", "village")
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [
        "code",
        "name",
        "type",
        "level",
        "parent_code",
        "vintage",
        "geometry",
    ]
    assert len(frame) == 7 and "26677" in set(frame["code"])
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in ["code", "parent_code"])
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_unit_bounds_give_the_box_of_a_unit(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        box = unit_bounds(session, "2020", "755")
        province = unit_bounds(session, "2020", "77")
        assert unit_bounds(session, "2020", "99999") is None
    min_lon, min_lat, max_lon, max_lat = box
    assert 106.0 < min_lon < max_lon < 106.8 and 8.4 < min_lat < max_lat < 8.9  # Côn Đảo
    assert province[0] <= min_lon and province[1] <= min_lat


def test_layers_record_licence_hash_and_redistribution(loaded, geodata_dir):
    engine, _ = loaded
    with transaction(engine) as session:
        layers = {(lay.vintage_key, lay.level): lay for lay in session.scalars(select(Layer))}
        orphans = session.scalar(select(func.count()).where(Unit.layer_id.is_(None)))
    assert set(layers) == set(EXPECTED)
    assert orphans == 0
    communes = layers[("2020", "commune")]
    assert communes.file_name == "brvt_communes_2020-2024_gadm41.geojson"
    assert communes.redistributable is False and "GADM" in communes.attribution
    assert layers[("2020", "district")].redistributable is True
    assert json.loads(communes.report) == []
    import hashlib

    digest = hashlib.sha256((geodata_dir / communes.file_name).read_bytes()).hexdigest()
    assert communes.file_sha256 == digest


def test_search_key_and_bbox_are_filled(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        unit = session.scalars(
            select(Unit).where(Unit.vintage_key == "2020", Unit.code == "26677")
        ).one()
    assert unit.search_key == "xa phuoc hung"
    geometry = from_wkb(unit.geometry)
    assert (unit.min_lon, unit.min_lat, unit.max_lon, unit.max_lat) == pytest.approx(
        geometry.bounds
    )


# ---- crosswalk -------------------------------------------------------------------------------


def _links(engine, from_v: str, to_v: str) -> dict[str, set[str]]:
    with transaction(engine) as session:
        rows = session.execute(
            select(CrosswalkLink.from_code, CrosswalkLink.to_code, CrosswalkLink.weight).where(
                CrosswalkLink.from_vintage == from_v, CrosswalkLink.to_vintage == to_v
            )
        ).all()
    assert all(w == 1.0 for _, _, w in rows)
    out: dict[str, set[str]] = {}
    for src, dst, _ in rows:
        out.setdefault(src, set()).add(dst)
    return out


def test_every_2020_commune_and_con_dao_maps_to_exactly_one_2025_07_unit(loaded):
    engine, _ = loaded
    links = _links(engine, "2020", "2025-07")
    with transaction(engine) as session:
        communes = set(units_frame(session, "2020", "commune")["code"])
        new_units = set(units_frame(session, "2025-07", "commune")["code"])
    sources = communes | {"755"}
    assert sources <= set(links)
    assert all(len(links[code]) == 1 for code in sources)
    targets = {next(iter(links[code])) for code in sources}
    assert len(targets) == 30 and targets == new_units
    assert links["755"] == {"26732"}
    assert links["77"] == {"77"}


def test_2020_to_2025_01_links_communes_and_districts(loaded):
    engine, _ = loaded
    links = _links(engine, "2020", "2025-01")
    assert links["26551"] == {"26560"}  # Phước Hiệp → Phước Trung
    assert links["26692"] == {"26689"}  # TT Phước Hải keeps going under 26689
    assert links["752"] == {"753"} and links["753"] == {"753"}
    assert links["755"] == {"755"} and links["747"] == {"747"}
    assert links["77"] == {"77"}
    districts = {code for code in links if len(code) == 3}
    assert len(districts) == 8


def test_2025_01_to_2025_07_links_are_deduplicated(loaded):
    engine, _ = loaded
    links = _links(engine, "2025-01", "2025-07")
    with transaction(engine) as session:
        communes_2025 = set(units_frame(session, "2025-01", "commune")["code"])
    assert set(links) == communes_2025 | {"755", "77"}
    assert all(len(targets) == 1 for targets in links.values())
    assert links["755"] == {"26732"}


def test_read_crosswalk_has_string_codes(geodata_dir):
    area = load_area("brvt", geodata_dir)
    crosswalk = read_crosswalk(area, area.crosswalks[0])
    assert len(crosswalk) == 83
    for column in ("code_2024", "code_2025_03", "code_2025_07"):
        assert pd.api.types.is_string_dtype(crosswalk[column])
    assert crosswalk.loc[crosswalk["code_2024"] == "755", "code_2025_07"].item() == "26732"


def test_former_names_list_the_2020_predecessors(loaded):
    engine, _ = loaded
    with transaction(engine) as session:
        vung_tau = former_names(session, "2025-07", "26506")
        con_dao = former_names(session, "2025-07", "26732")
        long_dat = former_names(session, "2025-01", "753")
        phuoc_trung = former_names(session, "2025-01", "26560")
        assert former_names(session, "2020", "26506") == []
        assert former_names(session, "2025-07", "00000") == []
    assert ("26506", "Phường 1") in vung_tau and ("26521", "Phường Thắng Nhì") in vung_tau
    assert len(vung_tau) == 7
    assert con_dao == [("755", "Huyện Côn Đảo")]
    assert long_dat == [("752", "Huyện Long Điền"), ("753", "Huyện Đất Đỏ")]
    assert phuoc_trung == [("26551", "Phường Phước Hiệp")]


# ---- display geometry ------------------------------------------------------------------------


def _vertices(series) -> int:
    return int(shapely.get_num_coordinates(np.asarray(series.values, dtype=object)).sum())


def _frames(engine, vintage: str, level: str):
    with transaction(engine) as session:
        full = units_frame(session, vintage, level, display=False).set_index("code")
        shown = units_frame(session, vintage, level, display=True).set_index("code")
    return full, shown


@pytest.mark.parametrize(
    ("vintage", "level"),
    [("2020", "district"), ("2020", "commune"), ("2025-01", "commune"), ("2025-07", "commune")],
)
def test_display_geometry_is_valid_and_lighter(loaded, vintage, level):
    engine, _ = loaded
    full, shown = _frames(engine, vintage, level)
    assert shown.geometry.is_valid.all() and not shown.geometry.is_empty.any()
    assert set(shown.geom_type) <= {"Polygon", "MultiPolygon"}
    assert _vertices(shown.geometry) < _vertices(full.geometry)
    # each unit is still where it was: its display polygon holds most of its own area
    overlap = shapely.area(shapely.intersection(shown.geometry.values, full.geometry.values))
    assert (overlap / shapely.area(full.geometry.values) > 0.8).all()


NEAR = 0.0002  # degrees, about 22 m


@pytest.mark.parametrize(
    ("vintage", "level"),
    [("2020", "district"), ("2020", "commune"), ("2025-01", "commune"), ("2025-07", "commune")],
)
def test_neighbours_still_share_borders_without_overlaps(loaded, vintage, level):
    """Neighbours in the source (touching along a line, or overlapping like GADM slivers) keep
    a common border in the display geometry, about as long as their source border, and no
    longer overlap."""
    engine, _ = loaded
    full, shown = _frames(engine, vintage, level)
    checked = 0
    for a, b in itertools.combinations(full.index, 2):
        source_a, source_b = full.geometry[a], full.geometry[b]
        if shapely.get_dimensions(source_a.intersection(source_b)) < 1:
            continue  # not neighbours, or meeting at a single point
        border = source_a.boundary.intersection(source_b.buffer(NEAR)).length * M_PER_DEG
        if border < 300:
            continue
        checked += 1
        shown_a, shown_b = shown.geometry[a], shown.geometry[b]
        shared = shown_a.boundary.intersection(shown_b.boundary).length * M_PER_DEG
        assert shared > 0.4 * border, f"{a}/{b}: common border {border:.0f} m → {shared:.0f} m"
        assert shown_a.intersection(shown_b).area * M_PER_DEG**2 < 1, f"{a}/{b} overlap"
    assert checked >= 10


def test_known_neighbours_keep_a_long_common_border(loaded):
    engine, _ = loaded
    _, shown = _frames(engine, "2020", "commune")
    # Phước Hưng (26677) and Long Hải (26662) share about 6 km of border
    geometry = shown.geometry
    border = geometry["26677"].boundary.intersection(geometry["26662"].boundary).length
    assert border * M_PER_DEG > 4000


def _holes(geometries) -> tuple[int, float]:
    union = shapely.union_all(np.asarray(geometries, dtype=object))
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    big = [h for h in holes if h.area * M_PER_DEG**2 > 10_000]  # larger than 1 ha
    return len(big), sum(h.area for h in holes)


@pytest.mark.parametrize(
    ("vintage", "level"),
    [("2020", "district"), ("2020", "commune"), ("2025-01", "commune"), ("2025-07", "commune")],
)
def test_display_union_has_no_new_gaps(loaded, vintage, level):
    engine, _ = loaded
    full, shown = _frames(engine, vintage, level)
    full_big, full_area = _holes(full.geometry.values)
    shown_big, shown_area = _holes(shown.geometry.values)
    assert shown_big <= full_big
    assert shown_area <= full_area + 1e-9
    union_full = shapely.union_all(full.geometry.values)
    union_shown = shapely.union_all(shown.geometry.values)
    assert union_shown.area == pytest.approx(union_full.area, rel=0.01)


# ---- idempotence, changed and missing files --------------------------------------------------


def test_second_load_changes_nothing(loaded, geodata_dir):
    engine, _ = loaded
    before = _table_sizes(engine)
    result = _load(engine, geodata_dir)
    assert _table_sizes(engine) == before
    assert result.layers_loaded == [] and result.links_added == 0
    assert result.findings == []


def test_changed_file_replaces_its_units_and_reports_a_child_outside(tmp_path, geodata_dir):
    engine = _engine(tmp_path / "dxmap.sqlite")
    _load(engine, geodata_dir)
    before = _table_sizes(engine)
    folder = _mirror(geodata_dir, tmp_path / "geodata")

    def move_phuoc_hung(data):
        for feature in data["features"]:
            if feature["properties"]["code"] == "26677":
                geometry = shapely.geometry.shape(feature["geometry"])
                moved = shapely.affinity.translate(geometry, xoff=0.5)
                feature["geometry"] = shapely.geometry.mapping(moved)

    _rewrite_geojson(folder, "brvt_communes_2020-2024_gadm41.geojson", move_phuoc_hung)
    result = _load(engine, folder)
    assert _table_sizes(engine) == before
    assert result.layers_loaded == ["brvt_communes_2020-2024_gadm41.geojson (2020 commune)"]
    assert any("file changed" in f and "gadm41" in f for f in result.findings)
    assert any("26677 lies outside its parent 752" in f for f in result.findings)
    with transaction(engine) as session:
        layer = session.scalars(
            select(Layer).where(Layer.vintage_key == "2020", Layer.level == "commune")
        ).one()
        assert any("26677" in f for f in json.loads(layer.report))
        moved = unit_bounds(session, "2020", "26677")
    assert moved[0] > 107.5


def test_invalid_geometry_is_repaired_and_reported(tmp_path, geodata_dir):
    folder = _mirror(geodata_dir, tmp_path / "geodata")

    def bow_tie(data):
        for feature in data["features"]:
            if feature["properties"]["code"] == "748":
                x0, y0, x1, y1 = shapely.geometry.shape(feature["geometry"]).bounds
                feature["geometry"] = {
                    "type": "Polygon",
                    "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
                }

    _rewrite_geojson(folder, "brvt_districts_2019-2024_dvhcvn.geojson", bow_tie)
    engine = _engine(tmp_path / "dxmap.sqlite")
    result = _load(engine, folder)
    assert any("repaired invalid geometry of 748" in f for f in result.findings)
    with transaction(engine) as session:
        districts = units_frame(session, "2020", "district", display=False)
    assert districts.geometry.is_valid.all() and len(districts) == 8


def test_missing_file_error_names_the_file(tmp_path, geodata_dir):
    name = "brvt_districts_2025-01_dvhcvn_derived.geojson"
    folder = _mirror(geodata_dir, tmp_path / "geodata", skip=name)
    engine = _engine(tmp_path / "dxmap.sqlite")
    with pytest.raises(BoundaryLoadError, match=name):
        _load(engine, folder)
    assert _table_sizes(engine)["unit"] == 0  # the transaction was rolled back


def test_missing_field_error_names_the_file_and_the_field(tmp_path, geodata_dir):
    name = "brvt_area_units_2025-07_sapnhap.geojson"
    folder = _mirror(geodata_dir, tmp_path / "geodata")

    def drop_code(data):
        for feature in data["features"]:
            feature["properties"].pop("code")

    _rewrite_geojson(folder, name, drop_code)
    engine = _engine(tmp_path / "dxmap.sqlite")
    with pytest.raises(BoundaryLoadError, match=rf"{name}.*'code'"):
        _load(engine, folder)


def test_geodata_dir_is_outside_the_repository(geodata_dir):
    repo = Path(__file__).resolve().parents[2]
    names = set(load_area("brvt", geodata_dir).file_names())
    assert not any(p.name in names for p in repo.rglob("*.geojson"))
    assert all((geodata_dir / name).is_file() for name in names)
    assert os.path.commonpath([repo, geodata_dir.resolve()]) != str(repo)


# ---- manifest --------------------------------------------------------------------------------


def test_manifest_names_every_layer_with_licence_and_upstream():
    area = load_area("brvt")
    assert len(area.layers) == 7
    assert {(lay.vintage, lay.level) for lay in area.layers} == set(EXPECTED) - {
        ("2025-07", "province")
    }
    assert all(lay.licence and lay.attribution and lay.upstream for lay in area.layers)
    assert area.codelist("2020") == "gso_units_77_2024-11-01.csv"
    assert area.codelist("2025-07") is None
    assert {c.file for c in area.crosswalks} == {"crosswalk_77_2024_to_2025-07.csv"}
    assert [(c.from_vintage, c.to_vintage) for c in area.crosswalks] == [
        ("2020", "2025-01"),
        ("2025-01", "2025-07"),
    ]
