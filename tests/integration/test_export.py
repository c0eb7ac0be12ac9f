"""Exports read back equal the store's values; RFC 7946; formula injection; the crosswalk."""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from openpyxl import load_workbook
from pyproj.transformer import TransformerGroup
from sqlalchemy import select, update

from geodata.exports.cells import neutralise_cell
from geodata.exports.rows import COLUMNS
from geodata.exports.write import export_filename, export_view
from geodata.imports import import_file
from geodata.rollups.queries import unit_values, village_values
from geodata.store.engine import make_engine, session_factory, transaction
from geodata.store.geometry import units_frame
from geodata.store.models import Layer, Unit
from geodata.view import View, ViewError, store_choices

TEXT = ("code", "name", "level", "parent_code", "vintage", "period", "indicator", "provenance")
NUMBERS = ("value", "numerator", "denominator", "target")
VIEW = {"level": "commune", "vintage": "2020", "period": "2024", "indicator": "fibre_households"}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _export(session, *, fmt: str, crs: str | None = None, **view) -> bytes:
    """Export the view given as the CLI and the API give it: parsed once, then exported."""
    return export_view(session, View.parse(view, store_choices(session)), fmt=fmt, crs=crs)


def _name(*, fmt: str, crs: str | None = None, **view) -> str:
    return export_filename(View(**view), fmt=fmt, crs=crs)


@pytest.fixture
def session(store_url: str):
    engine = make_engine(store_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def sqlite_session(sqlite_store_url: str):
    engine = make_engine(sqlite_store_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


# --------------------------------------------------------------------------- reading back


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    text = str(value)
    return text or None


def _float(value: object) -> float:
    if value is None or value == "" or value is pd.NA:
        return math.nan
    return float(value)


def _met(value: object) -> bool | None:
    if value is None or value == "" or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return {"true": True, "false": False}[value.lower()]
    return bool(value)


def _normalise(records: list[dict]) -> list[dict]:
    out = []
    for record in records:
        row = {c: _text(record.get(c)) for c in TEXT}
        row.update({c: _float(record.get(c)) for c in NUMBERS})
        row["met"] = _met(record.get("met"))
        row["source"] = _text(record.get("source"))
        out.append(row)
    return sorted(out, key=lambda r: (r["indicator"], r["code"]))


def _assert_same(actual: list[dict], expected: pd.DataFrame) -> None:
    want = _normalise(expected.to_dict("records"))
    got = _normalise(actual)
    assert [(r["code"], r["indicator"]) for r in got] == [(r["code"], r["indicator"]) for r in want]
    for a, e in zip(got, want, strict=True):
        for column in (*TEXT, "met", "source"):
            assert a[column] == e[column], (a["code"], column, a[column], e[column])
        for column in NUMBERS:
            assert (math.isnan(a[column]) and math.isnan(e[column])) or a[column] == pytest.approx(
                e[column], rel=1e-12
            ), (a["code"], column)


def _read_gpkg(data: bytes) -> gpd.GeoDataFrame:
    """Read a GeoPackage's data layer (from a .gpkg file, as GIS users do)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        path.write_bytes(data)
        layers = [name for name, _ in pyogrio.list_layers(path)]
        assert "metadata" in layers and len(layers) == 2
        data_layer = next(name for name in layers if name != "metadata")
        return gpd.read_file(path, layer=data_layer, engine="pyogrio")


def _read_geo(fmt: str, data: bytes) -> gpd.GeoDataFrame:
    if fmt == "gpkg":
        return _read_gpkg(data)
    return gpd.read_file(io.BytesIO(data), engine="pyogrio")


def _read_back(fmt: str, data: bytes) -> list[dict]:
    if fmt in ("geojson", "gpkg"):
        return _read_geo(fmt, data).drop(columns="geometry").to_dict("records")
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text, newline="")))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["data"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize("fmt", ["geojson", "csv", "xlsx", "gpkg"])
def test_export_reads_back_equal_to_the_stores_values(session, fmt: str) -> None:
    data = _export(session, fmt=fmt, **VIEW)
    expected = unit_values(session, "fibre_households", "2024", "2020", "commune")
    assert len(expected) == 82
    _assert_same(_read_back(fmt, data), expected)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_geometry_is_the_full_resolution_boundary(sqlite_session, fmt: str) -> None:
    data = _export(sqlite_session, fmt=fmt, **VIEW)
    frame = _read_geo(fmt, data).set_index("code")
    assert frame.crs.to_epsg() == 4326
    full = units_frame(sqlite_session, "2020", "commune", display=False).set_index("code")
    distance = shapely.hausdorff_distance(
        frame.geometry.loc[full.index].values, full.geometry.values
    )
    assert float(np.max(distance)) <= 2e-6  # 6-decimal rounding, nothing simplified


def test_all_indicators_one_row_per_unit_and_indicator(sqlite_session) -> None:
    data = _export(
        sqlite_session,
        fmt="csv",
        level="district",
        vintage="2020",
        period="2024",
        all_indicators=True,
    )
    rows = _read_back("csv", data)
    keys = list(dict.fromkeys(r["indicator"] for r in rows))
    assert len(keys) == 12 and len(rows) == 8 * 12
    expected = pd.concat(
        [unit_values(sqlite_session, k, "2024", "2020", "district") for k in keys],
        ignore_index=True,
    )
    _assert_same(rows, expected)
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)


def test_below_target_keeps_only_units_that_miss_it(sqlite_session) -> None:
    view = {**VIEW, "period": "2023"}
    expected = unit_values(sqlite_session, "fibre_households", "2023", "2020", "commune")
    missing = expected[expected["met"].map(lambda m: m is False)]
    assert 0 < len(missing) < len(expected)  # 2023 has real gaps to find
    rows = _read_back("csv", _export(sqlite_session, fmt="csv", below_target=True, **view))
    _assert_same(rows, missing)


def test_village_export_under_a_commune(sqlite_session) -> None:
    data = _export(
        sqlite_session,
        fmt="geojson",
        level="village",
        vintage="2020",
        period="2024",
        indicator="cashless_merchants",
        parent="26677",
    )
    doc = json.loads(data)
    expected = village_values(sqlite_session, "cashless_merchants", "2024", "2020", "26677")
    assert len(doc["features"]) == len(expected) == 6  # Phước Hưng's six villages
    _assert_same([f["properties"] for f in doc["features"]], expected)
    for feature, (_, row) in zip(doc["features"], expected.iterrows(), strict=True):
        assert feature["geometry"]["type"] == "Point"
        assert feature["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]])


# --------------------------------------------------------------------------- RFC 7946


def _rings(geometry: dict) -> list[tuple[list, bool]]:
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    return [(ring, i == 0) for polygon in polygons for i, ring in enumerate(polygon)]


def _positions(node: list) -> list[list[float]]:
    if node and isinstance(node[0], int | float):
        return [node]
    return [p for child in node for p in _positions(child)]


def test_geojson_follows_rfc_7946(sqlite_session) -> None:
    data = _export(sqlite_session, fmt="geojson", **VIEW)
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    west, south, east, north = doc["bbox"]
    rings = 0
    for feature in doc["features"]:
        assert "crs" not in feature
        for ring, exterior in _rings(feature["geometry"]):
            rings += 1
            assert shapely.LinearRing(ring).is_ccw is exterior  # outer CCW, holes CW
        for lon, lat in _positions(feature["geometry"]["coordinates"]):
            assert round(lon, 6) == lon and round(lat, 6) == lat
            assert west <= lon <= east and south <= lat <= north
            assert 102 < lon < 110 and 8 < lat < 24  # lon/lat order, Vietnam
        properties = feature["properties"]
        assert set(COLUMNS) <= set(properties)
        assert properties["type"]
    assert rings >= 82
    # GDAL opens it as GeoJSON.
    info = pyogrio.read_info(io.BytesIO(data))
    assert info["features"] == 82 and info["driver"] == "GeoJSON"


def test_geojson_carries_attribution_licence_and_synthetic_warning(sqlite_session) -> None:
    doc = json.loads(_export(sqlite_session, fmt="geojson", **VIEW))
    layer = sqlite_session.scalars(
        select(Layer).where(Layer.vintage_key == "2020", Layer.level == "commune")
    ).one()
    assert layer.attribution in doc["attribution"]
    assert layer.licence in doc["licence"]
    meta = doc["dxmap"]
    assert meta["synthetic"] is True and "SYNTHETIC" in meta["warning"]
    assert meta["view"] == {
        **VIEW,
        "all_indicators": False,
        "parent": None,
        "below_target": False,
    }
    assert [i["key"] for i in meta["indicators"]] == ["fibre_households"]
    assert {s["key"] for s in meta["sources"]} == {"dxmap_demo"}


# --------------------------------------------------------------------------- injection


def test_formula_cells_come_out_inert_in_csv_and_xlsx(sqlite_store_url: str, tmp_path) -> None:
    evil_name = '=HYPERLINK("http://evil.example","Phường 1")'
    evil_note = "@SUM(1+1)*cmd|' /C calc'!A0"
    engine = make_engine(sqlite_store_url)
    with transaction(engine) as s:
        s.execute(
            update(Unit)
            .where(Unit.vintage_key == "2020", Unit.code == "26506")
            .values(name=evil_name)
        )
    upload = tmp_path / "note.csv"
    upload.write_text(
        "code,period,indicator,numerator,denominator,note\n"
        f'26506,2024,fibre_households,50,100,"{evil_note}"\n',
        encoding="utf-8",
    )
    import_file(engine, upload, "officer")  # stored as given; the export must defuse it
    with session_factory(engine)() as session:
        csv_data = _export(session, fmt="csv", parent="747", **VIEW)
        xlsx_data = _export(session, fmt="xlsx", parent="747", **VIEW)
    engine.dispose()

    rows = {r["code"]: r for r in _read_back("csv", csv_data)}
    assert rows["26506"]["name"] == "'" + evil_name
    assert rows["26506"]["published_note"] == "'" + evil_note
    for row in rows.values():
        for column, cell in row.items():
            if cell.startswith(DANGEROUS):
                pytest.fail(f"CSV cell {column}={cell!r} would run as a formula")

    book = load_workbook(io.BytesIO(xlsx_data))
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    formulas = [
        c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    cells = {
        row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    assert cells["26506"]["name"].value == "'" + evil_name
    assert cells["26506"]["name"].data_type == "s"
    assert cells["26506"]["published_note"].value == "'" + evil_note
    assert isinstance(cells["26506"]["value"].value, int | float)  # numbers stay numbers
    with zipfile.ZipFile(io.BytesIO(xlsx_data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_neutralise_keeps_numbers_numeric() -> None:
    assert neutralise_cell(-3.5) == -3.5
    assert neutralise_cell(0) == 0
    assert neutralise_cell("-3.5") == "'-3.5"
    assert neutralise_cell("\tx") == "'\tx"
    assert neutralise_cell("Phường 1") == "Phường 1"


def test_xlsx_has_a_metadata_sheet(sqlite_session) -> None:
    book = load_workbook(io.BytesIO(_export(sqlite_session, fmt="xlsx", **VIEW)))
    assert book.sheetnames == ["data", "metadata"]
    rows = [
        [c for c in row if c is not None] for row in book["metadata"].iter_rows(values_only=True)
    ]
    pairs = {row[0]: row[1] for row in rows if len(row) >= 2}
    assert pairs["period"] == "2024" and pairs["vintage"] == "2020"
    assert pairs["indicator"] == "fibre_households"
    assert "SYNTHETIC" in pairs["WARNING"]
    assert pairs["generated_at (UTC)"].endswith("Z")
    flat = [str(c) for row in rows for c in row]
    assert "Households with fibre broadband" in flat
    assert any("GADM" in c for c in flat)  # the boundary layer's licence
    assert "dxmap_demo" in flat


# --------------------------------------------------------------------------- GeoPackage


def test_gpkg_in_vn2000_tm3_107_45(sqlite_session) -> None:
    data = _export(sqlite_session, fmt="gpkg", crs="vn2000-tm3-10745", **VIEW)
    frame = _read_gpkg(data)
    assert frame.crs.to_epsg() == 5899  # VN-2000 / TM-3 107-45
    x, y = frame.geometry.union_all().centroid.coords[0]
    assert 380_000 < x < 460_000 and 1_130_000 < y < 1_210_000  # BR-VT, metres
    # One operation for every vertex: EPSG's "VN-2000 to WGS 84 (2)" (Vietnam onshore), never
    # the Mekong-delta-blocks parameters PROJ would pick for points west of 107.11°E.
    group = TransformerGroup(4326, 5899, always_xy=True)
    assert "VN-2000 to WGS 84 (2)" in group.transformers[0].description
    forward = group.transformers[0]
    full = units_frame(sqlite_session, "2020", "commune", display=False).set_index("code")
    expected = shapely.transform(
        full.geometry.values,
        lambda c: np.column_stack(forward.transform(c[:, 0], c[:, 1])),
    )
    got = frame.set_index("code").geometry.loc[full.index].values
    assert float(np.max(shapely.hausdorff_distance(got, expected))) < 1e-3  # metres
    name = _name(fmt="gpkg", crs="vn2000-tm3-10745", **VIEW)
    assert name == "dxmap_fibre_households_commune_2024_v2020_vn2000-tm3-10745.gpkg"


def test_filenames_say_what_is_inside() -> None:
    assert _name(fmt="geojson", **VIEW) == "dxmap_fibre_households_commune_2024_v2020.geojson"
    assert (
        _name(
            fmt="csv",
            level="village",
            vintage="2025-07",
            period="2025",
            all_indicators=True,
            parent="26506",
            below_target=True,
        )
        == "dxmap_all-indicators_village_in-26506_2025_v2025-07_below-target.csv"
    )


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"vintage": "2019"}, "vintage"),
        ({"level": "hamlet"}, "level"),
        ({"vintage": "2025-07", "level": "district"}, "level"),
        ({"period": "24"}, "period"),
        ({"indicator": "nope"}, "indicator"),
        ({"parent": "99999"}, "parent"),
        ({"parent": "26506"}, "parent"),  # a commune holds no communes
        ({"fmt": "shp"}, "format"),
        ({"fmt": "geojson", "crs": "vn2000-tm3-10745"}, "crs"),
        ({"fmt": "gpkg", "crs": "EPSG:0"}, "crs"),
    ],
)
def test_bad_parameters_name_the_parameter(sqlite_session, change: dict, parameter: str) -> None:
    kwargs = {"fmt": "csv", **VIEW, **change}
    with pytest.raises(ViewError) as caught:
        _export(sqlite_session, **kwargs)
    assert caught.value.parameter == parameter
    assert caught.value.not_found is (change.get("parent") == "99999")


# --------------------------------------------------------------------------- crosswalk


def test_2024_values_on_2025_07_equal_the_crosswalk_sum_of_predecessors(
    session, geodata_dir: Path
) -> None:
    walk = pd.read_csv(geodata_dir / "crosswalk_77_2024_to_2025-07.csv", dtype=str)
    for key in ("smartphone_households", "community_tech_teams"):
        old = pd.concat(
            [
                unit_values(session, key, "2024", "2020", "commune"),
                unit_values(session, key, "2024", "2020", "district"),  # Côn Đảo: no communes
            ]
        ).set_index("code")
        linked = walk.assign(
            numerator=walk["code_2024"].map(old["numerator"]),
            denominator=walk["code_2024"].map(old["denominator"]),
            value=walk["code_2024"].map(old["value"]),
        )
        assert linked[["value"]].notna().all().all()
        sums = linked.groupby("code_2025_07")[["numerator", "denominator", "value"]].sum()
        rows = _read_back(
            "csv",
            _export(
                session, fmt="csv", level="commune", vintage="2025-07", period="2024", indicator=key
            ),
        )
        assert sorted(r["code"] for r in rows) == sorted(sums.index)
        for row in rows:
            expected = sums.loc[row["code"]]
            if key == "community_tech_teams":  # a count is summed
                assert float(row["value"]) == expected["value"]
                continue
            assert float(row["numerator"]) == expected["numerator"]
            assert float(row["denominator"]) == expected["denominator"]
            assert float(row["value"]) == pytest.approx(
                100 * expected["numerator"] / expected["denominator"], rel=1e-12
            )
