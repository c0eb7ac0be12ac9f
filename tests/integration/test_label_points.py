"""Where the map writes each unit's name: a point inside the polygon drawn, at every zoom band."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Point, shape

from geodata.service.features import LOD_TOLERANCES, label_point
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine


@pytest.fixture
def service(sqlite_store_url: str) -> MapService:
    return MapService(make_engine(sqlite_store_url))


@pytest.mark.parametrize("lod", sorted(LOD_TOLERANCES))
def test_every_unit_of_every_level_has_its_label_point_inside_its_drawn_shape(
    service: MapService, lod: int
) -> None:
    for vintage in service.vintages():
        index = service.units_index(vintage["key"])
        parents = {u["parent_code"] for u in index.values() if u["parent_code"]}
        for parent in sorted(parents):
            level = service.child_level(vintage["key"], parent)
            if level is None:
                continue
            for feature in service.geometry(vintage["key"], level, parent, lod)["features"]:
                drawn = shape(feature["geometry"])
                lon, lat = feature["properties"]["label"]
                # rounded to ~1 m like the outline: inside, or on it within that rounding
                assert drawn.buffer(2e-5).contains(Point(lon, lat)), (
                    vintage["key"],
                    feature["properties"]["code"],
                    lod,
                )


def test_the_label_point_of_a_concave_shape_is_inside_where_its_centroid_is_not() -> None:
    # a U: the centroid falls in the notch, outside the shape
    shape_u = shapely.Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    assert not shape_u.contains(shape_u.centroid)
    assert shape_u.contains(Point(label_point(shape_u)))


def test_a_multipolygon_is_labelled_on_its_largest_part_and_empty_gives_none() -> None:
    islands = shapely.MultiPolygon([shapely.box(0, 0, 0.1, 0.1), shapely.box(5, 5, 7, 7)])
    lon, lat = label_point(islands)
    assert 5 < lon < 7 and 5 < lat < 7
    assert label_point(shapely.Polygon()) is None
