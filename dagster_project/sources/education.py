"""Education register extract: cohorts of 25-year-olds, one row per person, CSV or Parquet.

Person-level: the person key stays in raw and staging only.
"""

from __future__ import annotations

from dagster_project.sources.contracts import (
    TableContract,
    municipality,
    one_of,
    period_year,
    required,
    sex,
)
from dagster_project.sources.loaders import tabular_source

FLAGS = ("psychiatric_before_18", "completed_youth_education")

CONTRACT = TableContract(
    columns={
        "person_key": "varchar",
        "year": "integer",
        "kommune_kode": "varchar",
        "sex": "integer",
        "psychiatric_before_18": "integer",
        "completed_youth_education": "integer",
    },
    rules=lambda: [
        *(required(c) for c in ("person_key", "year", "kommune_kode", "sex", *FLAGS)),
        period_year("year"),
        municipality(),
        sex(),
        *(one_of(flag, ["0", "1"], "0 or 1") for flag in FLAGS),
    ],
    person_key="person_key",
    unique_key=("person_key", "year"),
)

EDUCATION = tabular_source(
    "education",
    "education_cohorts",
    CONTRACT,
    "Education register extract: 25-year-olds, psychiatric diagnosis before 18, youth education.",
    patterns=("*.csv", "*.parquet"),
)
