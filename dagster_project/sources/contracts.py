"""Column contracts checked on a landing file before a single row reaches the raw schema.

A file is read into a temporary table with its row numbers, every column as text; a typed Parquet
column keeps its type where that type can only hold the contract's values (readers.py). Each
rule is a SQL predicate that flags a bad value, and means the same on text and on typed columns;
a rule on a whole-number column may also say how it reads on an integer-typed column
(``ColumnRule.typed``: a comparison instead of a text round trip), used where a Parquet column
arrives typed. All rules are evaluated in one scan, and the first broken rule is reported with
file, row, column and value, so a data engineer can open the file at that line. Nothing is
coerced: a value that does not parse is an error, not a null.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np

from dagster_project.reference_data import (
    calendar_years,
    education_group_codes,
    municipality_codes,
)
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.structure import missing_columns_error


@dataclass(frozen=True)
class ColumnRule:
    column: str
    rule: str  # in words, for the error message
    violation: str  # SQL predicate, true for a bad value; {v} stands for the (text) column
    # The same predicate for a column that arrives as an integer type (a typed Parquet column):
    # true for exactly the values whose text ``violation`` flags. None: ``violation`` serves.
    typed: str | None = None


# The integer types a Parquet column may keep for a whole-number contract column (readers.py
# keeps these and no other); each fits a bigint, so a typed predicate need not ask whether the
# value casts.
INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")


def required(column: str) -> ColumnRule:
    return ColumnRule(column, "required value is missing", "{v} is null")


def integer(column: str, low: int | None = None, high: int | None = None) -> ColumnRule:
    bounds = _bounds("try_cast({v} as bigint)", low, high)
    # DuckDB's cast rounds '40.5' to 41: a value whose number differs from its whole number is
    # a fraction, and rejected rather than rounded.
    fraction = " or try_cast({v} as bigint) <> try_cast({v} as double)"
    return ColumnRule(
        column,
        f"must be a whole number{_range_words(low, high)}",
        f"{{v}} is not null and (try_cast({{v}} as bigint) is null{fraction}{bounds})",
        typed=f"{{v}} is not null and (false{_bounds('{v}', low, high)})",
    )


def number(
    column: str, low: float | None = None, high: float | None = None, *, strict_low: bool = False
) -> ColumnRule:
    bounds = _bounds("try_cast({v} as double)", low, high, strict_low=strict_low)
    return ColumnRule(
        column,
        f"must be a number with a decimal point{_range_words(low, high, strict_low)}",
        f"{{v}} is not null and (try_cast({{v}} as double) is null{bounds})",
    )


def one_of(column: str, allowed: list[str], words: str) -> ColumnRule:
    literals = ["'" + a.replace("'", "''") + "'" for a in allowed]
    values = ", ".join(literals)
    # On an integer column: the allowed values an integer prints as ('1', not '01' or '').
    numbers = [a for a in allowed if re.fullmatch(r"0|-?[1-9][0-9]*", a)]
    typed = _not_among("{v}", [int(n) for n in numbers]) if numbers else "{v} is not null"
    if len(allowed) > 10:
        # A map lookup beats a chain of comparisons and a list search (98 municipality codes on a
        # register year of 3.3 M rows: 0.08 s, against 0.17 s for `in` and list_contains).
        keys = ", ".join(f"{literal}: true" for literal in literals)
        return ColumnRule(
            column,
            f"must be {words}",
            f"{{v}} is not null and not map_contains(map {{{keys}}}, {{v}}::varchar)",
            typed=typed,
        )
    return ColumnRule(
        column, f"must be {words}", f"{{v}} is not null and {{v}} not in ({values})", typed=typed
    )


def _not_among(value: str, allowed: list[int]) -> str:
    """SQL true for a non-null integer ``value`` that is none of ``allowed``.

    Consecutive integers are written as a range: the same verdict for an integer, and a range
    is what a Parquet reader can judge a row group by from its minimum and maximum alone
    (check_rules), where it has to read every value to test a list.
    """
    ordered = sorted(set(allowed))
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{value} is not null and ({value} < {ordered[0]} or {value} > {ordered[-1]})"
    return f"{value} is not null and {value} not in ({', '.join(map(str, ordered))})"


def municipality(column: str = "kommune_kode") -> ColumnRule:
    """The contract's municipality rule, written once: one of the 98 codes of the seed."""
    return one_of(column, municipality_codes(), "one of the 98 municipality codes")


def sex(column: str = "sex") -> ColumnRule:
    """The contract's sex rule for person-level and per-sex rows: Statistics Denmark's 1 and 2."""
    return one_of(column, ["1", "2"], "1 (male) or 2 (female)")


def education_group(column: str) -> ColumnRule:
    """Highest completed education (register-based), a later addition to the person-level
    files: empty means unknown."""
    codes = education_group_codes()
    return one_of(column, [*codes, ""], "one of " + ", ".join(codes) + " (empty when unknown)")


def _bounds(expr: str, low, high, strict_low: bool = False) -> str:
    parts = []
    if low is not None:
        parts.append(f" or {expr} {'<=' if strict_low else '<'} {low}")
    if high is not None:
        parts.append(f" or {expr} > {high}")
    return "".join(parts)


def _range_words(low, high, strict_low: bool = False) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" {'above' if strict_low else 'of at least'} {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


def require_columns(
    conn: duckdb.DuckDBPyConnection, table: str, columns: list[str], file: str
) -> None:
    """Fail naming every required column the table lacks, with the expected and found header."""
    present = [row[0] for row in conn.execute(f"describe {table}").fetchall()]
    missing = [c for c in columns if c not in present]
    if missing:
        found = [c for c in present if c != "source_row"]
        raise missing_columns_error(file, missing, columns, found)


def check_rules(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    rules: list[ColumnRule],
    file: str,
    each_as_filter: bool = False,
) -> None:
    """Evaluate every rule; raise for the earliest bad row.

    A column of an integer type is checked with the rule's typed predicate where it has one.
    A table in memory is judged in one scan. With ``each_as_filter`` (a view straight over a
    Parquet file) each rule is a query of its own that filters for its breaches: the reader
    then skips every row group whose statistics (null count, minimum, maximum) show that no
    row breaks the rule, so a required value, a range or a year costs next to nothing and only
    the code lists are read (a register year of 3.3 M rows: 0.34 s in one scan, about 0.1 s
    so). Either way the earliest bad row, and the first rule it breaks, is reported.
    """
    if not rules:
        return
    types = {name: kind for name, kind, *_ in conn.execute(f"describe {table}").fetchall()}

    def predicate(rule: ColumnRule) -> str:
        typed = rule.typed is not None and types.get(rule.column) in INTEGER_TYPES
        return (rule.typed if typed else rule.violation).replace("{v}", quoted(rule.column))

    if each_as_filter:
        first_bad_rows = tuple(
            conn.execute(f"select min(source_row) from {table} where {predicate(r)}").fetchone()[0]
            for r in rules
        )
    else:
        selects = ", ".join(f"min(case when {predicate(r)} then source_row end)" for r in rules)
        first_bad_rows = conn.execute(f"select {selects} from {table}").fetchone()
    broken = [
        (row, rule) for row, rule in zip(first_bad_rows, rules, strict=True) if row is not None
    ]
    if not broken:
        return
    row, rule = min(broken, key=lambda item: item[0])
    value = conn.execute(  # as text, as the file has it, whether the column is typed or not
        f"select {quoted(rule.column)}::varchar from {table} where source_row = ?", [row]
    ).fetchone()[0]
    raise LandingFileError(file, rule.rule, row=row, column=rule.column, value=value)


def quoted(column: str) -> str:
    """A column name as a SQL identifier (landing headers hold Danish letters and spaces)."""
    return '"' + column.replace('"', '""') + '"'


def school_year(column: str) -> ColumnRule:
    """A school year written like 2023/24 (the second year following the first)."""
    first = "try_cast(substr({v}, 1, 4) as integer)"
    second = "try_cast(substr({v}, 6, 2) as integer)"
    pattern = "not coalesce(regexp_full_match({v}, '[0-9]{4}/[0-9]{2}'), false)"
    return ColumnRule(
        column,
        "must be a school year like 2023/24",
        f"{{v}} is not null and ({pattern} or {second} <> ({first} + 1) % 100)",
    )


def not_above(column: str, other: str) -> ColumnRule:
    """A count that is a subset of another count on the same row."""
    return ColumnRule(
        column,
        f"must not exceed {other}",
        f"try_cast({{v}} as bigint) > try_cast({quoted(other)} as bigint)",
        typed=f"{{v}} > try_cast({quoted(other)} as bigint)",
    )


@dataclass(frozen=True)
class TableContract:
    """What a tabular landing file must hold: typed columns, value rules and a natural key."""

    columns: dict[str, str]  # name → DuckDB type of the raw column
    rules: Callable[[], list[ColumnRule]]  # a callable: seeds are read when a file is checked
    unique_key: tuple[str, ...]
    person_key: str | None = None  # a column that may carry CPR numbers (pseudonymise.py)
    # Columns of ``columns`` a file may lack (added to the contract later, so older files stay
    # valid): read as empty when absent, and added to an existing raw table.
    optional: tuple[str, ...] = ()
    # Raw columns ingestion computes from a valid file's columns: {name: (type, SQL)}.
    derived: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c not in self.optional)


def key_hash_sql(key: tuple[str, ...]) -> str:
    """The 64-bit hash of a row's key (check_unique), as SQL."""
    return f"hash({', '.join(quoted(c) for c in key)})"


def hashes_distinct(hashes: np.ndarray) -> bool:
    """Whether no two of the hashes are equal: sorted, each differs from the next."""
    ordered = np.sort(hashes)
    return not bool((ordered[1:] == ordered[:-1]).any())


def check_unique(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    key: tuple[str, ...],
    file: str,
    hashes: np.ndarray | None = None,
) -> None:
    """No two rows share the key; else the error names the first duplicate and its original.

    Equal keys hash equal, so as many distinct 64-bit hashes as rows proves every key unique.
    The hashes are sorted and compared with their neighbours: for a register year of 3.3 M
    rows 0.26 s, where DuckDB's count(distinct) over them builds a hash table of 3.3 M entries
    (0.53 s) and grouping the keys themselves costs more still. Two equal hashes mean a
    duplicate, or two keys sharing a hash, and the exact search below tells which. ``hashes``:
    the key's hashes (key_hash_sql) where the caller read them in a scan of its own.
    """
    columns = ", ".join(quoted(c) for c in key)
    if hashes is None:
        hashes = conn.execute(f"select {key_hash_sql(key)} as h from {table}").fetchnumpy()["h"]
    if hashes_distinct(hashes):
        return
    as_text = ", ".join(f"{quoted(c)}::varchar" for c in key)  # as the file has it (check_rules)
    duplicate = conn.execute(
        f"select {as_text}, min(source_row), max(source_row) from {table} "
        f"group by {columns} having count(*) > 1 order by min(source_row) limit 1"
    ).fetchone()
    if duplicate:
        values = dict(zip(key, duplicate[: len(key)], strict=True))
        raise LandingFileError(
            file,
            f"duplicate of row {duplicate[-2]} in the key ({', '.join(key)})",
            row=duplicate[-1],
            column=key[0],
            value=values,
        )


def check_has_rows(conn: duckdb.DuckDBPyConnection, table: str, file: str) -> None:
    """A file with a header and nothing under it is an error, not an empty delivery."""
    if conn.execute(f"select count(*) from {table}").fetchone()[0] == 0:
        raise LandingFileError(file, "file has a header but no data rows")


def check_contract(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    contract: TableContract,
    file: str,
    key_hashes: np.ndarray | None = None,
    on_parquet: bool = False,
) -> None:
    """Columns, rows, rules, key: the first breach raises.

    ``key_hashes``: see check_unique; ``on_parquet``: the table is a view over a Parquet file
    (check_rules' each_as_filter).
    """
    require_columns(conn, table, list(contract.columns), file)
    check_has_rows(conn, table, file)
    check_rules(conn, table, contract.rules(), file, each_as_filter=on_parquet)
    check_unique(conn, table, contract.unique_key, file, key_hashes)


def reporting_years(today: date | None = None) -> list[int]:
    """The years a delivery may report on: those of dim_year up to the current year."""
    current = (today or date.today()).year
    return [year for year in calendar_years() if year <= current]


def _reporting_year_rule(column: str, what: str, year_of: str, typed: bool = False) -> ColumnRule:
    """The year `year_of` reads from the value ({v}) must be a reporting year; with ``typed``
    the rule also reads an integer column as the year itself."""
    years = ", ".join(map(str, reporting_years()))
    first, last = reporting_years()[0], reporting_years()[-1]
    return ColumnRule(
        column,
        f"must be {what} from {first} to {last} (a year of dim_year, not after the current year)",
        f"{{v}} is not null and coalesce({year_of} not in ({years}), true)",
        typed=_not_among("{v}", reporting_years()) if typed else None,
    )


def period_year(column: str) -> ColumnRule:
    """A calendar year within reality: in dim_year and not in the future."""
    return _reporting_year_rule(column, "a year", "try_cast({v} as integer)", typed=True)


# The calendar year a school year like 2023/24 is reported as: the year it ends (2024). The
# well-being survey runs January-March and school health exams are dated the same way. The one
# place this is written: the contract checks it, and ingestion stores it as the raw column
# `year` (school_year_end), which dbt reads.
SCHOOL_YEAR_END = "try_cast(substr({v}, 1, 4) as integer) + 1"


def school_year_end(column: str) -> dict[str, tuple[str, str]]:
    """The derived raw column `year` of a source dated by school year (TableContract.derived)."""
    return {"year": ("integer", SCHOOL_YEAR_END.format(v=quoted(column)))}


def period_school_year(column: str) -> ColumnRule:
    """A school year like 2023/24 whose end year (the year it is reported as) is within reality."""
    return _reporting_year_rule(column, "a school year ending in a year", SCHOOL_YEAR_END)


def period_quarter(column: str) -> ColumnRule:
    """A quarter like 2024K1 within reality: its year in dim_year, not after today's quarter."""
    today = date.today()
    current = f"{today.year}K{(today.month - 1) // 3 + 1}"
    years = reporting_years(today)
    return ColumnRule(
        column,
        f"must be a quarter from {years[0]}K1 to {current} (a year of dim_year, not after the "
        "current quarter)",
        f"coalesce(try_cast(substr(trim({{v}}), 1, 4) as integer) not in "
        f"({', '.join(map(str, years))}) or trim({{v}}) > '{current}', true)",
    )
