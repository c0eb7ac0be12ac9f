"""The published figures a calibrated demo rests on, from ``[demo.published]``.

They are stored as ``published`` rows at the area's root and at the units listed there, and the
synthetic village data are calibrated to them (:mod:`geodata.demo.values`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.demo.options import CalibratedOptions


def published_rows(options: CalibratedOptions, vintage_key: str) -> pd.DataFrame:
    """Return the published figures as ``published`` observations.

    Parameters
    ----------
    options : CalibratedOptions
        The area's ``[demo]`` table.
    vintage_key : str
        The vintage in force for the published period (the codes' vintage).

    Returns
    -------
    pandas.DataFrame
        One row per published figure, value as published, no numerator or denominator; the
        note is the source's note, followed by the figure's own note where it has one.
    """
    rows = []
    for unit in (options.root, *options.units):
        for indicator, value in unit.values.items():
            note = options.note
            if indicator in unit.notes:
                note = f"{note}: {unit.notes[indicator]}" if note else unit.notes[indicator]
            rows.append(
                {
                    "indicator_key": indicator,
                    "period": options.period,
                    "vintage_key": vintage_key,
                    "level": unit.level,
                    "code": unit.code,
                    "numerator": np.nan,
                    "denominator": np.nan,
                    "value": value,
                    "provenance": "published",
                    "source_key": options.source,
                    "note": note,
                }
            )
    return pd.DataFrame(rows)
