"""The demo's indicator values: synthetic village numerators calibrated to the published figures.

2024 village rates follow each village's spatial score and add up exactly to the article's
province figures (and to Phước Hưng's); 2023 is lower, with real gaps (villages without mobile
broadband, villages without a community technology team); 2025 is slightly higher.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.demo.calibrate import calibrate_capped, calibrate_uncapped, logit, sigmoid
from geodata.demo.published import (
    DIGITAL_SIGNATURE_PH_SYNTHETIC,
    PUBLISHED_PHUOC_HUNG_2024,
    PUBLISHED_PROVINCE_2024,
    ROOT_CODE,
    published_rows,
)
from geodata.demo.villages import PHUOC_HUNG

DEMO_SOURCE = "dxmap_demo"
DATA_VINTAGE = {"2023": "2020", "2024": "2020", "2025": "2025-07"}
REMOTE_DISTRICTS = ("750", "751", "755")

# Design choices of the generator (not published anywhere): the 2024 province level of the
# indicators the article gives no province figure for, and how strongly each indicator follows
# the urban/remote gradient (logit units per unit of the spatial score).
SYNTHETIC_ANCHOR_2024 = {
    "digital_signature_adults": 0.21,
    "ecommerce_farm_households": 0.48,
    "online_utility_bills": 0.82,
}
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
# Logit shift from 2024 to 2023 (negative) and to 2025 (positive); fibre uses a factor instead.
SHIFT_2023 = {
    "smartphone_households": -0.6,
    "eid_adults": -0.9,
    "public_service_accounts": -0.7,
    "payment_accounts_15plus": -0.5,
    "cashless_merchants": -0.8,
    "digital_signature_adults": -0.7,
    "ecommerce_farm_households": -0.8,
    "online_utility_bills": -0.6,
}
SHIFT_2025 = {
    "smartphone_households": 0.3,
    "eid_adults": 0.5,
    "public_service_accounts": 0.35,
    "payment_accounts_15plus": 0.3,
    "cashless_merchants": 0.3,
    "digital_signature_adults": 0.4,
    "ecommerce_farm_households": 0.35,
    "online_utility_bills": 0.3,
}
FIBRE_FACTOR = {"2023": (0.85, 0.92), "2025": (1.01, 1.05)}
BROADBAND_GAPS_2023 = 19
TEAM_GAPS_2023 = 11
FULL_ONLINE = {"2023": (1394, 1640), "2025": (1712, 1712)}


def demo_observations(villages: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return every demo observation: synthetic village and province rows, published rows.

    Parameters
    ----------
    villages : pandas.DataFrame
        From :func:`geodata.demo.villages.make_villages`.
    rng : numpy.random.Generator
        The generator to draw from (after the villages were drawn).

    Returns
    -------
    pandas.DataFrame
        ``indicator_key, period, vintage_key, level, code, numerator, denominator, value,
        provenance, source_key, note``.
    """
    n = len(villages)
    frames: list[pd.DataFrame] = []
    denominators = {
        kind: villages[kind].to_numpy()
        for kind in (
            "households",
            "adults",
            "people_15plus",
            "merchants",
            "farm_households",
            "utility_bills",
        )
    }
    yearly_den = {
        "2024": denominators,
        "2023": {k: np.round(v * rng.uniform(0.97, 0.995, n)) for k, v in denominators.items()},
        "2025": {k: np.round(v * rng.uniform(1.005, 1.03, n)) for k, v in denominators.items()},
    }
    for indicator in RATIO_INDICATORS:
        kind = DENOMINATOR[indicator]
        den24 = denominators[kind]
        num24 = _ratio_2024(villages, indicator, den24, rng)
        frames.append(_obs_rows(villages, indicator, "2024", num24, den24))
        for period in ("2023", "2025"):
            den = yearly_den[period][kind]
            num = _ratio_other_year(indicator, period, num24, den24, den, rng)
            frames.append(_obs_rows(villages, indicator, period, num, den))

    ones = np.ones(n)
    broadband_2023 = ones.copy()
    broadband_2023[_remote_pick(villages, BROADBAND_GAPS_2023, rng)] = 0
    teams_2023 = ones.copy()
    teams_2023[_remote_pick(villages, TEAM_GAPS_2023, rng)] = 0
    for period, covered, teams in (
        ("2023", broadband_2023, teams_2023),
        ("2024", ones, ones),
        ("2025", ones, ones),
    ):
        frames.append(_obs_rows(villages, "mobile_broadband_villages", period, covered, ones))
        frames.append(_obs_rows(villages, "community_tech_teams", period, None, None, teams))

    province_rows = []
    for period, (num, den) in FULL_ONLINE.items():
        province_rows.append(
            {
                "indicator_key": "full_online_procedures",
                "period": period,
                "vintage_key": DATA_VINTAGE[period],
                "level": "province",
                "code": ROOT_CODE,
                "numerator": float(num),
                "denominator": float(den),
                "value": 100.0 * num / den,
                "provenance": "synthetic",
                "source_key": DEMO_SOURCE,
                "note": "",
            }
        )
    frames.append(pd.DataFrame(province_rows))
    frames.append(published_rows())
    observations = pd.concat(frames, ignore_index=True)
    villages_rates = observations["level"] == "village"
    computed = 100.0 * observations["numerator"] / observations["denominator"]
    observations.loc[villages_rates, "value"] = observations.loc[villages_rates, "value"].fillna(
        computed[villages_rates]
    )
    return observations


def _obs_rows(
    villages: pd.DataFrame,
    indicator: str,
    period: str,
    numerator: np.ndarray,
    denominator: np.ndarray | None,
    value: np.ndarray | None = None,
) -> pd.DataFrame:
    n = len(villages)
    return pd.DataFrame(
        {
            "indicator_key": indicator,
            "period": period,
            "vintage_key": DATA_VINTAGE[period],
            "level": "village",
            "code": villages["code"].to_numpy(),
            "numerator": numerator.astype(float) if numerator is not None else np.full(n, np.nan),
            "denominator": denominator.astype(float)
            if denominator is not None
            else np.full(n, np.nan),
            "value": value.astype(float) if value is not None else np.full(n, np.nan),
            "provenance": "synthetic",
            "source_key": DEMO_SOURCE,
            "note": "",
        }
    )


def _ratio_2024(
    villages: pd.DataFrame, indicator: str, den: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    score = villages["score"].to_numpy()
    noise = rng.normal(0, 0.15, len(villages))
    in_ph = (villages["unit_code"] == PHUOC_HUNG).to_numpy()
    if indicator == "fibre_households":
        base = SENSITIVITY[indicator] * score + 0.3 * noise
        total = round(PUBLISHED_PROVINCE_2024[indicator] * den.sum())
        return calibrate_uncapped(base, den, total)
    anchor = PUBLISHED_PROVINCE_2024.get(indicator, SYNTHETIC_ANCHOR_2024.get(indicator))
    base = logit(anchor) + SENSITIVITY[indicator] * score + noise
    ph_rate = PUBLISHED_PHUOC_HUNG_2024.get(indicator)
    if indicator == "digital_signature_adults":
        ph_rate = DIGITAL_SIGNATURE_PH_SYNTHETIC
    num = np.zeros(len(villages), dtype=np.int64)
    total = round(anchor * den.sum())
    if ph_rate is not None and in_ph.any():
        ph_total = round(ph_rate * den[in_ph].sum())
        num[in_ph] = calibrate_capped(base[in_ph], den[in_ph], ph_total)
        num[~in_ph] = calibrate_capped(base[~in_ph], den[~in_ph], total - ph_total)
    else:
        num = calibrate_capped(base, den, total)
    return num


def _ratio_other_year(
    indicator: str,
    period: str,
    num24: np.ndarray,
    den24: np.ndarray,
    den: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    rate24 = num24 / den24
    if indicator == "fibre_households":
        return np.round(rate24 * rng.uniform(*FIBRE_FACTOR[period], len(den)) * den)
    shift = (SHIFT_2023 if period == "2023" else SHIFT_2025)[indicator]
    rate = sigmoid(logit(rate24) + shift + rng.normal(0, 0.1, len(den)))
    if period == "2025":
        rate = np.where(rate24 >= 1.0, 1.0, np.maximum(rate, rate24))
    return np.minimum(np.round(rate * den), den)


def _remote_pick(villages: pd.DataFrame, k: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``k`` villages drawn from rural communes of remote districts (lowest scores)."""
    rural = villages["unit_type"].isin(("Xã", "Huyện"))  # not phường or thị trấn
    remote = villages["district_code"].isin(REMOTE_DISTRICTS) & rural
    remote &= villages["unit_code"] != PHUOC_HUNG
    candidates = np.flatnonzero(remote.to_numpy())
    weights = np.exp(-3.0 * villages["score"].to_numpy()[candidates])
    return rng.choice(candidates, size=k, replace=False, p=weights / weights.sum())
