from __future__ import annotations

import pytest

from geodata.areas.manifest import load_area
from geodata.areas.text import search_key
from geodata.areas.vintages import period_bounds, vintage_for_period, vintage_spec

VINTAGES = load_area("brvt").vintages


@pytest.mark.parametrize(
    ("period", "vintage"),
    [
        ("2020", "2020"),
        ("2023", "2020"),
        ("2024", "2020"),
        ("2025-H1", "2025-01"),
        ("2025-Q2", "2025-01"),
        ("2025-Q3", "2025-07"),
        ("2025", "2025-07"),
        ("2026", "2025-07"),
    ],
)
def test_a_period_belongs_to_the_vintage_in_force_at_its_end(period: str, vintage: str) -> None:
    assert vintage_for_period(period, VINTAGES) == vintage


@pytest.mark.parametrize("bad", ["", "24", "2024-H3", "2024-13", "abcd", "2024-Q5"])
def test_malformed_periods_are_refused_with_the_expected_shapes(bad: str) -> None:
    with pytest.raises(ValueError, match="2025-H1"):
        period_bounds(bad)


def test_periods_before_the_first_vintage_have_none() -> None:
    with pytest.raises(ValueError, match="no boundary vintage"):
        vintage_for_period("2019", VINTAGES)


def test_vintage_keys_are_the_contract_names() -> None:
    assert tuple(v.key for v in VINTAGES) == ("2020", "2025-01", "2025-07")
    with pytest.raises(KeyError, match="2025-07"):
        vintage_spec("2021", VINTAGES)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Xã Phước Hưng", "xa phuoc hung"),
        ("Huyện Côn Đảo", "huyen con dao"),
        ("Đặc khu  Côn Đảo", "dac khu con dao"),
        ("Xã Hoà Hội", "xa hoa hoi"),
        ("Xã Hòa Hội", "xa hoa hoi"),
    ],
)
def test_search_keys_drop_diacritics_and_map_d_bar_to_d(name: str, key: str) -> None:
    assert search_key(name) == key
