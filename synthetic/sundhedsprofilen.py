"""Synthetic Sundhedsprofilen respondents: a stratified sample with calibrated weights.

Each municipality is sampled separately (small ones relatively more, as the real survey does);
young people answer less often than older ones, and the calibration weights (post-stratified
to FOLK1A by sex × age band, collapsing empty cells) undo that - so the weighted estimator is the
one that recovers the truth. Answers are drawn from the true prevalences in prevalence.py and
turned into the raw items the survey asks (height, weight, minutes, units, SF-12 score).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from synthetic import education_gradient
from synthetic.definitions import definitions_of
from synthetic.geography import Geography

# Relative round sizes (2021 had 183,646 respondents nationally; 2023 was a small round).
ROUND_SIZES = {2010: 1.0, 2013: 0.95, 2017: 1.05, 2021: 1.15, 2023: 0.35, 2025: 1.0}
RESPONSE_PROPENSITY = {
    "16-24": 0.55,
    "25-34": 0.7,
    "35-44": 0.9,
    "45-54": 1.0,
    "55-64": 1.2,
    "65-74": 1.35,
    "75+": 1.0,
}
# Share of respondents skipping each question block; the two activity items form one block
# (people skip the block, not one line of it), which keeps the activity outcome unbiased.
ITEM_MISSING = {
    "daily_smoker": 0.02,
    "other_nicotine": 0.04,
    "alcohol_units_week": 0.04,
    "height_cm": 0.03,
    "weight_kg": 0.04,
    ("pa_moderate_min_week", "pa_vigorous_min_week"): 0.05,
    "mcs12": 0.06,
}
COLUMNS = [
    "respondent_id",
    "survey_year",
    "kommune_kode",
    "sex",
    "age",
    "weight",
    "daily_smoker",
    "other_nicotine",
    "alcohol_units_week",
    "height_cm",
    "weight_kg",
    "pa_moderate_min_week",
    "pa_vigorous_min_week",
    "mcs12",
    "education_group",
]
MIN_AGE = 16
# Percent of respondents without the alcohol outcome drinking 0, 1, ..., cut-off units a week.
UNITS_AT_MOST_CUTOFF = (30, 8, 10, 9, 8, 8, 7, 6, 5, 5, 4)
_NORMAL = NormalDist()
_probit = np.vectorize(lambda p: _NORMAL.inv_cdf(float(p)))


def respondents_in_municipality(
    geo: Geography,
    m: int,
    year: int,
    scale: float,
    pop_age: np.ndarray,
    pop_band: np.ndarray,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Draw (sex index, age, band index, weight) for one municipality's sample.

    pop_age is [sex, age] and pop_band [sex, band] for this municipality and year.
    """
    rng = np.random.default_rng([seed, year, m, 1])
    n = round(scale * ROUND_SIZES[year] * (900 + 0.012 * geo.population_approx[m]))
    ages = np.arange(MIN_AGE, pop_age.shape[1])
    bands = geo.band_of_age(ages)
    propensity = np.array([RESPONSE_PROPENSITY[geo.age_band_codes[b]] for b in bands])
    selection = pop_age[:, MIN_AGE:] * propensity[None, :]
    if n == 0 or selection.sum() == 0:
        empty = np.array([], dtype=np.int64)
        return empty, empty, empty, np.array([])
    draws = rng.choice(selection.size, size=n, p=(selection / selection.sum()).ravel())
    sex_index, age_offset = np.divmod(draws, len(ages))
    age = ages[age_offset]
    band = bands[age_offset]
    return sex_index, age, band, _calibrated_weights(sex_index, band, pop_band)


def _calibrated_weights(
    sex_index: np.ndarray, band: np.ndarray, pop_band: np.ndarray
) -> np.ndarray:
    """Post-stratify to sex × band; a band lacking one sex is calibrated on both sexes, and the
    residents of a band nobody answered from are spread over all respondents."""
    weights = np.zeros(len(sex_index))
    unassigned = 0.0
    for b in range(1, pop_band.shape[1]):  # band 0 is children: not surveyed
        if pop_band[:, b].sum() == 0:
            continue
        in_band = band == b
        per_sex = [in_band & (sex_index == s) for s in (0, 1)]
        if all(mask.any() for mask in per_sex):
            for s, mask in enumerate(per_sex):
                weights[mask] = pop_band[s, b] / mask.sum()
        elif in_band.any():
            weights[in_band] = pop_band[:, b].sum() / in_band.sum()
        else:
            unassigned += pop_band[:, b].sum()
    if unassigned and weights.sum() > 0:
        weights *= (weights.sum() + unassigned) / weights.sum()
    return weights


def _answers(
    rng: np.random.Generator, p: dict[str, np.ndarray], sex_index: np.ndarray
) -> dict[str, np.ndarray]:
    """Raw survey items from true prevalences p (one value per respondent, NaN = not covered)."""
    n = len(sex_index)
    draw = {code: rng.random(n) < np.nan_to_num(prob) for code, prob in p.items()}
    survey = definitions_of("sundhedsprofilen")

    # BMI log-normal with P(BMI >= cut-off) equal to the true prevalence of severe obesity.
    bmi_min = survey["severe_obesity"].cutoff("bmi")
    sigma = 0.16
    mu = np.log(bmi_min) - sigma * _probit(1 - np.clip(p["severe_obesity"], 1e-6, 1 - 1e-6))
    bmi = np.exp(mu + sigma * rng.standard_normal(n))
    height = np.rint(np.where(sex_index == 0, 180.0, 167.0) + rng.normal(0, 6.5, n))
    weight = np.round(bmi * (height / 100) ** 2, 1)

    # Active people meet one of the two minimums, inactive people neither.
    active = draw["physically_active"]
    moderate_min = int(survey["physically_active"].cutoff("pa_moderate_min_week"))
    vigorous_min = int(survey["physically_active"].cutoff("pa_vigorous_min_week"))
    by_moderate = rng.random(n) < 0.6
    moderate = np.where(
        active,
        np.where(by_moderate, rng.integers(moderate_min, 601, n), rng.integers(0, 301, n)),
        rng.integers(0, moderate_min, n),
    )
    vigorous = np.where(
        active,
        np.where(by_moderate, rng.integers(0, 151, n), rng.integers(vigorous_min, 301, n)),
        rng.integers(0, vigorous_min, n),
    )

    # More than the cut-off for those with the outcome; 0 up to the cut-off for the others.
    alcohol_max = int(survey["alcohol_over_10_units"].cutoff("alcohol_units_week"))
    if len(UNITS_AT_MOST_CUTOFF) != alcohol_max + 1:
        raise ValueError(
            f"UNITS_AT_MOST_CUTOFF needs a share for each of 0..{alcohol_max} units a week"
        )
    alcohol = np.where(
        draw["alcohol_over_10_units"],
        alcohol_max + 1 + rng.geometric(0.12, n) - 1,
        rng.choice(alcohol_max + 1, n, p=np.array(UNITS_AT_MOST_CUTOFF) / 100),
    )

    # SF-12 MCS normal(sd 10) with P(MCS >= cut-off) equal to the truth for the indicator's
    # ages; older respondents get the population distribution (mean 50).
    mcs_min = survey["young_good_mental_health"].cutoff("mcs12")
    young = p["young_good_mental_health"]
    mcs_mean = np.where(
        np.isnan(young),
        50.0,
        mcs_min + 10 * _probit(np.clip(np.nan_to_num(young, nan=0.5), 1e-6, 1 - 1e-6)),
    )
    # Clipped to the range SF-12 MCS scores take in practice; far from the cut-off either way.
    mcs = np.round(np.clip(mcs_mean + 10 * rng.standard_normal(n), 5.0, 80.0), 1)

    # Yes/no items answer the indicator they define directly (one is_true item each).
    flags = {
        definition.items[0].item: draw[code].astype(float)
        for code, definition in survey.items()
        if definition.items[0].comparison == "is_true"
    }

    return {
        **flags,
        "alcohol_units_week": alcohol.astype(float),
        "height_cm": height,
        "weight_kg": weight,
        "pa_moderate_min_week": moderate.astype(float),
        "pa_vigorous_min_week": vigorous.astype(float),
        "mcs12": mcs,
    }


def generate_round(
    geo: Geography,
    pop: np.ndarray,
    pop_bands: np.ndarray,
    prevalences: dict[str, np.ndarray],
    y: int,
    year: int,
    scale: float,
    seed: int,
) -> pd.DataFrame:
    """All respondents of one survey round, in the landing contract's column order."""
    frames = []
    for m, kommune in enumerate(geo.kommune_kode):
        sex_index, age, band, weights = respondents_in_municipality(
            geo, m, year, scale, pop[m, :, :, y], pop_bands[m, :, :, y], seed
        )
        if len(age) == 0:
            continue
        rng = np.random.default_rng([seed, year, m, 2])
        # Education from its own stream, so every other draw stays as it was.
        group = education_gradient.draw_groups(
            np.random.default_rng([seed, year, m, 3]), band, geo.age_band_codes
        )
        shares = education_gradient.share_matrix(geo.age_band_codes)[band]
        p = {
            code: education_gradient.group_prevalences(
                prev[m, sex_index, band, y], shares, education_gradient.group_effects(code)
            )[np.arange(len(group)), group]
            for code, prev in prevalences.items()
        }
        answers = _answers(rng, p, sex_index)
        for block, share in ITEM_MISSING.items():
            skipped = rng.random(len(age)) < share
            for column in block if isinstance(block, tuple) else (block,):
                answers[column] = np.where(skipped, np.nan, answers[column])
        frames.append(
            pd.DataFrame(
                {
                    "respondent_id": [f"SP{year}-{kommune}-{i:05d}" for i in range(len(age))],
                    "survey_year": year,
                    "kommune_kode": kommune,
                    "sex": sex_index + 1,
                    "age": age,
                    "weight": np.round(weights, 4),
                    **answers,
                    "education_group": education_gradient.codes(group),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    for column in (
        "daily_smoker",
        "other_nicotine",
        "alcohol_units_week",
        "height_cm",
        "pa_moderate_min_week",
        "pa_vigorous_min_week",
    ):
        frame[column] = frame[column].astype("Int64")
    return frame[COLUMNS]
