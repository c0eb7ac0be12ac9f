"""Classification of indicator values for the choropleth.

Schemes: quantiles, equal interval, Fisher-Jenks, and "against target" (met / not met / no data).

Pure functions over plain mappings (code → value); no database, no Dash. Fisher-Jenks is the
expensive one, so its breaks are cached on the (sorted values, k) pair.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import mapclassify
import numpy as np

SCHEMES = ("quantiles", "equal", "jenks", "target")
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5
NOT_MET, MET = 0, 1


@dataclass(frozen=True)
class Classification:
    """The classes of one set of values.

    Attributes
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    breaks : tuple of float
        Upper bound of each class, ascending (empty for ``target``).
    minimum : float or None
        Smallest value classified (the lower bound of the first class); ``None`` if no values.
    classes : dict
        Code → class index (``None`` for no data). For ``target``: 0 not met, 1 met.
    counts : tuple of int
        Number of codes in each class.
    no_data : int
        Number of codes without a value (or, for ``target``, without a verdict).
    """

    scheme: str
    breaks: tuple[float, ...]
    minimum: float | None
    classes: dict[str, int | None]
    counts: tuple[int, ...]
    no_data: int

    def ranges(self) -> list[tuple[float, float]]:
        """Return the (lower, upper) bounds of each class (empty for ``target``)."""
        if not self.breaks or self.minimum is None:
            return []
        lowers = (self.minimum, *self.breaks[:-1])
        return list(zip(lowers, self.breaks, strict=True))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@lru_cache(maxsize=512)
def _breaks(scheme: str, values: tuple[float, ...], k: int) -> tuple[float, ...]:
    """Class upper bounds for sorted ``values`` (cached: Fisher-Jenks is O(k·n²))."""
    unique = sorted(set(values))
    if len(unique) <= k:
        # No more distinct values than classes: each value is its own class, so that a lone
        # 0 % village is never lumped with the 100 % ones by a quantile that falls on a tie.
        return tuple(unique)
    data = np.asarray(values, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mapclassify warns when it merges duplicate bins
        if scheme == "quantiles":
            bins = mapclassify.Quantiles(data, k=k).bins
        elif scheme == "equal":
            bins = mapclassify.EqualInterval(data, k=k).bins
        elif scheme == "jenks":
            bins = mapclassify.FisherJenks(data, k=k).bins
        else:
            raise ValueError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    # Duplicate bounds (many equal values) would make empty classes: keep each bound once.
    out: list[float] = []
    for bound in (float(b) for b in bins):
        if not out or bound > out[-1]:
            out.append(bound)
    out[-1] = max(out[-1], unique[-1])
    return tuple(out)


def assign_classes(
    values: Mapping[str, float | None], breaks: tuple[float, ...]
) -> dict[str, int | None]:
    """Put each value in the first class whose upper bound it does not exceed.

    Parameters
    ----------
    values : mapping of str to float or None
        Code → value.
    breaks : tuple of float
        Ascending upper bounds. A value above the last bound goes to the last class, so that
        values classified with another set's breaks (villages with their commune's) still get
        a colour.

    Returns
    -------
    dict
        Code → class index, ``None`` for a missing value or when there are no breaks.
    """
    classes: dict[str, int | None] = {}
    for code, value in values.items():
        if not _is_number(value) or not breaks:
            classes[code] = None
            continue
        index = int(np.searchsorted(np.asarray(breaks), float(value), side="left"))
        classes[code] = min(index, len(breaks) - 1)
    return classes


def classify(
    values: Mapping[str, float | None],
    scheme: str = DEFAULT_SCHEME,
    k: int = DEFAULT_K,
    met: Mapping[str, bool | None] | None = None,
) -> Classification:
    """Classify ``values`` with ``scheme``.

    Parameters
    ----------
    values : mapping of str to float or None
        Code → value; ``None`` or NaN is no data.
    scheme : str
        ``quantiles``, ``equal``, ``jenks`` or ``target``.
    k : int
        Number of classes wanted (fewer when there are fewer distinct values).
    met : mapping of str to bool or None, optional
        Code → whether the target is met; used by the ``target`` scheme (missing is no data).

    Returns
    -------
    Classification
        Breaks, class per code, counts per class and the no-data count.

    Raises
    ------
    ValueError
        For an unknown scheme or ``k < 1``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    numbers = {code: float(v) for code, v in values.items() if _is_number(v)}
    if scheme == "target":
        verdicts = met or {}
        classes: dict[str, int | None] = {}
        for code in values:
            verdict = verdicts.get(code)
            classes[code] = None if verdict is None or code not in numbers else int(bool(verdict))
        counts = (
            sum(1 for c in classes.values() if c == NOT_MET),
            sum(1 for c in classes.values() if c == MET),
        )
        no_data = sum(1 for c in classes.values() if c is None)
        return Classification(scheme, (), None, classes, counts, no_data)
    if not numbers:
        return Classification(scheme, (), None, dict.fromkeys(values), (), len(values))
    breaks = _breaks(scheme, tuple(sorted(numbers.values())), k)
    classes = assign_classes(values, breaks)
    counts = tuple(sum(1 for c in classes.values() if c == i) for i in range(len(breaks)))
    return Classification(
        scheme,
        breaks,
        min(numbers.values()),
        classes,
        counts,
        sum(1 for c in classes.values() if c is None),
    )
