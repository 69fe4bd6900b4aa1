"""The true prevalence behind every synthetic survey answer.

    logit p = α(indicator, year) + β(indicator, sex)
              + γ(indicator, age band) + δ(indicator, municipality)

α is solved so that Region Syddanmark's population-weighted prevalence hits a plausible target
(e.g. daily smoking ≈19% in 2017, 15% in 2021, 13% in 2023; docs/domain.md); δ is drawn per
municipality, so Denmark and the other regions differ. p is constant within an age band, which
makes the band-level truth exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.definitions import definitions_of
from synthetic.geography import Geography

SYDDANMARK = "083"


@dataclass(frozen=True)
class IndicatorModel:
    targets: dict[int, float]  # Syddanmark prevalence by survey year
    male_effect: float  # logit shift for men (women 0)
    band_effects: dict[str, float]  # logit shift by age band; missing bands 0
    municipality_sd: float


SURVEY_INDICATORS: dict[str, IndicatorModel] = {
    "daily_smoking": IndicatorModel(
        {2010: 0.22, 2013: 0.20, 2017: 0.19, 2021: 0.15, 2023: 0.13, 2025: 0.12},
        0.15,
        {"16-24": -0.3, "65-74": -0.4, "75+": -1.1},
        0.20,
    ),
    "other_nicotine": IndicatorModel(
        {2010: 0.03, 2013: 0.04, 2017: 0.06, 2021: 0.09, 2023: 0.11, 2025: 0.12},
        0.4,
        {"16-24": 1.5, "25-34": 0.8, "45-54": -0.8, "55-64": -1.4, "65-74": -2.0, "75+": -2.5},
        0.15,
    ),
    "alcohol_over_10_units": IndicatorModel(
        {2010: 0.20, 2013: 0.19, 2017: 0.18, 2021: 0.17, 2023: 0.16, 2025: 0.16},
        0.9,
        {"16-24": 0.3, "55-64": 0.3, "65-74": 0.3, "75+": -0.3},
        0.15,
    ),
    "severe_obesity": IndicatorModel(
        {2010: 0.15, 2013: 0.16, 2017: 0.175, 2021: 0.195, 2023: 0.20, 2025: 0.205},
        0.05,
        {"16-24": -0.8, "25-34": -0.3, "45-54": 0.2, "55-64": 0.3, "65-74": 0.3},
        0.20,
    ),
    # The question changed between 2017 and 2021 (series break): the level drops with it.
    "physically_active": IndicatorModel(
        {2010: 0.62, 2013: 0.62, 2017: 0.60, 2021: 0.52, 2023: 0.51, 2025: 0.52},
        0.1,
        {"16-24": 0.3, "65-74": -0.4, "75+": -0.9},
        0.15,
    ),
    "young_good_mental_health": IndicatorModel(
        {2010: 0.90, 2013: 0.88, 2017: 0.85, 2021: 0.80, 2023: 0.79, 2025: 0.80},
        0.5,
        {},
        0.15,
    ),
}
# Which ages an indicator covers and how it is computed are the warehouse's definitions
# (synthetic/definitions.py); only the truth behind the answers is invented here.
if set(SURVEY_INDICATORS) != set(definitions_of("sundhedsprofilen")):
    raise RuntimeError(
        "the generator's survey indicators differ from seeds/indicators.csv: "
        f"{sorted(set(SURVEY_INDICATORS) ^ set(definitions_of('sundhedsprofilen')))}"
    )


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def indicator_bands(geo: Geography, code: str) -> np.ndarray:
    """Boolean mask of the age bands an indicator covers (whole bands only)."""
    definition = definitions_of("sundhedsprofilen")[code]
    return (geo.age_band_min >= definition.age_min) & (geo.age_band_max <= definition.age_max)


def band_population(geo: Geography, pop: np.ndarray) -> np.ndarray:
    """Residents summed to [municipality, sex, band, year]."""
    ages = np.arange(pop.shape[2])
    bands = geo.band_of_age(ages)
    out = np.zeros((pop.shape[0], pop.shape[1], len(geo.age_band_codes), pop.shape[3]))
    for b in range(len(geo.age_band_codes)):
        out[:, :, b, :] = pop[:, :, bands == b, :].sum(axis=2)
    return out


def true_prevalences(
    geo: Geography, pop_bands: np.ndarray, years: list[int], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """True p as [municipality, sex, band, year] per indicator (NaN outside its age range)."""
    in_region = geo.region_code == SYDDANMARK
    result: dict[str, np.ndarray] = {}
    for code, model in SURVEY_INDICATORS.items():
        municipality_effect = rng.normal(0.0, model.municipality_sd, geo.n_municipalities)
        band_effect = np.array([model.band_effects.get(b, 0.0) for b in geo.age_band_codes])
        sex_effect = np.array([model.male_effect, 0.0])
        rest = (
            municipality_effect[:, None, None]
            + sex_effect[None, :, None]
            + band_effect[None, None, :]
        )
        covered = indicator_bands(geo, code)
        p = np.full(pop_bands.shape, np.nan)
        for y, year in enumerate(years):
            weights = pop_bands[in_region][:, :, covered, y]
            alpha = _solve_intercept(rest[in_region][:, :, covered], weights, model.targets[year])
            p[:, :, covered, y] = _expit(alpha + rest[:, :, covered])
        result[code] = p
    return result


def _solve_intercept(rest: np.ndarray, weights: np.ndarray, target: float) -> float:
    """α such that the weighted mean of expit(α + rest) equals target (bisection)."""
    low, high = -15.0, 15.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.average(_expit(mid + rest), weights=weights) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2
