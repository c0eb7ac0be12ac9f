"""Bulk-writing frames to the store: ``COPY`` on PostgreSQL, the driver's ``executemany`` else.

No ORM object and no per-row parameter processing: the demo's millions of values and the
roll-ups' hundreds of thousands of rows are plain strings and numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

CHUNK = 20_000


def _column(values: pd.Series | np.ndarray) -> list:
    """Return a column as Python values, NaN and NA as None."""
    array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    items = array.tolist()
    if array.dtype.kind == "f":
        return [None if v != v else v for v in items]
    if array.dtype == object:
        return [None if (v is None or v != v) else v for v in items]
    return items


def insert_frame(session: Session, model: type, frame: pd.DataFrame, fields: Iterable[str]) -> int:
    """Insert the rows of ``frame`` (its ``fields`` columns) into ``model``'s table, in chunks.

    The rows go to the driver as tuples (no per-row parameter processing: demo rows are plain
    strings and numbers), on the session's connection and transaction: through ``COPY`` on
    PostgreSQL with psycopg 3, else through the driver's ``executemany``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session inside a transaction.
    model : type
        A store model.
    frame : pandas.DataFrame
        One row per record.
    fields : iterable of str
        The columns to write.

    Returns
    -------
    int
        Rows written.
    """
    fields = tuple(fields)
    connection = session.connection()
    table = model.__table__
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(connection.dialect.paramstyle)
    preparer = connection.dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(f) for f in fields)}) "
        f"VALUES ({', '.join([marker or ''] * len(fields))})"
    )
    driver = connection.connection.driver_connection
    copy = None
    if connection.dialect.name == "postgresql" and hasattr(driver, "cursor"):
        cursor = driver.cursor()
        if hasattr(cursor, "copy"):
            copy = (
                f"COPY {preparer.format_table(table)} "
                f"({', '.join(preparer.quote(f) for f in fields)}) FROM STDIN"
            )
    for start in range(0, len(frame), CHUNK):
        part = frame.iloc[start : start + CHUNK]
        columns = [_column(part[f]) for f in fields]
        if copy is not None:
            with cursor.copy(copy) as stream:
                for row in zip(*columns, strict=True):
                    stream.write_row(row)
        elif marker is None:  # an unusual driver: let SQLAlchemy bind the parameters
            rows = [dict(zip(fields, row, strict=True)) for row in zip(*columns, strict=True)]
            connection.execute(insert(table), rows)
        else:
            connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))
    return len(frame)
