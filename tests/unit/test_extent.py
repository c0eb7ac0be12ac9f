from __future__ import annotations

from geodata.areas.extent import split_outliers, union

MAINLAND = {
    "747": [[10.32, 107.05], [10.48, 107.15]],
    "748": [[10.45, 107.1], [10.56, 107.25]],
    "750": [[10.5, 107.1], [10.8, 107.35]],
    "752": [[10.38, 107.15], [10.52, 107.3]],
}
CON_DAO = {"755": [[8.57, 106.08], [8.78, 106.74]]}  # larger box than any mainland district


def test_a_far_island_goes_to_the_inset_even_when_its_box_is_the_largest() -> None:
    main, outliers = split_outliers({**MAINLAND, **CON_DAO})
    assert outliers == ["755"]
    assert main == union(list(MAINLAND.values()))


def test_a_compact_area_is_not_split() -> None:
    main, outliers = split_outliers(MAINLAND)
    assert outliers == []
    assert main == [[10.32, 107.05], [10.8, 107.35]]


def test_two_units_are_never_split_and_missing_boxes_are_ignored() -> None:
    main, outliers = split_outliers({"752": MAINLAND["752"], **CON_DAO, "x": None})
    assert outliers == []
    assert main == [[8.57, 106.08], [10.52, 107.3]]


def test_union_of_nothing_is_none() -> None:
    assert union([None]) is None
