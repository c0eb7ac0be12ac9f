"""Query rows to pandas frames, column by column (fast for the 100,000s of village rows)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


def rows_frame(rows: Sequence[Sequence[Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Return ``rows`` (query result rows, in the order of ``columns``) as a DataFrame.

    ``pandas.DataFrame(rows)`` inspects every row object (``Row`` is tuple-like but not a tuple);
    transposing first builds each column from one list, several times faster on large results.

    Parameters
    ----------
    rows : sequence of row-like sequences
        E.g. ``session.execute(select(...)).all()``.
    columns : sequence of str
        The column names, one per item of a row.

    Returns
    -------
    pandas.DataFrame
        One column per name (object dtype where the values are mixed), empty with the columns
        when there are no rows.
    """
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    return pd.DataFrame(dict(zip(columns, (list(c) for c in zip(*rows, strict=True)), strict=True)))
