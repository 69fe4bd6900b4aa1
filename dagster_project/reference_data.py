"""Reading the seed CSVs from Python, for code that must agree with dbt on codes and labels."""

from __future__ import annotations

import csv
from pathlib import Path

from dagster_project.settings import SEEDS_DIR


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """Rows of seeds/<name>.csv as dictionaries of text (codes keep their leading zeros)."""
    with (seeds_dir / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def municipality_codes() -> list[str]:
    """The 98 municipality codes, the only ones a landing file may use."""
    return [row["kommune_kode"] for row in read_seed("municipalities")]


def calendar_years() -> list[int]:
    """The years of dim_year (seeds/calendar_years.csv)."""
    return [int(row["year"]) for row in read_seed("calendar_years")]


def education_group_codes() -> list[str]:
    """The codes a file's education_group column may hold (empty means unknown)."""
    return [
        row["education_group_code"]
        for row in read_seed("education_groups")
        if row["education_group_code"] != "ukendt"  # staging's word for an empty value
    ]
