"""Labour-market register extract (DREAM-style): one row per person and year, CSV or Parquet.

Person-level: the person key stays in raw and staging only.
"""

from __future__ import annotations

from dagster_project.sources.contracts import (
    TableContract,
    education_group,
    integer,
    municipality,
    one_of,
    period_year,
    required,
    sex,
)
from dagster_project.sources.loaders import tabular_source

FLAGS = ("somatic_chronic", "psychiatric", "attached")

CONTRACT = TableContract(
    columns={
        "person_key": "varchar",
        "year": "integer",
        "kommune_kode": "varchar",
        "sex": "integer",
        "age": "integer",
        "somatic_chronic": "integer",
        "psychiatric": "integer",
        "attached": "integer",
        "education_group": "varchar",
    },
    rules=lambda: [
        *(required(c) for c in ("person_key", "year", "kommune_kode", "sex", "age", *FLAGS)),
        period_year("year"),
        municipality(),
        sex(),
        integer("age", 0, 120),
        *(one_of(flag, ["0", "1"], "0 or 1") for flag in FLAGS),
        education_group("education_group"),
    ],
    person_key="person_key",
    unique_key=("person_key", "year"),
    optional=("education_group",),
)

LABOUR = tabular_source(
    "labour",
    "labour_person_years",
    CONTRACT,
    "Labour-market register extract: disease flags and labour-market attachment per person-year.",
    patterns=("*.csv", "*.parquet"),
)
