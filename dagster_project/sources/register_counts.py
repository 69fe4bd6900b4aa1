"""Register results as aggregated count tables, the form Statistics Denmark's research service
and the Danish Health Data Authority hand out: numerator and denominator per indicator ×
municipality × year × sex × age band, small cells already blanked by the publisher.

    indicator_code,year,kommune_kode,sex,age_band,numerator,denominator

``sex`` is 1, 2 or TOT and ``age_band`` a code of seeds/age_bands.csv or TOT, so a table may
carry its totals beside its parts. A cell the publisher blanked (empty, or ``<5``) is kept as
blanked - its count unknown, never zero - and the raw table says which. Parts and totals of one
table must add up: where every part of a total is known their sum equals it, and where some are
blanked the known parts cannot exceed it.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference_data import read_seed
from dagster_project.sources.contracts import (
    ColumnRule,
    TableContract,
    check_contract,
    municipality,
    one_of,
    period_year,
    quoted,
    required,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.loaders import columns_ddl, write_raw_rows
from dagster_project.sources.raw_layer import LoadOptions, RawSource
from dagster_project.sources.readers import read_landing_file
from dagster_project.sources.structure import TextLayout

TABLE = "register_counts_cells"
HEADER = ("indicator_code", "year", "kommune_kode", "sex", "age_band", "numerator", "denominator")
LAYOUT = TextLayout(delimiter=",", required=HEADER)
BLANKED = ("", "<5")
COUNTS = ("numerator", "denominator")
KEY = ("indicator_code", "year", "kommune_kode", "sex", "age_band")
COLUMNS = {
    "indicator_code": "varchar",
    "year": "integer",
    "kommune_kode": "varchar",
    "sex_code": "varchar",
    "age_band_code": "varchar",
    "numerator": "bigint",
    "denominator": "bigint",
    "is_numerator_blanked": "boolean",
    "is_denominator_blanked": "boolean",
}


def _count(column: str) -> ColumnRule:
    """A whole number of persons, or a cell the publisher blanked."""
    blank = ", ".join(f"'{b}'" for b in BLANKED if b)
    return ColumnRule(
        column,
        "must be a whole number of at least 0, or blanked (empty or <5)",
        f"{{v}} is not null and trim({{v}}) not in ({blank}) "
        "and coalesce(try_cast({v} as bigint) < 0, true)",
    )


def _rules() -> list[ColumnRule]:
    registers = [
        row["indicator_code"]
        for row in read_seed("indicators")
        if row["statistic"] == "register_share"
    ]
    bands = [row["age_band_code"] for row in read_seed("age_bands")]
    return [
        *(required(c) for c in KEY),
        one_of("indicator_code", registers, "a register indicator of seeds/indicators.csv"),
        period_year("year"),
        municipality(),
        one_of("sex", ["1", "2", "TOT"], "1, 2 or TOT"),
        one_of("age_band", [*bands, "TOT"], "an age band of seeds/age_bands.csv or TOT"),
        *(_count(c) for c in COUNTS),
        ColumnRule(
            "numerator",
            "must not exceed denominator",
            "try_cast({v} as bigint) > try_cast(denominator as bigint)",
        ),
    ]


# The file's columns as text (they are cast on insert) and the table's key.
CONTRACT = TableContract(columns=dict.fromkeys(HEADER, "varchar"), rules=_rules, unique_key=KEY)


def check_totals(conn: duckdb.DuckDBPyConnection, file: str) -> None:
    """Every total equals its known parts, or at least holds them where a part is blanked."""
    for count in COUNTS:
        for part, other in (("sex", "age_band"), ("age_band", "sex")):
            value = f"try_cast({quoted(count)} as bigint)"
            total = f"try_cast(totals.{quoted(count)} as bigint)"
            bad = conn.execute(
                f"""
                with parts as (
                    select indicator_code, year, kommune_kode, {other},
                        sum({value}) as known, count(*) filter ({value} is null) as blanked
                    from _landing where {part} <> 'TOT'
                    group by indicator_code, year, kommune_kode, {other}
                )
                select totals.source_row, {total}, parts.known, parts.blanked
                from _landing as totals
                inner join parts using (indicator_code, year, kommune_kode, {other})
                where totals.{part} = 'TOT' and {total} is not null
                    and ((parts.blanked = 0 and parts.known <> {total}) or parts.known > {total})
                order by totals.source_row limit 1
                """
            ).fetchone()
            if bad:
                row, total, known, blanked = bad
                parts_words = f"its known parts by {part} add up to {known}" + (
                    f" ({blanked} blanked)" if blanked else ""
                )
                raise LandingFileError(
                    file,
                    f"the {part} TOT row's {count} is {total}, but {parts_words}: parts and "
                    "totals of one table must add up",
                    row=row,
                    column=count,
                )


def load_counts_file(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions
) -> int:
    read_landing_file(conn, file, LAYOUT)
    check_contract(conn, "_landing", CONTRACT, file.name)
    check_totals(conn, file.name)
    select_list = (
        "indicator_code, cast(year as integer), kommune_kode, sex, age_band, "
        "try_cast(numerator as bigint), try_cast(denominator as bigint), "
        "try_cast(numerator as bigint) is null, try_cast(denominator as bigint) is null"
    )
    return write_raw_rows(conn, select_list, file, options)


REGISTER_COUNTS = RawSource(
    name="register_counts",
    table=TABLE,
    patterns=("*.csv",),
    columns_ddl=columns_ddl(COLUMNS),
    load_file=load_counts_file,
    description=(
        "Aggregated register count tables (numerator and denominator per indicator, "
        "municipality, year, sex and age band), small cells blanked by the publisher."
    ),
    unique_key=("indicator_code", "year", "kommune_kode", "sex_code", "age_band_code"),
    coverage=("year", "kommune_kode"),
    year_column="year",
)
