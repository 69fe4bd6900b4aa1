"""Highest completed education for synthetic persons, and the social gradient it carries.

Every respondent and register person gets an education group, drawn from shares that depend on
the age band (older cohorts have shorter educations; most 16-24-year-olds are still in
education). An outcome's probability then shifts with the group on the logit scale,

    logit p_g = logit p + e(indicator, g) + c

where e runs from the least to the most advantaged group (shorter education: more daily smoking
and severe obesity, less physical activity and labour-market attachment) and c is solved per
cell so that the shares' mix of p_g equals p: the cell's truth, and every existing figure drawn
from it, stays what it was. The true p_g per cell is recorded, so the pipeline's education
values and inequality measures can be checked against the truth they were drawn from.
"""

from __future__ import annotations

import numpy as np

RANKED = (
    "grundskole",
    "gymnasial_erhvervsfaglig",
    "kort_mellemlang_videregaaende",
    "lang_videregaaende",
)
GROUPS = (*RANKED, "under_uddannelse", "")  # "" is unknown (an empty field)
# Shares of GROUPS by age band (plausible for Denmark, not real).
SHARES = {
    "00-15": (0.0, 0.0, 0.0, 0.0, 1.0, 0.0),
    "16-24": (0.22, 0.14, 0.02, 0.0, 0.60, 0.02),
    "25-34": (0.13, 0.35, 0.27, 0.15, 0.08, 0.02),
    "35-44": (0.14, 0.38, 0.28, 0.16, 0.02, 0.02),
    "45-54": (0.19, 0.42, 0.25, 0.11, 0.01, 0.02),
    "55-64": (0.24, 0.44, 0.22, 0.08, 0.0, 0.02),
    "65-74": (0.31, 0.42, 0.19, 0.06, 0.0, 0.02),
    "75+": (0.44, 0.34, 0.15, 0.05, 0.0, 0.02),
}
# Logit effect of each ranked group (least to most advantaged); under education and unknown 0.
EFFECTS = {
    "daily_smoking": (0.75, 0.35, -0.25, -0.75),
    "other_nicotine": (0.3, 0.15, -0.1, -0.3),
    "alcohol_over_10_units": (-0.1, 0.05, 0.05, 0.0),
    "severe_obesity": (0.55, 0.25, -0.2, -0.6),
    "physically_active": (-0.55, -0.2, 0.2, 0.45),
    "young_good_mental_health": (-0.2, 0.0, 0.1, 0.15),
    "somatic_labour_attached": (-0.6, -0.1, 0.3, 0.5),
    "psychiatric_labour_attached": (-0.5, -0.1, 0.25, 0.45),
}


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def group_effects(indicator: str) -> np.ndarray:
    """e(indicator, g) over GROUPS: 0 for the groups not ranked."""
    return np.array([*EFFECTS.get(indicator, (0.0,) * len(RANKED)), 0.0, 0.0])


def share_matrix(band_codes: list[str]) -> np.ndarray:
    """[band, group] shares, each row summing to 1."""
    shares = np.array([SHARES[b] for b in band_codes])
    return shares / shares.sum(axis=1, keepdims=True)


def draw_groups(rng: np.random.Generator, band: np.ndarray, band_codes: list[str]) -> np.ndarray:
    """A group index per person from its band's shares."""
    cumulative = np.cumsum(share_matrix(band_codes)[band], axis=1)
    return (rng.random(len(band))[:, None] > cumulative).sum(axis=1).clip(max=len(GROUPS) - 1)


def group_prevalences(p: np.ndarray, shares: np.ndarray, effects: np.ndarray) -> np.ndarray:
    """p_g for every cell: p is any array of cell truths, shares the same shape plus a group
    axis; c is solved by bisection so that Σ_g shares·p_g = p (NaN cells stay NaN)."""
    logit = np.log(np.clip(p, 1e-9, 1 - 1e-9) / (1 - np.clip(p, 1e-9, 1 - 1e-9)))[..., None]
    low = np.full(p.shape, -10.0)[..., None]
    high = np.full(p.shape, 10.0)[..., None]
    for _ in range(60):
        mid = (low + high) / 2
        mix = (shares * _expit(logit + effects + mid)).sum(axis=-1, keepdims=True)
        too_low = mix < p[..., None]
        low = np.where(too_low, mid, low)
        high = np.where(too_low, high, mid)
    result = _expit(logit + effects + (low + high) / 2)
    return np.where(np.isnan(p)[..., None], np.nan, result)


def codes(group_index: np.ndarray) -> np.ndarray:
    """The column's values: a group code, or None (an empty field, a Parquet null) for unknown."""
    return np.array([g or None for g in GROUPS], dtype=object)[group_index]
