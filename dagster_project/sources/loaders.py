"""How a source's file is checked and appended to its raw table: the loaders.

``contract_loader`` is the loader of every plain table: read (readers.py), pseudonymise CPR
numbers, check the contract (contracts.py), append stamped with the file. ``tabular_source``
makes a RawSource of it. Sources with a form of their own (FOLK1A, the cluster workbooks, the
published estimates and counts) write their loader in their module and append with
``insert_from_landing``.
"""

from __future__ import annotations

import duckdb

from dagster_project.sources.contracts import TableContract, check_contract, quoted
from dagster_project.sources.landing import LandingFile
from dagster_project.sources.pseudonymise import pseudonymise_cpr
from dagster_project.sources.raw_layer import FileLoader, LoadOptions, RawSource
from dagster_project.sources.readers import read_landing_file
from dagster_project.sources.structure import TextLayout


def contract_loader(table: str, contract: TableContract, delimiter: str = ",") -> FileLoader:
    """A FileLoader that reads a CSV or Parquet file, checks its contract and appends it.

    Structure first: the header and required columns are checked before anything else is done
    with the rows, CPR pseudonymisation included.
    """
    layout = TextLayout(
        delimiter=delimiter,
        required=contract.required,
        person_level=contract.person_key is not None,
    )

    def load(conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions) -> int:
        read_landing_file(conn, file, layout, contract.columns)
        present = {row[0] for row in conn.execute("describe _landing").fetchall()}
        for column in contract.optional:
            if column not in present:  # an older file, without the column: empty throughout
                conn.execute(f"alter table _landing add column {quoted(column)} varchar")
        if contract.person_key:
            pseudonymise_cpr(conn, "_landing", contract.person_key, file.name, options.cpr_key)
        check_contract(conn, "_landing", contract, file.name)
        select_list = ", ".join(
            [f'cast("{c}" as {t})' for c, t in contract.columns.items()]
            + [f"cast(({sql}) as {t})" for t, sql in contract.derived.values()]
        )
        columns = [*contract.columns, *contract.derived]
        return insert_from_landing(
            conn, table, select_list, file, options.is_synthetic, columns=columns
        )

    return load


def columns_ddl(columns: dict[str, str]) -> str:
    """The raw table's column list from {column: DuckDB type}, as RawSource.columns_ddl wants."""
    return ", ".join(f"{c} {t}" for c, t in columns.items())


def tabular_source(
    name: str,
    table: str,
    contract: TableContract,
    description: str,
    patterns=("*.csv",),
    year_sql: str = "year",
    delivered_every_months: int | None = 12,
) -> RawSource:
    """A landing source whose files are plain tables with a contract (most sources)."""
    return RawSource(
        name=name,
        table=table,
        patterns=patterns,
        columns_ddl=columns_ddl(
            {**contract.columns, **{c: t for c, (t, _) in contract.derived.items()}}
        ),
        load_file=contract_loader(table, contract),
        description=description,
        unique_key=contract.unique_key,
        coverage=(year_sql, "kommune_kode"),
        added_columns={c: contract.columns[c] for c in contract.optional},
        derived_columns=contract.derived,
        year_column=year_sql if year_sql.isidentifier() else None,
        delivered_every_months=delivered_every_months,
    )


def insert_from_landing(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    select_list: str,
    file: LandingFile,
    is_synthetic: bool,
    columns: list[str] | None = None,
) -> int:
    """Append the validated temp table to raw.<table>, stamped with the file it came from.

    With ``columns`` (the select list's names) the insert names its target columns, so a raw
    table whose later columns were added at its end (RawSource.added_columns) is filled right.
    """
    target = (
        f"({', '.join(quoted(c) for c in columns)}, _source_file, _source_row, _is_synthetic, "
        "_loaded_at) "
        if columns
        else ""
    )
    conn.execute(
        f"insert into raw.{table} {target}select {select_list}, ? as _source_file, source_row, "
        "?, now() from _landing",
        [file.name, is_synthetic],
    )
    return conn.execute("select count(*) from _landing").fetchone()[0]
