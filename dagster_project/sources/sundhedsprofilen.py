"""Sundhedsprofilen ("Hvordan har du det?"): respondent-level survey microdata with weights.

Person-level: the respondent key stays in raw and staging only. The contract rejects rather
than repairs: a flag that is not 0/1, a municipality that does not exist, a decimal comma, a
weight that is not positive - each is an error naming the row.
"""

from __future__ import annotations

from dagster_project.sources.contracts import (
    TableContract,
    education_group,
    integer,
    municipality,
    number,
    one_of,
    period_year,
    required,
    sex,
)
from dagster_project.sources.loaders import tabular_source

FLAG = (["0", "1"], "0 or 1 (empty when not answered)")


def _rules() -> list:
    return [
        *(
            required(c)
            for c in ("respondent_id", "survey_year", "kommune_kode", "sex", "age", "weight")
        ),
        period_year("survey_year"),
        municipality(),
        sex(),
        integer("age", 16, 120),
        number("weight", low=0, strict_low=True),
        one_of("daily_smoker", *FLAG),
        one_of("other_nicotine", *FLAG),
        number("alcohol_units_week", 0, 500),
        number("height_cm", 80, 250),
        number("weight_kg", 20, 400),
        number("pa_moderate_min_week", 0, 10080),
        number("pa_vigorous_min_week", 0, 10080),
        number("mcs12", 0, 100),
        education_group("education_group"),
    ]


CONTRACT = TableContract(
    columns={
        "respondent_id": "varchar",
        "survey_year": "integer",
        "kommune_kode": "varchar",
        "sex": "integer",
        "age": "integer",
        "weight": "double",
        "daily_smoker": "integer",
        "other_nicotine": "integer",
        "alcohol_units_week": "double",
        "height_cm": "double",
        "weight_kg": "double",
        "pa_moderate_min_week": "double",
        "pa_vigorous_min_week": "double",
        "mcs12": "double",
        "education_group": "varchar",
    },
    rules=_rules,
    person_key="respondent_id",
    unique_key=("respondent_id", "survey_year"),
    optional=("education_group",),
)

SUNDHEDSPROFILEN = tabular_source(
    "sundhedsprofilen",
    "sundhedsprofilen_respondents",
    CONTRACT,
    "Sundhedsprofilen respondent microdata with calibrated weights (person-level).",
    year_sql="survey_year",
    # A survey round every four years (2010, 2013, 2017, 2021, 2025).
    delivered_every_months=48,
)
