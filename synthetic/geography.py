"""Danish geography for the generator, read from the warehouse's own seeds.

Reading the seeds (not a copy) keeps generated codes and labels identical to what ingestion and
dbt accept. Municipality sizes come from calibration/municipality_population.csv: rounded,
approximate 2024 figures, used only to give synthetic Denmark a realistic shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dagster_project.reference_data import read_seed
from dagster_project.settings import SEEDS_DIR

CALIBRATION_DIR = Path(__file__).parent / "calibration"


@dataclass(frozen=True)
class Geography:
    """The 98 municipalities in seed order, with region, size and the age bands."""

    kommune_kode: list[str]
    kommune_name: list[str]
    region_code: np.ndarray
    region_names: dict[str, str]
    population_approx: np.ndarray
    is_city: np.ndarray
    age_band_codes: list[str]
    age_band_min: np.ndarray
    age_band_max: np.ndarray

    @property
    def n_municipalities(self) -> int:
        return len(self.kommune_kode)

    def band_of_age(self, ages: np.ndarray) -> np.ndarray:
        """Index into age_band_codes for every age."""
        return np.searchsorted(self.age_band_min, ages, side="right") - 1


def load_geography(seeds_dir: Path = SEEDS_DIR) -> Geography:
    municipalities = read_seed("municipalities", seeds_dir)
    sizes = {
        row["kommune_kode"]: row for row in read_seed("municipality_population", CALIBRATION_DIR)
    }
    missing = [m["kommune_kode"] for m in municipalities if m["kommune_kode"] not in sizes]
    if missing:
        raise ValueError(f"calibration/municipality_population.csv lacks municipalities {missing}")
    bands = read_seed("age_bands", seeds_dir)
    return Geography(
        kommune_kode=[m["kommune_kode"] for m in municipalities],
        kommune_name=[m["kommune_name_da"] for m in municipalities],
        region_code=np.array([m["region_code"] for m in municipalities]),
        region_names={
            r["region_code"]: r["region_name_da"] for r in read_seed("regions", seeds_dir)
        },
        population_approx=np.array(
            [float(sizes[m["kommune_kode"]]["population_approx"]) for m in municipalities]
        ),
        is_city=np.array([sizes[m["kommune_kode"]]["is_city"] == "1" for m in municipalities]),
        age_band_codes=[b["age_band_code"] for b in bands],
        age_band_min=np.array([int(b["age_min"]) for b in bands]),
        age_band_max=np.array([int(b["age_max"]) for b in bands]),
    )
