"""Synthetic register extracts: labour market, education, Børnedatabasen and Trivselsmåling.

Registers are complete enumerations, so their "truth" is simply what they contain: the
generator records the realised numerator and denominator of every register indicator per
municipality and year (register_true_counts.csv), and the pipeline must reproduce them exactly.
Levels are plausible, not real: labour attachment ≈74% with a somatic disease and ≈50% with a
psychiatric diagnosis, ≈55% of 25-year-olds with a diagnosis before 18 completing a youth
education, ≈12-19% overweight pupils, ≈88% of pupils with high well-being.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from synthetic import education_gradient
from synthetic.definitions import definitions_of
from synthetic.geography import Geography

LABOUR_AGES = np.arange(18, 65)
SCHOOL_STAGE_AGE = {"indskoling": 6, "udskoling": 15}
WELLBEING_AGES = np.arange(10, 16)  # grades 4-9


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def school_year_label(end_year: int) -> str:
    """2024 → '2023/24': school years are reported by the year they end."""
    return f"{end_year - 1}/{end_year % 100:02d}"


_KEY_BITS = 48  # 12 hex digits, the length of the pseudonymous keys the extracts carry
_HALF = _KEY_BITS // 2
_HALF_MASK = (1 << _HALF) - 1


def _feistel(index: np.ndarray, seed: int, source: str) -> np.ndarray:
    """A keyed permutation of 48-bit integers: distinct inputs give distinct outputs.

    Four Feistel rounds, each with a round function drawn from the seed and the source. Any
    round function gives a bijection, so keys are unique by construction, and they look as
    opaque as hashed ones.
    """
    constants = np.random.default_rng(
        [seed, int.from_bytes(hashlib.blake2b(source.encode(), digest_size=4).digest())]
    ).integers(1, 1 << 31, size=(4, 2), dtype=np.uint64)
    left, right = index >> np.uint64(_HALF), index & np.uint64(_HALF_MASK)
    for multiplier, offset in constants:
        mixed = (right * (multiplier | np.uint64(1)) + offset) & np.uint64(_HALF_MASK)
        mixed ^= mixed >> np.uint64(11)
        left, right = right, left ^ mixed
    return (left << np.uint64(_HALF)) | right


def person_keys(
    seed: int, source: str, m: int, sex: np.ndarray, birth_year: np.ndarray
) -> list[str]:
    """Pseudonymous keys, stable for the same synthetic person across years (12 hex digits).

    A person is (municipality, sex, birth year, number among those): packed into 48 bits and
    permuted, so two persons never share a key. Keys hashed from the same fields collided at
    three times national scale (ten million persons in 2^48 keys), which the labour contract
    rightly rejected as a duplicate person-year.
    """
    frame = pd.DataFrame({"sex": sex, "birth_year": birth_year})
    number = frame.groupby(["sex", "birth_year"]).cumcount().to_numpy(dtype=np.uint64)
    if not (0 <= m < 128 and frame["birth_year"].between(1880, 2135).all()):
        raise ValueError("a person outside the key's fields: municipality or birth year")
    if len(number) and number.max() >= 1 << 32:
        raise ValueError("more than 2^32 persons of one sex and birth year in a municipality")
    person = (
        (np.uint64(m) << np.uint64(41))
        | ((sex.astype(np.uint64) - np.uint64(1)) << np.uint64(40))
        | ((birth_year.astype(np.uint64) - np.uint64(1880)) << np.uint64(32))
        | number
    )
    return [f"{key:012x}" for key in _feistel(person, seed, source).tolist()]


def _persons(pop_m: np.ndarray, ages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sex 1/2, age) of every resident of the given ages, from pop[sex, age] counts."""
    counts = pop_m[:, ages]
    sex = np.repeat(np.repeat([1, 2], len(ages)), counts.ravel())
    age = np.repeat(np.tile(ages, 2), counts.ravel())
    return sex, age


def labour_extract(
    geo: Geography, pop: np.ndarray, y: int, year: int, seed: int
) -> tuple[pd.DataFrame, list[dict]]:
    """Person-year rows of everyone aged 18-64, with disease flags and labour attachment."""
    rng_effects = np.random.default_rng([seed, 7001])
    municipality_effect = rng_effects.normal(0, 0.15, geo.n_municipalities)
    trend = 0.03 * (year - 2020)
    frames, truth = [], []
    for m, kommune in enumerate(geo.kommune_kode):
        rng = np.random.default_rng([seed, year, m, 7002])
        sex, age = _persons(pop[m, :, :, y], LABOUR_AGES)
        somatic = rng.random(len(age)) < 0.08 + 0.005 * (age - 18)
        psychiatric = rng.random(len(age)) < 0.09
        base = np.where(psychiatric, _logit(0.50), np.where(somatic, _logit(0.74), _logit(0.86)))
        # Education from its own stream; shorter education, less attachment.
        group = education_gradient.draw_groups(
            np.random.default_rng([seed, year, m, 7003]), geo.band_of_age(age), geo.age_band_codes
        )
        gradient = np.where(
            psychiatric,
            education_gradient.group_effects("psychiatric_labour_attached")[group],
            education_gradient.group_effects("somatic_labour_attached")[group],
        )
        logit = (
            base + gradient + municipality_effect[m] + trend - 0.6 * (age >= 60) + 0.1 * (sex == 1)
        )
        attached = rng.random(len(age)) < _expit(logit)
        frames.append(
            pd.DataFrame(
                {
                    "person_key": person_keys(seed, "labour", m, sex, year - age),
                    "year": year,
                    "kommune_kode": kommune,
                    "sex": sex,
                    "age": age,
                    "somatic_chronic": somatic.astype(int),
                    "psychiatric": psychiatric.astype(int),
                    "attached": attached.astype(int),
                    "education_group": education_gradient.codes(group),
                }
            )
        )
        # Each indicator's denominator is the register variable the seeds name for it.
        flags = {"somatic_chronic": somatic, "psychiatric": psychiatric}
        for code, definition in definitions_of("labour").items():
            (population,) = (r for r in definition.items if r.role == "population")
            flag = flags[population.item]
            truth.append(
                {
                    "indicator_code": code,
                    "year": year,
                    "kommune_kode": kommune,
                    "numerator": int((flag & attached).sum()),
                    "denominator": int(flag.sum()),
                }
            )
    return pd.concat(frames, ignore_index=True), truth


def education_extract(
    geo: Geography, pop: np.ndarray, y: int, year: int, seed: int
) -> tuple[pd.DataFrame, list[dict]]:
    """The cohort of 25-year-olds: psychiatric diagnosis before 18, youth education completed."""
    rng_effects = np.random.default_rng([seed, 7101])
    municipality_effect = rng_effects.normal(0, 0.2, geo.n_municipalities)
    frames, truth = [], []
    for m, kommune in enumerate(geo.kommune_kode):
        rng = np.random.default_rng([seed, year, m, 7102])
        sex, age = _persons(pop[m, :, :, y], np.array([25]))
        diagnosed = rng.random(len(age)) < 0.12
        p = (
            np.where(diagnosed, _logit(0.55), _logit(0.85))
            + municipality_effect[m]
            + 0.04 * (year - 2020)
        )
        completed = rng.random(len(age)) < _expit(p - 0.3 * (sex == 1))
        frames.append(
            pd.DataFrame(
                {
                    "person_key": person_keys(seed, "education", m, sex, year - age),
                    "year": year,
                    "kommune_kode": kommune,
                    "sex": sex,
                    "psychiatric_before_18": diagnosed.astype(int),
                    "completed_youth_education": completed.astype(int),
                }
            )
        )
        truth.append(
            {
                "indicator_code": "psychiatric_youth_education",
                "year": year,
                "kommune_kode": kommune,
                "numerator": int((diagnosed & completed).sum()),
                "denominator": int(diagnosed.sum()),
            }
        )
    return pd.concat(frames, ignore_index=True), truth


def boernedatabasen_extract(
    geo: Geography, pop: np.ndarray, y: int, end_year: int, seed: int
) -> tuple[pd.DataFrame, list[dict]]:
    """School health exams by municipality × school stage × sex for one school year."""
    rng = np.random.default_rng([seed, end_year, 7201])
    municipality_effect = rng.normal(0, 0.15, geo.n_municipalities)
    rows, truth = [], []
    for m, kommune in enumerate(geo.kommune_kode):
        numerator = denominator = 0
        for stage, age in SCHOOL_STAGE_AGE.items():
            base = _logit(0.12 if stage == "indskoling" else 0.19)
            for s in (0, 1):
                measured = int(rng.binomial(pop[m, s, age, y], 0.85))
                p = _expit(base + municipality_effect[m] + 0.03 * (end_year - 2020))
                overweight = int(rng.binomial(measured, p))
                severe = int(rng.binomial(overweight, 0.25))
                rows.append(
                    (
                        school_year_label(end_year),
                        kommune,
                        stage,
                        s + 1,
                        measured,
                        overweight,
                        severe,
                    )
                )
                numerator += overweight
                denominator += measured
        truth.append(
            {
                "indicator_code": "children_overweight",
                "year": end_year,
                "kommune_kode": kommune,
                "numerator": numerator,
                "denominator": denominator,
            }
        )
    columns = [
        "school_year",
        "kommune_kode",
        "school_stage",
        "sex",
        "n_measured",
        "n_overweight",
        "n_severe_overweight",
    ]
    return pd.DataFrame(rows, columns=columns), truth


def trivsel_extract(
    geo: Geography, pop: np.ndarray, y: int, end_year: int, seed: int
) -> tuple[pd.DataFrame, list[dict]]:
    """The national well-being survey (grades 4-9) by municipality for one school year."""
    rng = np.random.default_rng([seed, end_year, 7301])
    municipality_effect = rng.normal(0, 0.15, geo.n_municipalities)
    rows, truth = [], []
    for m, kommune in enumerate(geo.kommune_kode):
        respondents = int(rng.binomial(pop[m, :, WELLBEING_AGES, y].sum(), 0.85))
        p = _expit(_logit(0.90) + municipality_effect[m] - 0.05 * (end_year - 2020))
        high = int(rng.binomial(respondents, p))
        rows.append((school_year_label(end_year), kommune, respondents, high))
        truth.append(
            {
                "indicator_code": "pupils_thriving",
                "year": end_year,
                "kommune_kode": kommune,
                "numerator": high,
                "denominator": respondents,
            }
        )
    columns = ["school_year", "kommune_kode", "n_respondents", "n_high_wellbeing"]
    return pd.DataFrame(rows, columns=columns), truth
