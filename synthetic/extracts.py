"""Write a complete synthetic landing folder plus the truth it was drawn from.

Layout under ``out``::

    landing/folk1a/FOLK1A_<year>K1.csv            StatBank CSV, presentations rotate
    landing/sundhedsprofilen/sundhedsprofilen_<year>.csv
    landing/sundhedsprofilen_estimates/sundhedsprofilen_estimates_<year>.csv
                                                  a published round instead of, or as well
                                                  as, its respondents
    landing/boernedatabasen/boernedatabasen_<school year>.csv
    landing/trivsel/trivsel_<school year>.csv
    landing/labour/labour_<year>.parquet          person-year rows, 18-64
    landing/education/education_<year>.csv        25-year-old cohorts
    landing/register_counts/labour_counts_<year>.csv  the labour register as a count table
    landing/cluster_status/<cluster>_<year>.xlsx  sheet "aktiviteter"
    landing/_synthetic_manifest.json              files + checksums: ingestion labels them synthetic
    synthetic_truth/sundhedsprofilen_true_prevalence.csv
    synthetic_truth/sundhedsprofilen_true_prevalence_by_education.csv
    synthetic_truth/register_true_counts.csv
    synthetic_truth/parameters.json

Same seed and scale give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# The manifest is ingestion's contract for recognising synthetic files: use its own definitions.
from dagster_project.sources.landing import SYNTHETIC_MANIFEST, sha256_of
from synthetic import education_gradient
from synthetic.aggregated import labour_count_table, published_estimates
from synthetic.cluster_status import CLUSTERS, write_status_workbook
from synthetic.geography import Geography, load_geography
from synthetic.population import synthesise_population, write_folk1a
from synthetic.prevalence import (
    SURVEY_INDICATORS,
    band_population,
    indicator_bands,
    true_prevalences,
)
from synthetic.progress import GenerationProgress
from synthetic.registers import (
    boernedatabasen_extract,
    education_extract,
    labour_extract,
    school_year_label,
    trivsel_extract,
)
from synthetic.sundhedsprofilen import generate_round

SURVEY_YEARS = [2010, 2013, 2017, 2021, 2023, 2025]
REGISTER_YEARS = list(range(2016, 2026))
SCHOOL_YEARS = list(range(2016, 2026))  # by the calendar year the school year ends
STATUS_YEARS = [2024, 2025]
# (presentation, UTF-8 BOM) per FOLK1A file, in turn: the sample exercises every format.
FOLK1A_FORMATS = [
    ("codes", False),
    ("codes", True),
    ("labels", False),
    ("labels", True),
    ("codes_and_labels", True),
]
TRUTH_FILE = "sundhedsprofilen_true_prevalence.csv"
REGISTER_TRUTH_FILE = "register_true_counts.csv"
EDUCATION_TRUTH_FILE = "sundhedsprofilen_true_prevalence_by_education.csv"
EDUCATION_MIN_AGE = 25  # education is not finished before; the warehouse's default too


@dataclass(frozen=True)
class GeneratedExtracts:
    landing_dir: Path
    truth_dir: Path
    files: list[Path]


def _truth_frame(
    geo: Geography, pop_bands: np.ndarray, prevalences: dict[str, np.ndarray], years: list[int]
) -> pd.DataFrame:
    frames = []
    for code in SURVEY_INDICATORS:
        bands = np.flatnonzero(indicator_bands(geo, code))
        m, s, b, y = np.meshgrid(
            np.arange(geo.n_municipalities), [0, 1], bands, np.arange(len(years)), indexing="ij"
        )
        frames.append(
            pd.DataFrame(
                {
                    "indicator_code": code,
                    "year": np.array(years)[y.ravel()],
                    "kommune_kode": np.array(geo.kommune_kode)[m.ravel()],
                    "sex": s.ravel() + 1,
                    "age_band_code": np.array(geo.age_band_codes)[b.ravel()],
                    "population": pop_bands[m, s, b, y].ravel().astype(np.int64),
                    "true_prevalence": np.round(prevalences[code][m, s, b, y].ravel(), 6),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _education_truth_frame(
    geo: Geography, pop_bands: np.ndarray, prevalences: dict[str, np.ndarray], years: list[int]
) -> pd.DataFrame:
    """True prevalence per indicator × year × municipality × education group among residents
    aged 25 and over, with the population it applies to (sexes and bands summed, weighted by
    population × the band's group share): clusters, regions and Denmark are their weighted sums.
    """
    shares = education_gradient.share_matrix(geo.age_band_codes)  # [band, group]
    adults = geo.age_band_min >= EDUCATION_MIN_AGE
    frames = []
    for code in SURVEY_INDICATORS:
        bands = indicator_bands(geo, code) & adults
        if not bands.any():
            continue
        p = prevalences[code][:, :, bands, :]  # [m, s, b, y]
        band_shares = shares[bands][None, None, :, None, :]  # [1, 1, b, 1, g]
        p_g = education_gradient.group_prevalences(
            p,
            np.broadcast_to(band_shares, (*p.shape, shares.shape[1])),
            education_gradient.group_effects(code),
        )
        population = pop_bands[:, :, bands, :][..., None] * band_shares  # [m, s, b, y, g]
        total = population.sum(axis=(1, 2))  # [m, y, g]
        weighted = (population * np.nan_to_num(p_g)).sum(axis=(1, 2))
        m, y, g = np.meshgrid(
            np.arange(geo.n_municipalities),
            np.arange(len(years)),
            np.arange(shares.shape[1]),
            indexing="ij",
        )
        groups = np.array([c or "ukendt" for c in education_gradient.GROUPS])
        with np.errstate(invalid="ignore", divide="ignore"):
            prevalence = np.where(total > 0, weighted / total, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "indicator_code": code,
                    "year": np.array(years)[y.ravel()],
                    "kommune_kode": np.array(geo.kommune_kode)[m.ravel()],
                    "education_group": groups[g.ravel()],
                    "population": np.round(total.ravel(), 2),
                    "true_prevalence": np.round(prevalence.ravel(), 6),
                }
            )
        )
    frame = pd.concat(frames, ignore_index=True)
    return frame[frame["population"] > 0]


def generate_extracts(
    out: Path,
    seed: int = 2024,
    scale: float = 0.05,
    survey_years: list[int] | None = None,
    register_years: list[int] | None = None,
    school_years: list[int] | None = None,
    status_years: list[int] | None = None,
    published_years: list[int] | None = None,
    count_years: list[int] | None = None,
    both_forms_years: list[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> GeneratedExtracts:
    """Generate every landing source for all of Denmark, with the true values behind them.

    ``published_years`` are survey rounds delivered as the publisher's municipal estimates
    instead of respondent files; ``both_forms_years`` are rounds delivered both ways, as a
    supplier's respondents and the publisher's estimates of the same year (the warehouse must
    choose one); ``count_years`` are labour-register years delivered (also) as an aggregated
    count table. One extract (a source's year) is in memory at a time, so memory
    follows the largest file, not the whole delivery. ``progress`` gets a line per file
    (default: standard error).
    """
    survey_years = sorted(survey_years or SURVEY_YEARS)
    register_years = sorted(REGISTER_YEARS if register_years is None else register_years)
    school_years = sorted(SCHOOL_YEARS if school_years is None else school_years)
    status_years = sorted(STATUS_YEARS if status_years is None else status_years)
    published_years = sorted(published_years or [])
    count_years = sorted(count_years or [])
    both_forms_years = sorted(both_forms_years or [])
    if not set(published_years) | set(both_forms_years) <= set(survey_years):
        raise ValueError(
            f"published years {published_years} and years in both forms {both_forms_years} "
            f"must be survey years {survey_years}"
        )
    if set(published_years) & set(both_forms_years):
        raise ValueError(
            f"a year is published instead of its respondents {published_years} "
            f"or in both forms {both_forms_years}, not both"
        )
    years = sorted(set(survey_years) | set(register_years) | set(school_years) | set(count_years))
    index = {year: i for i, year in enumerate(years)}
    geo = load_geography()
    rng = np.random.default_rng(seed)
    pop = synthesise_population(geo, years, scale, rng)
    survey_index = [index[year] for year in survey_years]
    survey_pop = pop[:, :, :, survey_index]
    pop_bands = band_population(geo, survey_pop)
    prevalences = true_prevalences(geo, pop_bands, survey_years, rng)

    landing = out / "landing"
    truth_dir = out / "synthetic_truth"
    files: list[Path] = []
    planned = (
        2 * len(survey_years)
        + 2 * len(register_years)
        + 2 * len(school_years)
        + len(CLUSTERS) * len(status_years)
        + len(count_years)
        + len(both_forms_years)
    )
    tracker = GenerationProgress(planned, progress)

    def written(path: Path, rows: int | None = None) -> None:
        files.append(path)
        tracker.file_written(path, rows)

    def write(frame: pd.DataFrame, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".parquet":
            # Whole numbers as 32-bit integers, the type the landing contract declares for them
            # (INTEGER): a typed file that matches the raw layer's types is stored as delivered.
            whole = frame.select_dtypes("int64").columns
            frame = frame.astype(dict.fromkeys(whole, "int32"))
            frame.to_parquet(path, index=False, compression="zstd")
        else:
            frame.to_csv(path, index=False, lineterminator="\n")
        written(path, len(frame))

    for y, year in enumerate(survey_years):
        presentation, bom = FOLK1A_FORMATS[y % len(FOLK1A_FORMATS)]
        path = landing / "folk1a" / f"FOLK1A_{year}K1.csv"
        write_folk1a(path, geo, survey_pop[:, :, :, y], year, presentation, bom)
        written(path)
    for y, year in enumerate(survey_years):
        respondents = generate_round(geo, survey_pop, pop_bands, prevalences, y, year, scale, seed)
        if year not in published_years:
            write(respondents, landing / "sundhedsprofilen" / f"sundhedsprofilen_{year}.csv")
        if year not in published_years and year not in both_forms_years:
            continue
        path = landing / "sundhedsprofilen_estimates" / f"sundhedsprofilen_estimates_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        counts = respondents.groupby("kommune_kode").size().to_dict()
        text = published_estimates(geo, pop_bands, prevalences, y, year, counts, seed)
        path.write_text(text, encoding="utf-8-sig")  # as exported, with a BOM
        written(path)

    register_truth: list[dict] = []
    for year in register_years:
        frame, truth = labour_extract(geo, pop, index[year], year, seed)
        write(frame, landing / "labour" / f"labour_{year}.parquet")
        register_truth += truth
        frame, truth = education_extract(geo, pop, index[year], year, seed)
        write(frame, landing / "education" / f"education_{year}.csv")
        register_truth += truth
    for year in count_years:
        frame, truth = labour_extract(geo, pop, index[year], year, seed)
        text, truth = labour_count_table(geo, frame, year)
        path = landing / "register_counts" / f"labour_counts_{year}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written(path)
        if year not in register_years:
            register_truth += truth
    for end_year in school_years:
        label = school_year_label(end_year).replace("/", "-")
        frame, truth = boernedatabasen_extract(geo, pop, index[end_year], end_year, seed)
        write(frame, landing / "boernedatabasen" / f"boernedatabasen_{label}.csv")
        register_truth += truth
        frame, truth = trivsel_extract(geo, pop, index[end_year], end_year, seed)
        write(frame, landing / "trivsel" / f"trivsel_{label}.csv")
        register_truth += truth
    for year in status_years:
        for cluster in CLUSTERS:
            path = landing / "cluster_status" / f"{cluster}_{year}.xlsx"
            write_status_workbook(path, cluster, year, seed)
            written(path)

    truth_dir.mkdir(parents=True, exist_ok=True)
    _truth_frame(geo, pop_bands, prevalences, survey_years).to_csv(
        truth_dir / TRUTH_FILE, index=False, lineterminator="\n"
    )
    _education_truth_frame(geo, pop_bands, prevalences, survey_years).to_csv(
        truth_dir / EDUCATION_TRUTH_FILE, index=False, lineterminator="\n"
    )
    pd.DataFrame(
        register_truth,
        columns=["indicator_code", "year", "kommune_kode", "numerator", "denominator"],
    ).to_csv(truth_dir / REGISTER_TRUTH_FILE, index=False, lineterminator="\n")
    parameters = {
        "synthetic": True,
        "generator": "synthetic",
        "seed": seed,
        "scale": scale,
        "survey_years": survey_years,
        "register_years": register_years,
        "school_years": school_years,
        "status_years": status_years,
        "published_years": published_years,
        "count_years": count_years,
        "both_forms_years": both_forms_years,
        "syddanmark_targets": {code: m.targets for code, m in SURVEY_INDICATORS.items()},
    }
    (truth_dir / "parameters.json").write_text(json.dumps(parameters, indent=2) + "\n")
    manifest = {
        "note": (
            "SYNTHETIC DATA generated by sundhedsdata's generator (python -m synthetic) - "
            "not real figures."
        ),
        "seed": seed,
        "scale": scale,
        "files": {str(p.relative_to(landing)): sha256_of(p) for p in files},
    }
    (landing / SYNTHETIC_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return GeneratedExtracts(landing_dir=landing, truth_dir=truth_dir, files=files)
