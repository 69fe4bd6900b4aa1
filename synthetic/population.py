"""Synthetic residents by municipality × sex × age × year, and FOLK1A files of them.

The age structure is a stationary Gompertz population tilted per municipality (older rural,
younger cities with students); totals grow 0.4% a year towards the 2024 sizes. FOLK1A files are
written in the StatBank API's three presentations (codes, Danish labels, code-and-label) with
the totals and region rows a real download carries.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from synthetic.geography import Geography

AGES = np.arange(0, 106)
SEXES = ("1", "2")
SEX_LABELS = {"1": "Mænd", "2": "Kvinder", "TOT": "I alt"}
COUNTRY = ("000", "Hele landet")
PRESENTATIONS = ("codes", "labels", "codes_and_labels")


def synthesise_population(
    geo: Geography, years: list[int], scale: float, rng: np.random.Generator
) -> np.ndarray:
    """Residents on 1 January as an int array [municipality, sex, age, year]."""
    survival = np.exp(-0.000588 * (np.exp(0.085 * AGES) - 1))
    tilt = rng.uniform(-0.2, 0.2, geo.n_municipalities)
    shape = survival[None, :] * np.clip(1 + tilt[:, None] * (AGES[None, :] - 40) / 40, 0.3, None)
    shape[geo.is_city, 19:30] *= 1.6
    shape /= shape.sum(axis=1, keepdims=True)
    female_share = 0.487 + 0.15 * np.clip(AGES - 60, 0, 40) / 40
    sex_share = np.stack([1 - female_share, female_share])  # [sex, age]
    growth = np.array([1 + 0.004 * (year - 2024) for year in years])
    expected = (
        geo.population_approx[:, None, None, None]
        * scale
        * shape[:, None, :, None]
        * sex_share[None, :, :, None]
        * growth[None, None, None, :]
    )
    return np.rint(expected).astype(np.int64)


def _area_rows(geo: Geography, pop: np.ndarray) -> list[tuple[str, str, str, int]]:
    """(area, sex, age, count) rows of one year: municipalities in detail, every area's totals."""
    rows: list[tuple[str, str, str, int]] = []
    areas: list[tuple[str, np.ndarray]] = []
    for m, code in enumerate(geo.kommune_kode):
        for s, sex in enumerate(SEXES):
            rows.extend((code, sex, str(age), int(pop[m, s, age])) for age in AGES)
        areas.append((code, pop[m]))
    for region in sorted(geo.region_names):
        areas.append((region, pop[geo.region_code == region].sum(axis=0)))
    areas.append((COUNTRY[0], pop.sum(axis=0)))
    for code, by_sex_age in areas:
        rows.append((code, "TOT", "IALT", int(by_sex_age.sum())))
        for s, sex in enumerate(SEXES):
            rows.append((code, sex, "IALT", int(by_sex_age[s].sum())))
    return rows


def _labeller(geo: Geography, presentation: str):
    area_labels = dict(zip(geo.kommune_kode, geo.kommune_name, strict=True))
    area_labels.update(geo.region_names)
    area_labels[COUNTRY[0]] = COUNTRY[1]

    def age_label(code: str) -> str:
        return "Alder i alt" if code == "IALT" else f"{code} år"

    def label(area: str, sex: str, age: str) -> tuple[str, str, str]:
        if presentation == "codes":
            return area, sex, age
        labels = (area_labels[area], SEX_LABELS[sex], age_label(age))
        if presentation == "labels":
            return labels
        return tuple(f"{c} {lab}" for c, lab in zip((area, sex, age), labels, strict=True))

    return label


def write_folk1a(
    path: Path, geo: Geography, pop_year: np.ndarray, year: int, presentation: str, bom: bool
) -> None:
    """One StatBank FOLK1A download for the first quarter of a year."""
    if presentation not in PRESENTATIONS:
        raise ValueError(f"unknown FOLK1A presentation {presentation!r}")
    label = _labeller(geo, presentation)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"])
        for area, sex, age, count in _area_rows(geo, pop_year):
            writer.writerow([*label(area, sex, age), f"{year}K1", count])
