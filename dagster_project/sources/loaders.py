"""How a source's file is checked and written to its raw folder: the loaders.

``contract_loader`` is the loader of every plain table: read (readers.py), pseudonymise CPR
numbers, check the contract (contracts.py), write the rows as Parquet stamped with the file.
``tabular_source`` makes a RawSource of it. Sources with a form of their own (FOLK1A, the
cluster workbooks, the published estimates and counts) write their loader in their module and
write with ``write_raw_rows``.
"""

from __future__ import annotations

import shutil

import duckdb

from dagster_project.sources.contracts import (
    TableContract,
    check_contract,
    key_hash_sql,
    quoted,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.pseudonymise import cpr_sql, pseudonymise_cpr
from dagster_project.sources.raw_layer import (
    DELIVERED_SUFFIX,
    STAMPS,
    FileLoader,
    LoadOptions,
    RawSource,
    RawTarget,
)
from dagster_project.sources.readers import DAMAGED_PARQUET, parquet_columns, read_landing_file
from dagster_project.sources.structure import TextLayout


def contract_loader(contract: TableContract, delimiter: str = ",") -> FileLoader:
    """A FileLoader that reads a CSV or Parquet file, checks its contract and writes it.

    Structure first: the header and required columns are checked before anything else is done
    with the rows, CPR pseudonymisation included.
    """
    layout = TextLayout(
        delimiter=delimiter,
        required=contract.required,
        person_level=contract.person_key is not None,
    )

    def load(conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions) -> int:
        stored = store_as_delivered(conn, file, contract, options)
        if stored is not None:
            return stored
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
        return write_raw_rows(conn, select_list, file, options, columns=columns)

    return load


def _delivered_year(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, contract: TableContract, target: RawTarget
) -> int | None:
    """The year folder a typed Parquet file can be stored in as delivered, 0 for a source
    without year folders, or None when the file must be rewritten.

    It can when its columns are exactly the contract's, each of the raw layer's type, there is
    nothing to derive, and the rows hold one year (a register year). Anything else (another
    integer width, a column as text, an extra column, several years) is read and written anew.
    """
    if file.path.suffix.lower() != ".parquet" or contract.derived:
        return None
    # An unreadable file is rejected here: DuckDB's error ends the night's transaction.
    found = parquet_columns(conn, file)
    if found != {c: t.upper() for c, t in contract.columns.items()}:
        return None
    if not target.partition:
        return 0
    if target.partition not in found:
        return None
    query = f"select * from read_parquet({_literal(str(file.path))})"
    try:
        return _single_partition(conn, query, target.partition)
    except duckdb.Error:
        raise LandingFileError(file.name, DAMAGED_PARQUET) from None


def store_as_delivered(
    conn: duckdb.DuckDBPyConnection,
    file: LandingFile,
    contract: TableContract,
    options: LoadOptions,
) -> int | None:
    """Store a typed Parquet file of the raw layer's own schema as it was delivered: its bytes
    copied into the raw folder and checked there, never decoded and encoded again.

    Returns the row count, or None where the file has to be rewritten (``_delivered_year``, or
    CPR numbers in its key column, which are replaced in a rewritten copy): then nothing of it
    is left in the raw folder. The contract is checked on the copy, the bytes that stay, so a
    landing file changed after the check cannot reach the raw layer. The copy holds none of the
    stamps a rewritten file carries: the raw view gives its landing file and synthetic flag
    from the folder's stamps table and its row numbers from the file's own (raw_layer.py).
    A copy, not a hard link: a supplier overwriting the landing file in place must not change
    what was checked and published.
    """
    target = options.target
    if target is None:
        return None
    year = _delivered_year(conn, file, contract, target)
    if year is None:
        return None
    folder = target.folder / f"{target.partition}={year}" if target.partition else target.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{target.stem}{DELIVERED_SUFFIX}"
    shutil.copyfile(file.path, path)
    conn.execute("drop table if exists _landing")
    conn.execute(
        "create or replace temp view _landing as select file_row_number + 1 as source_row, "
        + ", ".join(quoted(c) for c in contract.columns)
        + f" from read_parquet({_literal(path.as_posix())}, file_row_number = true)"
    )
    try:
        # The key column is decoded once for the CPR test and the key's hashes (check_unique).
        scanned = {"key_hash": key_hash_sql(contract.unique_key)}
        if contract.person_key:
            scanned["is_cpr"] = cpr_sql(quoted(contract.person_key))
        arrays = conn.execute(
            f"select {', '.join(f'{sql} as {name}' for name, sql in scanned.items())} from _landing"
        ).fetchnumpy()
        if "is_cpr" in arrays and arrays["is_cpr"].any():
            path.unlink()
            conn.execute("drop view _landing")
            return None
        check_contract(
            conn, "_landing", contract, file.name, key_hashes=arrays["key_hash"], on_parquet=True
        )
        rows = conn.execute("select count(*) from _landing").fetchone()[0]
    except duckdb.Error:  # a data page the footer did not show to be damaged
        raise LandingFileError(file.name, DAMAGED_PARQUET) from None
    # (A rejected file leaves the view to the night's rollback, which takes it with it.)
    conn.execute("drop view _landing")
    return rows


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
        load_file=contract_loader(contract),
        description=description,
        unique_key=contract.unique_key,
        coverage=(year_sql, "kommune_kode"),
        year_column=year_sql if year_sql.isidentifier() else None,
        delivered_every_months=delivered_every_months,
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _single_partition(conn: duckdb.DuckDBPyConnection, query: str, column: str) -> int | None:
    """The partition column's one value in the rows, or None if they hold several or a null."""
    low, high, nulls = conn.execute(
        f"select min({quoted(column)}), max({quoted(column)}), "
        f"count(*) - count({quoted(column)}) from ({query})"
    ).fetchone()
    if low is None or low != high or nulls:
        return None
    return int(low)


def write_raw_rows(
    conn: duckdb.DuckDBPyConnection,
    select_list: str,
    file: LandingFile,
    options: LoadOptions,
    columns: list[str] | None = None,
) -> int:
    """Write the validated temp table to the raw folder as Parquet, stamped with its file.

    The select list gives the raw table's columns in order, or those named by ``columns``;
    a raw column the file does not give is null. Where the source has a year column the rows go
    to year=<year>/ (one file per year, named after the landing file). Returns the row count;
    with no target (a check only) nothing is written.
    """
    rows = conn.execute("select count(*) from _landing").fetchone()[0]
    target = options.target
    if target is None:
        return rows
    names = columns or [c for c in target.columns if c not in STAMPS]
    aliases = ", ".join(quoted(c) for c in [*names, *STAMPS])
    landed = (
        f"select {select_list}, {_literal(file.name)}, source_row, "
        f"{str(options.is_synthetic).lower()}, cast(now() as timestamp) from _landing"
    )
    select = ", ".join(
        (f"cast({quoted(c)} as {t})" if c in names or c in STAMPS else f"cast(null as {t})")
        + f" as {quoted(c)}"
        for c, t in target.columns.items()
    )
    query = f"select {select} from ({landed}) as landed({aliases})"
    if target.partition:
        single = _single_partition(conn, query, target.partition)
        if single is not None:
            # One year in the file (a register year): written straight to its folder, as
            # partition_by would write it (the column in the folder name, not in the file),
            # without partition_by's sort of every row by year (0.5 s of 1.2 s a register year).
            folder = target.folder / f"{target.partition}={single}"
            folder.mkdir(parents=True, exist_ok=True)
            others = ", ".join(quoted(c) for c in target.columns if c != target.partition)
            path = (folder / f"{target.stem}_0.parquet").as_posix()
            conn.execute(
                f"copy (select {others} from ({query})) to {_literal(path)} (format parquet)"
            )
            return rows
        conn.execute(
            f"copy ({query}) to {_literal(target.folder.as_posix())} (format parquet, "
            f"partition_by ({quoted(target.partition)}), "
            f"filename_pattern {_literal(target.stem + '_{i}')}, overwrite_or_ignore true)"
        )
    else:
        path = (target.folder / f"{target.stem}.parquet").as_posix()
        conn.execute(f"copy ({query}) to {_literal(path)} (format parquet)")
    return rows
