"""Sundhedsprofilen ("Hvordan har du det?"): respondent-level survey microdata with weights.

Person-level: the respondent key stays in raw and staging only. The contract rejects rather
than repairs: a flag that is not 0/1, a municipality that does not exist, a decimal comma, a
weight that is not positive - each is an error naming the row.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference_data import read_seed
from dagster_project.sources.contracts import (
    check_rules,
    integer,
    number,
    one_of,
    require_columns,
    required,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.raw_layer import RawSource, insert_from_landing, read_text_file

COLUMNS = {
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
}
FLAG = (["0", "1"], "0 or 1 (empty when not answered)")


def _rules() -> list:
    municipalities = [r["kommune_kode"] for r in read_seed("municipalities")]
    return [
        *(
            required(c)
            for c in ("respondent_id", "survey_year", "kommune_kode", "sex", "age", "weight")
        ),
        integer("survey_year", 2000, 2100),
        one_of("kommune_kode", municipalities, "one of the 98 municipality codes"),
        one_of("sex", ["1", "2"], "1 (male) or 2 (female)"),
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
    ]


def load_sundhedsprofilen_file(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, is_synthetic: bool
) -> int:
    read_text_file(conn, file, ",")
    require_columns(conn, "_landing", list(COLUMNS), file.name)
    if conn.execute("select count(*) from _landing").fetchone()[0] == 0:
        raise LandingFileError(file.name, "file has a header but no data rows")
    check_rules(conn, "_landing", _rules(), file.name)
    duplicate = conn.execute(
        "select respondent_id, survey_year, min(source_row), max(source_row) from _landing "
        "group by respondent_id, survey_year having count(*) > 1 order by 3 limit 1"
    ).fetchone()
    if duplicate:
        raise LandingFileError(
            file.name,
            f"duplicate respondent (also on row {duplicate[2]})",
            row=duplicate[3],
            column="respondent_id",
            value=duplicate[0],
        )
    select_list = ", ".join(f'cast("{c}" as {t})' for c, t in COLUMNS.items())
    return insert_from_landing(
        conn, "sundhedsprofilen_respondents", select_list, file, is_synthetic
    )


SUNDHEDSPROFILEN = RawSource(
    name="sundhedsprofilen",
    table="sundhedsprofilen_respondents",
    patterns=("*.csv",),
    columns_ddl=", ".join(f"{c} {t}" for c, t in COLUMNS.items()),
    load_file=load_sundhedsprofilen_file,
    description="Sundhedsprofilen respondent microdata with calibrated weights (person-level).",
)
