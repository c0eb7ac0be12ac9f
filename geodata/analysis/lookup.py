"""Small store look-ups shared by the analysis modules (scorecard, gaps, compare, trends).

One unit's record (level, parent, bounding box), every unit's box and centre, and one unit's row
of :func:`geodata.rollups.queries.unit_values`. The catalogue is read by
:mod:`geodata.catalogue.indicators`.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from geodata.areas.unit_records import UnitRecord, find_unit, stored_units
from geodata.rollups.queries import unit_values
from geodata.values.cells import as_floats

BBOX_COLUMNS = ("min_lon", "min_lat", "max_lon", "max_lat")


def require_unit(session: Session, vintage: str, code: str) -> UnitRecord:
    """Return the unit ``code`` of ``vintage`` (:func:`geodata.areas.unit_records.find_unit`).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.
    code : str
        Unit code.

    Returns
    -------
    UnitRecord
        The unit.

    Raises
    ------
    ValueError
        If the vintage has no unit with that code.
    """
    unit = find_unit(session, vintage, code)
    if unit is None:
        raise ValueError(f"no unit {code!r} in vintage {vintage!r}")
    return unit


def unit_boxes(session: Session, vintage: str) -> pd.DataFrame:
    """Return the bounding box and centre of every unit of ``vintage``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        Vintage key.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``code``: ``name``, ``lon``, ``lat`` (centre of the box) and
        ``min_lon, min_lat, max_lon, max_lat`` (NaN without geometry).
    """
    rows = [
        [unit.code, unit.name, *(unit.bbox or (None,) * len(BBOX_COLUMNS))]
        for unit in stored_units(session, vintage)
    ]
    frame = pd.DataFrame(rows, columns=["code", "name", *BBOX_COLUMNS]).set_index("code")
    for column in BBOX_COLUMNS:
        frame[column] = as_floats(frame[column])
    frame["lon"] = (frame["min_lon"] + frame["max_lon"]) / 2
    frame["lat"] = (frame["min_lat"] + frame["max_lat"]) / 2
    return frame


def value_row(
    session: Session, indicator_key: str, period: str, unit: UnitRecord
) -> pd.Series | None:
    """Return the :func:`geodata.rollups.queries.unit_values` row of one unit (``None`` if absent).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    indicator_key : str
        Catalogue key.
    period : str
        Period key.
    unit : UnitRecord
        The unit (its vintage is the vintage the value is shown on).

    Returns
    -------
    pandas.Series or None
        The unit's row.

    Raises
    ------
    ValueError
        As :func:`geodata.rollups.queries.unit_values` (e.g. data that cannot be carried back to an
        earlier vintage).
    """
    frame = unit_values(session, indicator_key, period, unit.vintage, unit.level, codes=[unit.code])
    rows = frame[frame["code"] == unit.code]
    return None if rows.empty else rows.iloc[0]
