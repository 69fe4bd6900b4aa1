"""Sundhedsprofilen's published results per municipality (danskernessundhed.dk): one share per
indicator × area × year, sometimes with a 95% interval and a respondent count, never microdata.

This is the survey source every municipality and cluster secretariat actually has, so it gets a
door of its own beside the respondent files. The file is the publisher's table as exported:

    indikator;aar;kommune;andel[;koen][;ki_nedre][;ki_oevre][;antal_svarpersoner]

semicolon-separated UTF-8 (a BOM allowed), decimals with a comma or a point (one style per
file), shares and interval bounds in percent. ``kommune`` is a DST code or the Danish name of a
municipality, of Region Syddanmark (083) or of Denmark (000, "Hele landet"). ``indikator`` is the
publisher's own name or an indicator_code, mapped by seeds/published_indicator_names.csv (which
also says when the published share is the complement of the indicator: "does not meet the
recommendations" is 100 minus "physically active"). Rows of a name the seed does not know are
kept in raw with no indicator_code, left out downstream and counted by name in the asset's
metadata and a warning check: never an error, never silently.

The raw table holds the file's values as delivered (percent, the publisher's direction); the
staging model turns them into the indicator's proportion.
"""

from __future__ import annotations

import duckdb

from dagster_project.reference_data import read_seed
from dagster_project.sources.contracts import (
    ColumnRule,
    check_has_rows,
    check_rules,
    check_unique,
    integer,
    number,
    period_year,
    quoted,
    required,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.loaders import columns_ddl, write_raw_rows
from dagster_project.sources.raw_layer import LoadOptions, RawSource
from dagster_project.sources.readers import read_text_file
from dagster_project.sources.structure import TextLayout

REQUIRED = ("indikator", "aar", "kommune", "andel")
OPTIONAL = ("koen", "ki_nedre", "ki_oevre", "antal_svarpersoner")
SHARES = ("andel", "ki_nedre", "ki_oevre")
LAYOUT = TextLayout(delimiter=";", required=REQUIRED)
COUNTRY = ("000", "Hele landet")
REGION = ("083", "Region Syddanmark")
# koen as published -> sex code; an empty koen is both sexes.
SEXES = {
    "1": "1",
    "mand": "1",
    "mænd": "1",
    "2": "2",
    "kvinde": "2",
    "kvinder": "2",
    "alle": "TOT",
    "i alt": "TOT",
    "begge køn": "TOT",
    "tot": "TOT",
}
COLUMNS = {
    "publisher_name": "varchar",
    "indicator_code": "varchar",
    # The indicator a row is about: its code, or the name as delivered when the seed does not
    # know it. A code and a publisher's name of one indicator are the same figure.
    "indicator_key": "varchar",
    "is_complement": "boolean",
    "year": "integer",
    "area_code": "varchar",
    "sex_code": "varchar",
    "share_percent": "double",
    "ci_lower_percent": "double",
    "ci_upper_percent": "double",
    "n_respondents": "bigint",
}


def _areas() -> list[tuple[str, str]]:
    """(lower-case name or code, area code) of every area a row may be about."""
    pairs = []
    for row in read_seed("municipalities"):
        pairs += [
            (row["kommune_kode"], row["kommune_kode"]),
            (row["kommune_name_da"].lower(), row["kommune_kode"]),
        ]
    for code, name in (COUNTRY, REGION):
        pairs += [(code, code), (name.lower(), code)]
    return pairs


def _names() -> list[tuple[str, str, bool]]:
    """(lower-case name, indicator_code, is_complement): the publisher's names and the codes."""
    names = [
        (
            row["publisher_name"].strip().lower(),
            row["indicator_code"],
            row["is_complement"] == "true",
        )
        for row in read_seed("published_indicator_names")
    ]
    codes = [
        (row["indicator_code"], row["indicator_code"], False)
        for row in read_seed("indicators")
        if row["source_code"] == "sundhedsprofilen"
    ]
    return names + codes


def _decimal_style(conn: duckdb.DuckDBPyConnection, file: LandingFile) -> None:
    """One decimal style per file: commas become points, a file with both is rejected."""
    present = [c for c in SHARES if c in _columns(conn)]
    commas = " or ".join(f"contains({quoted(c)}, ',')" for c in present)
    points = " or ".join(f"contains({quoted(c)}, '.')" for c in present)
    first_comma, first_point = conn.execute(
        f"select min(source_row) filter ({commas}), min(source_row) filter ({points}) from _landing"
    ).fetchone()
    if first_comma is not None and first_point is not None:
        raise LandingFileError(
            file.name,
            "mixes decimal commas and decimal points (one style per file): the first comma is "
            f"in row {first_comma}, the first point in row {first_point}",
            row=max(first_comma, first_point),
        )
    if first_comma is not None:
        for column in present:
            conn.execute(
                f"update _landing set {quoted(column)} = replace({quoted(column)}, ',', '.')"
            )


def _columns(conn: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in conn.execute("describe _landing").fetchall()]


def _rules() -> list[ColumnRule]:
    sexes = ", ".join(f"'{s}'" for s in SEXES)
    return [
        *(required(c) for c in REQUIRED),
        integer("aar"),
        period_year("aar"),
        ColumnRule(
            "kommune",
            "must be a DST area code or the Danish name of a municipality, "
            "'Region Syddanmark' (083) or 'Hele landet' (000)",
            "{v} is not null and _area_code is null",
        ),
        number("andel", low=0, high=100),
        number("ki_nedre", low=0, high=100),
        number("ki_oevre", low=0, high=100),
        ColumnRule(
            "ki_nedre",
            "must be given together with ki_oevre (a 95% interval has two bounds)",
            f"({{v}} is null) <> ({quoted('ki_oevre')} is null)",
        ),
        ColumnRule(
            "andel",
            "must lie within its 95% interval (ki_nedre <= andel <= ki_oevre)",
            "try_cast({v} as double) < try_cast(ki_nedre as double) "
            "or try_cast({v} as double) > try_cast(ki_oevre as double)",
        ),
        integer("antal_svarpersoner", low=0),
        ColumnRule(
            "koen",
            "must be 1 or Mænd, 2 or Kvinder, or empty (both sexes)",
            f"{{v}} is not null and lower(trim({{v}})) not in ({sexes})",
        ),
    ]


def load_estimates_file(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions
) -> int:
    read_text_file(conn, file, LAYOUT)
    present = _columns(conn)
    for column in OPTIONAL:
        if column not in present:
            conn.execute(f"alter table _landing add column {column} varchar")
    check_has_rows(conn, "_landing", file.name)
    _decimal_style(conn, file)
    conn.execute("create or replace temp table _areas (name varchar, code varchar)")
    conn.executemany("insert into _areas values (?, ?)", _areas())
    conn.execute(
        "create or replace temp table _names (name varchar, code varchar, complement boolean)"
    )
    conn.executemany("insert into _names values (?, ?, ?)", _names())
    conn.execute(
        "alter table _landing add column _area_code varchar; "
        "update _landing set _area_code = (select code from _areas "
        "where _areas.name = lower(trim(_landing.kommune)))"
    )
    check_rules(conn, "_landing", _rules(), file.name)
    conn.execute(
        "alter table _landing add column _sex_code varchar; "
        "update _landing set _sex_code = case lower(trim(coalesce(koen, ''))) "
        + " ".join(f"when '{k}' then '{v}'" for k, v in SEXES.items())
        + " when '' then 'TOT' end"
    )
    conn.execute(
        "alter table _landing add column _delivered_name varchar; "
        "alter table _landing add column code varchar; "
        "alter table _landing add column complement boolean; "
        "update _landing set _delivered_name = trim(indikator); "
        "update _landing set code = names.code, complement = names.complement "
        "from _names as names where names.name = lower(_landing._delivered_name)"
    )
    # By the indicator a row is about: its code and its publisher's name are the same figure.
    conn.execute("update _landing set indikator = coalesce(code, _delivered_name)")
    check_unique(conn, "_landing", ("indikator", "aar", "_area_code", "_sex_code"), file.name)
    select_list = (
        "_delivered_name, code, indikator, coalesce(complement, false), cast(aar as integer), "
        "_area_code, _sex_code, cast(andel as double), cast(ki_nedre as double), "
        "cast(ki_oevre as double), cast(antal_svarpersoner as bigint)"
    )
    return write_raw_rows(conn, select_list, file, options)


def unknown_indicator_names(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows whose indikator the seed does not know, by name: kept in raw, used nowhere."""
    return dict(
        conn.execute(
            f"select publisher_name, count(*) from raw.{TABLE} where indicator_code is null "
            "group by publisher_name order by publisher_name"
        ).fetchall()
    )


TABLE = "sundhedsprofilen_estimates_shares"
SUNDHEDSPROFILEN_ESTIMATES = RawSource(
    name="sundhedsprofilen_estimates",
    table=TABLE,
    patterns=("*.csv",),
    columns_ddl=columns_ddl(COLUMNS),
    load_file=load_estimates_file,
    description=(
        "Sundhedsprofilen's published shares per indicator, area and year "
        "(danskernessundhed.dk), with their 95% intervals and respondent counts when given."
    ),
    unique_key=("indicator_key", "year", "area_code", "sex_code"),
    year_column="year",
    skipped=unknown_indicator_names,
    # Published with each survey round, every four years.
    delivered_every_months=48,
)
