"""The calibrated demo's values: synthetic village numerators calibrated to published figures.

Village rates of the published period follow each village's spatial score and add up exactly to
the root's published figures (and to those of each unit in ``[demo.published.units]``); the other
periods shift from there (``[demo.trend]``), with real gaps in ``[demo.gaps]`` (villages without
mobile broadband, villages without a community technology team in remote rural communes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from geodata.demo.calibrate import calibrate_capped, calibrate_uncapped, logit, sigmoid
from geodata.demo.options import CalibratedOptions, percent_to_rate
from geodata.demo.published import published_rows

DEMO_SOURCE = "dxmap_demo"

# Design choices of the generator (not published anywhere, not of one area): how strongly each
# indicator follows the urban/remote gradient (logit units per unit of the spatial score), and
# which village quantity is its denominator.
SENSITIVITY = {
    "smartphone_households": 0.8,
    "fibre_households": 0.25,  # on the log scale: fibre is a subscriptions-per-household ratio
    "eid_adults": 0.6,
    "public_service_accounts": 0.7,
    "payment_accounts_15plus": 0.8,
    "cashless_merchants": 0.9,
    "digital_signature_adults": 0.6,
    "ecommerce_farm_households": 0.5,
    "online_utility_bills": 0.8,
}
DENOMINATOR = {
    "smartphone_households": "households",
    "fibre_households": "households",
    "eid_adults": "adults",
    "public_service_accounts": "adults",
    "digital_signature_adults": "adults",
    "payment_accounts_15plus": "people_15plus",
    "cashless_merchants": "merchants",
    "ecommerce_farm_households": "farm_households",
    "online_utility_bills": "utility_bills",
}
RATIO_INDICATORS = tuple(DENOMINATOR)
UNCAPPED = ("fibre_households",)  # ratios that may exceed 100 % in a village
# Village indicators that are not ratios: a 0/1 share of villages, and a count per village.
COVERAGE = "mobile_broadband_villages"
TEAMS = "community_tech_teams"
DENOMINATOR_KINDS = (
    "households",
    "adults",
    "people_15plus",
    "merchants",
    "farm_households",
    "utility_bills",
)


def demo_observations(
    villages: pd.DataFrame,
    rng: np.random.Generator,
    options: CalibratedOptions,
    period_vintage: Mapping[str, str],
) -> pd.DataFrame:
    """Return every demo observation: synthetic village and root rows, published rows.

    Parameters
    ----------
    villages : pandas.DataFrame
        From :func:`geodata.demo.villages.make_villages`.
    rng : numpy.random.Generator
        The generator to draw from (after the villages were drawn).
    options : CalibratedOptions
        The area's ``[demo]`` table.
    period_vintage : mapping
        The vintage in force for each period of ``options.periods``.

    Returns
    -------
    pandas.DataFrame
        ``indicator_key, period, vintage_key, level, code, numerator, denominator, value,
        provenance, source_key, note``.
    """
    n = len(villages)
    cal = options.period
    others = [p for p in options.periods if p != cal]
    frames: list[pd.DataFrame] = []
    denominators = {kind: villages[kind].to_numpy() for kind in DENOMINATOR_KINDS}
    yearly_den = {cal: denominators}
    for period in others:
        low, high = (0.97, 0.995) if period < cal else (1.005, 1.03)
        yearly_den[period] = {
            k: np.round(v * rng.uniform(low, high, n)) for k, v in denominators.items()
        }
    rows = _RowMaker(villages, period_vintage)
    for indicator in RATIO_INDICATORS:
        kind = DENOMINATOR[indicator]
        den_cal = denominators[kind]
        num_cal = _ratio_calibrated(villages, indicator, den_cal, rng, options)
        frames.append(rows(indicator, cal, num_cal, den_cal))
        for period in others:
            den = yearly_den[period][kind]
            num = _ratio_other_period(
                indicator, period, cal, num_cal, den_cal, den, rng, options.trend
            )
            frames.append(rows(indicator, period, num, den))

    ones = np.ones(n)
    gapped = {}
    for indicator, k in options.gaps.items():
        flags = ones.copy()
        flags[_remote_pick(villages, k, rng, options)] = 0
        gapped[indicator] = flags
    for period in options.periods:

        def flags(key: str, period: str = period) -> np.ndarray:
            return gapped.get(key, ones) if period == options.gaps_period else ones

        frames.append(rows(COVERAGE, period, flags(COVERAGE), ones))
        frames.append(rows(TEAMS, period, None, None, flags(TEAMS)))

    root_rows = [
        {
            "indicator_key": indicator,
            "period": period,
            "vintage_key": period_vintage[period],
            "level": options.root.level,
            "code": options.root.code,
            "numerator": float(num),
            "denominator": float(den),
            "value": 100.0 * num / den,
            "provenance": "synthetic",
            "source_key": DEMO_SOURCE,
            "note": "",
        }
        for indicator, by_period in options.root_rows.items()
        for period, (num, den) in by_period.items()
    ]
    frames.append(pd.DataFrame(root_rows))
    frames.append(published_rows(options, period_vintage[cal]))
    observations = pd.concat(frames, ignore_index=True)
    villages_rates = observations["level"] == "village"
    computed = 100.0 * observations["numerator"] / observations["denominator"]
    observations.loc[villages_rates, "value"] = observations.loc[villages_rates, "value"].fillna(
        computed[villages_rates]
    )
    return observations


class _RowMaker:
    """Builds the village rows of one indicator and period."""

    def __init__(self, villages: pd.DataFrame, period_vintage: Mapping[str, str]) -> None:
        self.codes = villages["code"].to_numpy()
        self.period_vintage = period_vintage

    def __call__(
        self,
        indicator: str,
        period: str,
        numerator: np.ndarray | None,
        denominator: np.ndarray | None,
        value: np.ndarray | None = None,
    ) -> pd.DataFrame:
        n = len(self.codes)
        nan = np.full(n, np.nan)
        return pd.DataFrame(
            {
                "indicator_key": indicator,
                "period": period,
                "vintage_key": self.period_vintage[period],
                "level": "village",
                "code": self.codes,
                "numerator": nan if numerator is None else numerator.astype(float),
                "denominator": nan if denominator is None else denominator.astype(float),
                "value": nan if value is None else value.astype(float),
                "provenance": "synthetic",
                "source_key": DEMO_SOURCE,
                "note": "",
            }
        )


def _ratio_calibrated(
    villages: pd.DataFrame,
    indicator: str,
    den: np.ndarray,
    rng: np.random.Generator,
    options: CalibratedOptions,
) -> np.ndarray:
    score = villages["score"].to_numpy()
    noise = rng.normal(0, 0.15, len(villages))
    root_rate = options.root.target(indicator)
    if indicator in UNCAPPED:
        base = SENSITIVITY[indicator] * score + 0.3 * noise
        return calibrate_uncapped(base, den, round(root_rate * den.sum()))
    if root_rate is None:
        if indicator not in options.anchor:
            raise ValueError(f"[demo.anchor] {indicator}: missing (no published root figure)")
        root_rate = percent_to_rate(options.anchor[indicator])
    base = logit(root_rate) + SENSITIVITY[indicator] * score + noise
    total = round(root_rate * den.sum())
    unit_codes = villages["unit_code"].to_numpy()
    targets = []
    for unit in options.units:
        rate = unit.target(indicator)
        mask = unit_codes == unit.code
        if rate is not None and mask.any():
            targets.append((mask, rate))
    if not targets:
        return calibrate_capped(base, den, total)
    num = np.zeros(len(villages), dtype=np.int64)
    rest = np.ones(len(villages), dtype=bool)
    for mask, rate in targets:
        unit_total = round(rate * den[mask].sum())
        num[mask] = calibrate_capped(base[mask], den[mask], unit_total)
        rest &= ~mask
        total -= unit_total
    num[rest] = calibrate_capped(base[rest], den[rest], total)
    return num


def _ratio_other_period(
    indicator: str,
    period: str,
    cal: str,
    num_cal: np.ndarray,
    den_cal: np.ndarray,
    den: np.ndarray,
    rng: np.random.Generator,
    trend: Mapping[str, Mapping[str, Any]],
) -> np.ndarray:
    rate_cal = num_cal / den_cal
    step = trend.get(period, {}).get(indicator)
    if step is None:
        raise ValueError(f'[demo.trend."{period}"] {indicator}: missing')
    if indicator in UNCAPPED:
        low, high = step
        return np.round(rate_cal * rng.uniform(low, high, len(den)) * den)
    rate = sigmoid(logit(rate_cal) + float(step) + rng.normal(0, 0.1, len(den)))
    if period > cal:
        rate = np.where(rate_cal >= 1.0, 1.0, np.maximum(rate, rate_cal))
    return np.minimum(np.round(rate * den), den)


def _remote_pick(
    villages: pd.DataFrame, k: int, rng: np.random.Generator, options: CalibratedOptions
) -> np.ndarray:
    """Pick ``k`` villages drawn from rural communes of remote districts (lowest scores)."""
    rural = villages["unit_type"].isin(("Xã", "Huyện"))  # not phường or thị trấn
    remote = villages["district_code"].isin(options.remote) & rural
    remote &= ~villages["unit_code"].isin([u.code for u in options.units])
    candidates = np.flatnonzero(remote.to_numpy())
    weights = np.exp(-3.0 * villages["score"].to_numpy()[candidates])
    return rng.choice(candidates, size=k, replace=False, p=weights / weights.sum())
