"""Trivselsmåling, the national school well-being survey (grades 4-9), by municipality."""

from __future__ import annotations

from dagster_project.sources.contracts import (
    TableContract,
    integer,
    municipality,
    not_above,
    period_school_year,
    required,
    school_year,
    school_year_end,
)
from dagster_project.sources.loaders import tabular_source

CONTRACT = TableContract(
    columns={
        "school_year": "varchar",
        "kommune_kode": "varchar",
        "n_respondents": "bigint",
        "n_high_wellbeing": "bigint",
    },
    rules=lambda: [
        *(
            required(c)
            for c in ("school_year", "kommune_kode", "n_respondents", "n_high_wellbeing")
        ),
        school_year("school_year"),
        period_school_year("school_year"),
        municipality(),
        integer("n_respondents", low=0),
        integer("n_high_wellbeing", low=0),
        not_above("n_high_wellbeing", "n_respondents"),
    ],
    derived=school_year_end("school_year"),
    unique_key=("school_year", "kommune_kode"),
)

TRIVSEL = tabular_source(
    "trivsel",
    "trivsel_wellbeing",
    CONTRACT,
    "Trivselsmåling: respondents and pupils with high general well-being per municipality.",
)
