"""Calibrating the synthetic numerators: integers that add up exactly to a published total."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Return the logistic function of ``x``."""
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: float | np.ndarray) -> float | np.ndarray:
    """Return ``log(p / (1 - p))``, ``p`` clipped to [1e-4, 1 - 1e-4]."""
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def integerize(real: np.ndarray, total: int, cap: np.ndarray | None = None) -> np.ndarray:
    """Round ``real`` to integers that sum exactly to ``total`` (largest remainder).

    Parameters
    ----------
    real : numpy.ndarray
        Non-negative real numerators, summing to about ``total``.
    total : int
        The exact integer sum wanted.
    cap : numpy.ndarray, optional
        Per-element upper bound (the denominator), or None for no bound.

    Returns
    -------
    numpy.ndarray
        Integers ``0 <= out <= cap`` with ``out.sum() == total``.

    Raises
    ------
    ValueError
        If ``total`` cannot be reached within the caps.
    """
    cap_arr = np.full(real.shape, np.iinfo(np.int64).max) if cap is None else cap.astype(np.int64)
    if total < 0 or total > cap_arr.sum():
        raise ValueError(f"cannot reach {total} within the caps (max {cap_arr.sum()})")
    out = np.minimum(np.floor(np.maximum(real, 0)).astype(np.int64), cap_arr)
    frac = real - out
    remainder = int(total - out.sum())
    while remainder > 0:
        eligible = np.flatnonzero(out < cap_arr)
        pick = eligible[np.argsort(-frac[eligible], kind="stable")][:remainder]
        out[pick] += 1
        frac[pick] -= 1.0
        remainder -= len(pick)
    while remainder < 0:
        eligible = np.flatnonzero(out > 0)
        pick = eligible[np.argsort(frac[eligible], kind="stable")][:-remainder]
        out[pick] -= 1
        frac[pick] += 1.0
        remainder += len(pick)
    return out


def calibrate_capped(base_logit: np.ndarray, den: np.ndarray, total: int) -> np.ndarray:
    """Return integer numerators ``<= den`` summing to ``total``, shaped by ``base_logit``.

    A common logit shift is found by bisection so that the real numerators add up to ``total``;
    rates keep their spatial order.

    Parameters
    ----------
    base_logit : numpy.ndarray
        Per-village logit of the rate before calibration.
    den : numpy.ndarray
        Denominators.
    total : int
        Exact numerator sum wanted.

    Returns
    -------
    numpy.ndarray
        Integer numerators.
    """
    if total >= den.sum():
        return den.astype(np.int64).copy()
    lo, hi = -30.0, 30.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if (sigmoid(base_logit + mid) * den).sum() < total:
            lo = mid
        else:
            hi = mid
    return integerize(sigmoid(base_logit + (lo + hi) / 2) * den, total, cap=den)


def calibrate_uncapped(base_log: np.ndarray, den: np.ndarray, total: int) -> np.ndarray:
    """Return integer numerators summing to ``total``, proportional to ``exp(base_log) * den``.

    Used for ratios that may exceed 100 % in a village (fibre subscriptions per household).

    Parameters
    ----------
    base_log : numpy.ndarray
        Per-village log of the relative rate.
    den : numpy.ndarray
        Denominators.
    total : int
        Exact numerator sum wanted.

    Returns
    -------
    numpy.ndarray
        Integer numerators.
    """
    raw = np.exp(base_log) * den
    return integerize(raw * (total / raw.sum()), total)
