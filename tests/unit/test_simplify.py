"""Coverage simplification keeps shared borders, validity and closes slivers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import GeometryCollection, LineString, Point, Polygon, box

from geodata.boundaries.simplify import display_geometries, polygonal_part


def _wiggly_border(n: int = 200, amplitude: float = 0.0002) -> list[tuple[float, float]]:
    """A curved border from (1, 0) to (1, 1) with many tiny zig-zags along it."""
    return [
        (1 + 0.1 * math.sin(3 * math.pi * i / n) + amplitude * math.sin(i * 1.7), i / n)
        for i in range(n + 1)
    ]


def _neighbours() -> tuple[Polygon, Polygon]:
    border = _wiggly_border()
    left = Polygon([(0, 0), *border, (0, 1)])
    right = Polygon([*border, (2, 1), (2, 0)])
    return left, right


def _shared_length(a, b) -> float:
    return shapely.intersection(a.boundary, b.boundary).length


def _vertices(geoms) -> int:
    return int(shapely.get_num_coordinates(np.asarray(geoms, dtype=object)).sum())


def test_neighbours_keep_their_shared_border_and_lose_vertices():
    left, right = _neighbours()
    result = display_geometries([left, right], tolerance=0.01, gap_width=0)
    a, b = result.geometries
    assert a.is_valid and b.is_valid and not a.is_empty and not b.is_empty
    assert result.vertices_after < result.vertices_before / 4
    assert _vertices([a, b]) == result.vertices_after
    assert _shared_length(a, b) > 1.0
    assert a.intersection(b).area == pytest.approx(0, abs=1e-12)
    union = shapely.union_all([a, b])
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(2.0, rel=1e-3)


def test_borders_digitised_twice_become_one_shared_edge():
    """Like GADM: each side of a border has its own vertices (small overlaps and gaps)."""
    n = 200

    def x(y: float) -> float:
        return 1 + 0.1 * math.sin(3 * math.pi * y)

    left = Polygon([(0, 0), *[(x(i / n), i / n) for i in range(n + 1)], (0, 1)])
    shifted = [(x((i + 0.5) / n), (i + 0.5) / n) for i in range(n)]
    right = Polygon([(x(0), 0), *shifted, (x(1), 1), (2, 1), (2, 0)])
    pair = np.array([left, right], dtype=object)
    assert not shapely.coverage_is_valid(pair)
    result = display_geometries([left, right], tolerance=0.01)
    a, b = result.geometries
    assert shapely.coverage_is_valid(np.array([a, b], dtype=object))
    assert _shared_length(a, b) > 1.0
    assert result.vertices_after < result.vertices_before / 4
    assert shapely.union_all([a, b]).area == pytest.approx(2.0, rel=1e-3)


def test_overlapping_neighbours_become_a_clean_coverage():
    """GADM communes overlap slightly; the display geometry must not."""
    left = box(0, 0, 1.0005, 1)  # overlaps its neighbour by a 0.0005-wide sliver
    right = box(1, 0, 2, 1)
    assert left.intersection(right).area > 0
    a, b = display_geometries([left, right], tolerance=0.001).geometries
    assert a.intersection(b).area == pytest.approx(0, abs=1e-12)
    assert _shared_length(a, b) == pytest.approx(1.0, rel=0.01)
    assert shapely.coverage_is_valid(np.array([a, b], dtype=object))


def test_narrow_enclosed_gap_is_closed_and_wide_one_is_kept():
    pieces = [
        box(0, 0, 1, 1),
        box(1.0005, 0, 2, 1),  # 0.0005 gap to the left square
        box(0, 1, 2, 1.5),
        box(0, -0.5, 2, 0),
    ]
    closed = display_geometries(pieces, tolerance=0.001, gap_width=0.001).geometries
    union = shapely.union_all(closed)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    kept = display_geometries(pieces, tolerance=0.001, gap_width=0.0001).geometries
    assert len(shapely.union_all(kept).interiors) == 1


def test_order_and_labels_follow_the_input():
    squares = [box(i, 0, i + 1, 1) for i in range(5)]
    result = display_geometries(squares, labels=list("abcde"))
    for square, shown in zip(squares, result.geometries, strict=True):
        assert shown.representative_point().within(square)


def test_single_polygon_is_simplified_and_stays_valid():
    circle = Point(0, 0).buffer(1, quad_segs=256)
    result = display_geometries([circle], tolerance=0.01)
    (shown,) = result.geometries
    assert shown.is_valid and shown.area == pytest.approx(circle.area, rel=0.01)
    assert result.vertices_after < result.vertices_before


def test_missing_or_non_polygonal_input_is_refused_with_its_label():
    with pytest.raises(ValueError, match="b"):
        display_geometries([box(0, 0, 1, 1), Polygon()], labels=["a", "b"])
    with pytest.raises(ValueError, match="not polygonal"):
        display_geometries([LineString([(0, 0), (1, 1)])])


def test_empty_input_gives_empty_result():
    result = display_geometries([])
    assert result.geometries == [] and result.vertices_before == 0


def test_falls_back_per_feature_when_coverage_operations_fail(monkeypatch):
    def boom(*_args, **_kwargs):
        raise shapely.errors.GEOSException("simulated failure")

    monkeypatch.setattr(shapely, "coverage_clean", boom)
    left, right = _neighbours()
    result = display_geometries([left, right], tolerance=0.001, labels=["L", "R"])
    assert all(g.is_valid and not g.is_empty for g in result.geometries)
    assert result.vertices_after < result.vertices_before
    assert any("per feature" in note for note in result.notes)


def test_polygonal_part_drops_lines_and_points():
    mixed = GeometryCollection([box(0, 0, 1, 1), LineString([(2, 2), (3, 3)]), Point(5, 5)])
    assert polygonal_part(mixed).equals(box(0, 0, 1, 1))
    assert polygonal_part(LineString([(0, 0), (1, 1)])) is None
    assert polygonal_part(None) is None
    two = GeometryCollection([box(0, 0, 1, 1), box(2, 2, 3, 3)])
    assert polygonal_part(two).geom_type == "MultiPolygon"


def test_bow_tie_repaired_with_make_valid_keeps_area():
    bow_tie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    assert not bow_tie.is_valid
    repaired = polygonal_part(shapely.make_valid(bow_tie))
    assert repaired.is_valid and repaired.area == pytest.approx(0.5)
