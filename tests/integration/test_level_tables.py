"""Whole levels' value tables: each unit's rows are picked from them, and they are computed once.

The tables are checked against ``unit_values`` computed without them on the same real store
(SQLite and PostgreSQL): a shared table must never change what a unit is shown.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from geodata.service.map_service import MapService
from geodata.values.queries import unit_values

PROVINCE = "77"
DISTRICT = "750"  # 2020: Thành phố Vũng Tàu (communes below it)
CON_DAO = "755"  # 2020: a district without communes (a leaf)


@pytest.fixture
def service(store_engine) -> MapService:
    return MapService(store_engine)


def plain_values(engine, *args) -> pd.DataFrame:
    with Session(engine) as session:  # no tables on this session: computed on its own
        return unit_values(session, *args)


def observation_reads(engine) -> list[str]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        if "FROM observation" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    return seen


@pytest.mark.parametrize(
    ("level", "parent"),
    [("commune", None), ("commune", DISTRICT), ("commune", PROVINCE), ("district", PROVINCE)],
)
def test_rows_picked_from_a_table_equal_rows_computed_alone(service, level, parent) -> None:
    engine = service.engine
    period = service.periods()[-1]
    for key in [row["key"] for row in service.indicators()][:2]:
        expected = plain_values(engine, key, period, "2020", level, parent)
        with service.tables.session() as session:
            got = unit_values(session, key, period, "2020", level, parent)
        pd.testing.assert_frame_equal(got, expected)
        assert len(got) > 0


def test_a_leaf_parent_and_an_unknown_parent_behave_as_without_tables(service) -> None:
    key, period = service.indicators()[0]["key"], service.periods()[-1]
    expected = plain_values(service.engine, key, period, "2020", "commune", CON_DAO)
    with service.tables.session() as session:
        got = unit_values(session, key, period, "2020", "commune", CON_DAO)
        pd.testing.assert_frame_equal(got, expected)
        assert list(got["code"]) == [CON_DAO]  # the leaf itself, as without tables
        with pytest.raises(ValueError, match="no unit 'nowhere' in vintage 2020"):
            unit_values(session, key, period, "2020", "commune", "nowhere")


def test_a_second_units_scorecard_reads_no_observation(service) -> None:
    period = service.periods()[-1]
    communes = [c for c, u in service.units_index("2020").items() if u["level"] == "commune"]
    reads = observation_reads(service.engine)
    first = service.analysis.scorecard(period, "2020", communes[0])
    assert first is not None and reads  # the first computes the commune tables
    reads.clear()
    other = service.analysis.scorecard(period, "2020", communes[-1])  # another district's
    assert other is not None and other["unit"]["unit"] == communes[-1]
    assert reads == []
    with Session(service.engine) as session:  # and it is what the store says on its own
        key = other["rows"][0]["key"]
        alone = unit_values(session, key, period, "2020", "commune")
    value = alone.set_index("code").at[communes[-1], "value"]
    shown = other["rows"][0]["value"]
    assert (pd.isna(value) and shown is None) or shown == pytest.approx(value)


def test_warming_computes_every_level_ahead(service) -> None:
    period = service.periods()[-1]
    keys = [row["key"] for row in service.indicators()]
    service.tables.warm(keys, period, "2025-07", ["province", "commune"])
    reads = observation_reads(service.engine)
    communes = [c for c, u in service.units_index("2025-07").items() if u["level"] == "commune"]
    assert service.analysis.scorecard(period, "2025-07", communes[3]) is not None
    assert service.values(keys[0], period, "2025-07", "commune", PROVINCE)
    assert reads == []
