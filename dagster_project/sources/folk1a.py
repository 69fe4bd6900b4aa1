"""FOLK1A (Statistics Denmark StatBank): population by area, sex, age and quarter.

The StatBank API delivers the same table in three presentations - codes (461;1;25), Danish
labels (Odense;Mænd;25 år) and code-and-label (461 Odense;1 Mænd;25 25 år) - with or without a
UTF-8 BOM. Ingestion maps all three to codes through one code list built from the seeds, so an
unknown label is an error naming its row instead of a silently dropped municipality. Totals and
region rows are kept (raw is what was delivered); staging and the facts use municipality rows.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference_data import municipality_codes, read_seed
from dagster_project.sources.contracts import (
    ColumnRule,
    check_has_rows,
    check_rules,
    integer,
    period_quarter,
    quoted,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.loaders import write_raw_rows
from dagster_project.sources.raw_layer import LoadOptions, RawSource
from dagster_project.sources.readers import read_text_file
from dagster_project.sources.structure import TextLayout

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


# How StatBank writes the total of a variable: as a code, a label or code-and-label.
TOTAL_SPELLINGS = ("TOT", "IALT", "I ALT", "TOTAL", "TOT I ALT", "IALT I ALT")


def load_folk1a_file(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions
) -> int:
    read_text_file(conn, file, TextLayout(";", tuple(HEADER)))
    check_has_rows(conn, "_landing", file.name)
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
        period_quarter("TID"),
        ColumnRule(
            "INDHOLD",
            "is StatBank's mark for a missing value ('..'), but a population count cannot be "
            "missing: select only cells StatBank has figures for",
            "trim({v}) = '..'",
        ),
        integer("INDHOLD", low=0),
        ColumnRule("INDHOLD", "required value is missing", "{v} is null"),
    ]
    check_rules(conn, "_landing", rules, file.name)
    extras = [
        name
        for (name,) in conn.execute("select column_name from (describe _landing)").fetchall()
        if name not in {*HEADER, "source_row", "area_code", "sex_code", "age_code"}
    ]
    for position, column in enumerate(extras):
        collapse_extra_variable(conn, file.name, column, extras[position + 1 :])
    check_one_row_per_cell(conn, file.name)
    return write_raw_rows(
        conn,
        'area_code, sex_code, age_code, trim("TID"), cast("INDHOLD" as bigint)',
        file,
        options,
    )


def collapse_extra_variable(
    conn: duckdb.DuckDBPyConnection, file: str, column: str, other_extras: list[str]
) -> None:
    """Remove a StatBank variable the warehouse does not use (CIVILSTAND, HERKOMST, ...).

    With total rows (TOT, I alt), the parts must add up to the total of their cell, and only the
    total rows are kept. Without any, the parts are summed, each part appearing once per cell.
    Anything else - totals for some cells only, a part twice - is rejected naming the column:
    a population is never counted twice.
    """
    cell = ", ".join(quoted(c) for c in ["area_code", "sex_code", "age_code", "TID", *other_extras])
    total = f"upper(trim({quoted(column)})) in ({', '.join(repr(t) for t in TOTAL_SPELLINGS)})"
    per_cell = conn.execute(
        f"""
        select
            count(*) filter ({total}) as totals,
            count(*) filter (not {total}) as parts,
            sum(cast("INDHOLD" as bigint)) filter ({total}) as total_count,
            sum(cast("INDHOLD" as bigint)) filter (not {total}) as parts_count,
            min(source_row) filter ({total}) as total_row,
            min(source_row) as first_row,
            count(distinct {quoted(column)}) filter (not {total}) as distinct_parts
        from _landing group by {cell}
        """
    ).fetchall()
    with_total = [c for c in per_cell if c[0] > 0]
    if with_total and len(with_total) < len(per_cell):
        row = min(c[5] for c in per_cell if c[0] == 0)
        raise LandingFileError(
            file,
            "extra StatBank variable: some cells have a total row (TOT, I alt) and this one has "
            "not, so its parts cannot be checked against a total",
            row=row,
            column=column,
        )
    for totals, parts, total_count, parts_count, total_row, first_row, distinct in per_cell:
        if totals > 1:
            raise LandingFileError(
                file,
                "extra StatBank variable: two total rows for one cell",
                row=total_row,
                column=column,
            )
        if distinct != parts:
            raise LandingFileError(
                file,
                "extra StatBank variable: the same part appears twice for one cell, so the "
                "population would be counted twice",
                row=first_row,
                column=column,
            )
        if totals and parts and parts_count != total_count:
            raise LandingFileError(
                file,
                f"extra StatBank variable: the parts add up to {parts_count:,} but the total row "
                f"says {total_count:,}",
                row=total_row,
                column=column,
            )
    if with_total:
        conn.execute(f"delete from _landing where not {total}")
        conn.execute(f"alter table _landing drop column {quoted(column)}")
        return
    conn.execute(
        f"""
        create or replace temp table _landing as
        select {cell}, any_value("OMRÅDE") as "OMRÅDE", any_value("KØN") as "KØN",
            any_value("ALDER") as "ALDER",
            cast(sum(cast("INDHOLD" as bigint)) as varchar) as "INDHOLD",
            min(source_row) as source_row
        from _landing group by {cell}
        """
    )


def check_one_row_per_cell(conn: duckdb.DuckDBPyConnection, file: str) -> None:
    """Area × sex × age × quarter once per file, in whatever presentation it was written."""
    duplicate = conn.execute(
        """
        select min(source_row), max(source_row)
        from _landing group by area_code, sex_code, age_code, trim("TID")
        having count(*) > 1 order by 1 limit 1
        """
    ).fetchone()
    if duplicate:
        raise LandingFileError(
            file,
            f"duplicate of row {duplicate[0]} in the key (OMRÅDE, KØN, ALDER, TID): the "
            "population would be counted twice",
            row=duplicate[1],
            column="OMRÅDE",
        )


def check_quarters_complete(
    conn: duckdb.DuckDBPyConnection, quarters: list[str], file_of_quarter: dict[str, str]
) -> None:
    """Each quarter's files together hold every municipality × both sexes × every single age
    from 0 to the highest age delivered: a hole would publish too low a population. (That no
    cell is delivered twice, within a file or across files, is the key check's.)"""
    for quarter in sorted(quarters):
        expected, holes, first, highest = conn.execute(
            """
            with municipal as (
                select area_code, sex_code, cast(age_code as integer) as age
                from raw.folk1a_population
                where quarter_code = ? and sex_code in ('1', '2') and age_code <> 'IALT'
                    and list_contains(?, area_code)
            ),
            highest as (select coalesce(max(age), 0) as age from municipal),
            expected as (
                select kommune_kode as area_code, sex_code, age
                from (select unnest(?) as kommune_kode)
                cross join (select unnest(['1', '2']) as sex_code)
                cross join range(0, (select age from highest) + 1) as t(age)
            ),
            holes as (select * from expected except select * from municipal)
            select
                (select count(*) from expected),
                (select count(*) from holes),
                (select list(area_code || ' sex ' || sex_code || ' age ' || age
                    order by area_code, sex_code, age)[1:5] from holes),
                (select age from highest)
            """,
            [quarter, municipality_codes(), municipality_codes()],
        ).fetchone()
        if holes:
            raise LandingFileError(
                file_of_quarter[quarter],
                f"quarter {quarter} is incomplete: {holes:,} of its {expected:,} municipality × "
                f"sex × age cells (98 municipalities, sexes 1 and 2, ages 0 to {highest}) are "
                f"missing, first {', '.join(first)}",
            )


def check_loaded_quarters(conn: duckdb.DuckDBPyConnection, loaded: list[LandingFile]) -> None:
    """After a night's FOLK1A files are loaded: every quarter they touch is complete."""
    names = [f.name for f in loaded]
    rows = conn.execute(
        "select distinct quarter_code, max(_source_file) over (partition by quarter_code) "
        "from raw.folk1a_population where list_contains(?, _source_file)",
        [names],
    ).fetchall()
    check_quarters_complete(conn, [q for q, _ in rows], dict(rows))


FOLK1A = RawSource(
    name="folk1a",
    table="folk1a_population",
    patterns=("*.csv",),
    columns_ddl=(
        "area_code varchar not null, sex_code varchar not null, age_code varchar not null, "
        "quarter_code varchar not null, population_count bigint not null"
    ),
    load_file=load_folk1a_file,
    check_loaded=check_loaded_quarters,
    unique_key=("area_code", "sex_code", "age_code", "quarter_code"),
    coverage=("cast(substr(quarter_code, 1, 4) as integer)", "area_code"),
    description=(
        "Statistics Denmark FOLK1A population (StatBank CSV in any presentation), normalised to "
        "codes; totals and region rows kept as delivered."
    ),
)
