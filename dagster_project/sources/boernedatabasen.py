"""Den Nationale Børnedatabase: school health exams by municipality, school stage and sex.

Aggregated counts. n_overweight includes the severely overweight, so it may not exceed the
number measured, and n_severe_overweight may not exceed n_overweight.
"""

from __future__ import annotations

from dagster_project.sources.contracts import (
    TableContract,
    integer,
    municipality,
    not_above,
    one_of,
    period_school_year,
    required,
    school_year,
    school_year_end,
    sex,
)
from dagster_project.sources.loaders import tabular_source

COUNTS = ("n_measured", "n_overweight", "n_severe_overweight")

CONTRACT = TableContract(
    columns={
        "school_year": "varchar",
        "kommune_kode": "varchar",
        "school_stage": "varchar",
        "sex": "integer",
        "n_measured": "bigint",
        "n_overweight": "bigint",
        "n_severe_overweight": "bigint",
    },
    rules=lambda: [
        *(required(c) for c in ("school_year", "kommune_kode", "school_stage", "sex", *COUNTS)),
        school_year("school_year"),
        period_school_year("school_year"),
        municipality(),
        one_of("school_stage", ["indskoling", "udskoling"], "indskoling or udskoling"),
        sex(),
        *(integer(c, low=0) for c in COUNTS),
        not_above("n_overweight", "n_measured"),
        not_above("n_severe_overweight", "n_overweight"),
    ],
    derived=school_year_end("school_year"),
    unique_key=("school_year", "kommune_kode", "school_stage", "sex"),
)

BOERNEDATABASEN = tabular_source(
    "boernedatabasen",
    "boernedatabasen_school_health_exams",
    CONTRACT,
    "Den Nationale Børnedatabase: measured pupils and IOTF overweight by school stage and sex.",
)
