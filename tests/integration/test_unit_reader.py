"""The one reader of units: the units under a parent are read through the stored closure.

`/api/v1/units?parent=…` used to read every unit of the vintage and walk each one's parents in
Python; it is now an indexed read of `unit_ancestor`. Its answers must stay the same, for every
unit of the brvt store, every vintage and every level.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas import all_units, ancestry, find_unit, has_units_below, stored_units
from geodata.areas.hierarchy import village_points
from geodata.service.listing import unit_record, unit_records
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine
from geodata.store.models import Unit, Vintage

LEVELS = (None, "country", "province", "district", "commune", "village")


def _walked(session: Session, vintage: str, level: str | None, parent: str | None) -> list[dict]:
    """The listing as it was: every unit read, each one's parents walked in Python."""
    units = [record.as_dict() for record in all_units(session, vintage)]
    parent_of = {u["code"]: u["parent_code"] for u in units}

    def inside(code: str | None) -> bool:
        return parent in ancestry(parent_of, code)

    if level == "village":
        return [
            {
                "code": code,
                "name": name,
                "type": "village",
                "level": "village",
                "parent_code": unit_code,
                "vintage": vintage,
                "lon": float(lon),
                "lat": float(lat),
            }
            for code, name, unit_code, lon, lat in village_points(session, vintage)
            if parent is None or inside(unit_code)
        ]
    selected = [u for u in units if level is None or u["level"] == level]
    if parent is not None:
        selected = [u for u in selected if u["code"] != parent and inside(u["code"])]
        has_children = parent in set(parent_of.values())
        if not selected and level is not None and not has_children:
            selected = [u for u in units if u["code"] == parent]
    return selected


@pytest.fixture(scope="module")
def brvt(_base_sqlite) -> Any:
    engine = make_engine(f"sqlite:///{_base_sqlite}")  # read only
    yield engine
    engine.dispose()


def test_units_under_a_parent_are_those_the_walk_found_for_every_unit(brvt) -> None:
    compared = 0
    with Session(brvt) as session:
        vintages = session.scalars(select(Vintage.key)).all()
        assert sorted(vintages) == ["2020", "2025-01", "2025-07"]
        for vintage in vintages:
            codes = [None, *session.scalars(select(Unit.code).where(Unit.vintage_key == vintage))]
            for parent in codes:
                for level in LEVELS:
                    expected = _walked(session, vintage, level, parent)
                    assert unit_records(session, vintage, level, parent) == expected, (
                        vintage,
                        level,
                        parent,
                    )
                    compared += bool(expected)
    assert compared > 500  # most questions have an answer: the comparison is not of empties


def test_a_leaf_district_lists_itself_and_a_province_its_communes(brvt) -> None:
    with Session(brvt) as session:
        # Côn Đảo (755) has no communes in 2020: asked for its communes, it is the answer.
        assert [u["code"] for u in unit_records(session, "2020", "commune", "755")] == ["755"]
        assert not has_units_below(session, "2020", "755")
        assert has_units_below(session, "2020", "77")
        communes = unit_records(session, "2020", "commune", "77")
        assert len(communes) == 82 and {u["level"] for u in communes} == {"commune"}
        assert unit_records(session, "2025-07", "district", "77") == []  # no districts then


def test_every_reader_gives_the_same_record(brvt) -> None:
    service = MapService(brvt)
    with Session(brvt) as session:
        for vintage in ("2020", "2025-07"):
            records = all_units(session, vintage)
            assert records == stored_units(session, vintage)
            index = service.units_index(vintage)
            assert list(index) == [r.code for r in records]
            for record in records:
                assert find_unit(session, vintage, record.code) == record
                assert unit_record(session, vintage, record.code) == record.as_dict()
                shown = service.unit(vintage, record.code)
                assert {k: shown[k] for k in record.as_dict()} == record.as_dict()
                assert shown["bounds"] == record.bounds
        assert find_unit(session, "2020", "no-such") is None
        assert find_unit(session, "2020", "") is None
        assert service.unit("2020", None) is None
