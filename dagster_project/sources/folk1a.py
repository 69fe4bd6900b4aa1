"""FOLK1A (Statistics Denmark StatBank): population by area, sex, age and quarter.

The StatBank API delivers the same table in three presentations - codes (461;1;25), Danish
labels (Odense;Mænd;25 år) and code-and-label (461 Odense;1 Mænd;25 25 år) - with or without a
UTF-8 BOM. Ingestion maps all three to codes through one code list built from the seeds, so an
unknown label is an error naming its row instead of a silently dropped municipality. Totals and
region rows are kept (raw is what was delivered); staging and the facts use municipality rows.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference_data import read_seed
from dagster_project.sources.contracts import ColumnRule, check_rules, integer, require_columns
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.raw_layer import RawSource, insert_from_landing, read_text_file

HEADER = ["OMRÅDE", "KØN", "ALDER", "TID", "INDHOLD"]
MAX_AGE = 125
SEX_LABELS = {"1": "Mænd", "2": "Kvinder", "TOT": "I alt"}


def code_list() -> list[tuple[str, str, str]]:
    """(dimension, spelling, code): every accepted spelling of every StatBank code."""
    areas = [(r["kommune_kode"], r["kommune_name_da"]) for r in read_seed("municipalities")]
    areas += [(r["region_code"], r["region_name_da"]) for r in read_seed("regions")]
    areas += [(r["area_code"], r["area_name_da"]) for r in read_seed("statbank_area_extras")]
    ages = [(str(a), f"{a} år") for a in range(MAX_AGE + 1)] + [("IALT", "Alder i alt")]
    entries = {"area": areas, "sex": list(SEX_LABELS.items()), "age": ages}
    return [
        (dimension, spelling, code)
        for dimension, pairs in entries.items()
        for code, label in pairs
        for spelling in (code, label, f"{code} {label}")
    ]


def load_folk1a_file(conn: duckdb.DuckDBPyConnection, file: LandingFile, is_synthetic: bool) -> int:
    read_text_file(conn, file, ";")
    require_columns(conn, "_landing", HEADER, file.name)
    if conn.execute("select count(*) from _landing").fetchone()[0] == 0:
        raise LandingFileError(file.name, "file has a header but no data rows")
    conn.execute(
        "create or replace temp table _codes (dimension varchar, spelling varchar, code varchar)"
    )
    conn.executemany("insert into _codes values (?, ?, ?)", code_list())
    conn.execute(
        """
        create or replace temp table _landing as
        select
            l.*,
            area.code as area_code,
            sex.code as sex_code,
            age.code as age_code
        from _landing as l
        left join _codes as area on area.dimension = 'area' and area.spelling = trim(l."OMRÅDE")
        left join _codes as sex on sex.dimension = 'sex' and sex.spelling = trim(l."KØN")
        left join _codes as age on age.dimension = 'age' and age.spelling = trim(l."ALDER")
        """
    )
    rules = [
        ColumnRule(
            "OMRÅDE",
            "unknown area (not a StatBank code or label of Denmark, a region or a municipality)",
            "area_code is null",
        ),
        ColumnRule(
            "KØN", "unknown sex (expected 1, 2, TOT or Mænd, Kvinder, I alt)", "sex_code is null"
        ),
        ColumnRule(
            "ALDER", "unknown age (expected 0-125 or IALT, as code or label)", "age_code is null"
        ),
        ColumnRule(
            "TID",
            "must be a quarter like 2024K1",
            "not coalesce(regexp_full_match(trim({v}), '[0-9]{4}K[1-4]'), false)",
        ),
        integer("INDHOLD", low=0),
        ColumnRule("INDHOLD", "required value is missing", "{v} is null"),
    ]
    check_rules(conn, "_landing", rules, file.name)
    return insert_from_landing(
        conn,
        "folk1a_population",
        'area_code, sex_code, age_code, trim("TID"), cast("INDHOLD" as bigint)',
        file,
        is_synthetic,
    )


FOLK1A = RawSource(
    name="folk1a",
    table="folk1a_population",
    patterns=("*.csv",),
    columns_ddl=(
        "area_code varchar not null, sex_code varchar not null, age_code varchar not null, "
        "quarter_code varchar not null, population_count bigint not null"
    ),
    load_file=load_folk1a_file,
    description=(
        "Statistics Denmark FOLK1A population (StatBank CSV in any presentation), normalised to "
        "codes; totals and region rows kept as delivered."
    ),
)
