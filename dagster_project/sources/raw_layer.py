"""Keeping a raw table in step with its landing folder, one file at a time.

Every raw row records the file it came from, and raw._ingested_files records each file's
checksum. A run loads only new or changed files, drops the rows of changed or vanished files, and
does it all in one transaction: a crash or a bad file leaves the raw table as it was.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.reference_data import municipality_codes
from dagster_project.sources.contracts import TableContract, check_contract, quoted
from dagster_project.sources.landing import (
    LandingFile,
    LandingFileError,
    quarantine,
    scan_source_folder,
    synthetic_checksums,
)
from dagster_project.sources.pseudonymise import pseudonymise_cpr
from dagster_project.sources.structure import (
    TextLayout,
    check_text_structure,
    delimiter_words,
    encoding_error,
    looks_like_decimal_commas,
    missing_columns_error,
)

MANIFEST_DDL = """
create schema if not exists raw;
create table if not exists raw._ingested_files (
    source varchar not null,
    file_name varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    row_count bigint not null,
    is_synthetic boolean not null,
    loaded_at timestamp not null,
    primary key (source, file_name)
);
"""

# Loads one file into the source's raw table (already created) and returns its row count. It
# gets the file and whether it is synthetic, and must raise LandingFileError for a bad file.
FileLoader = Callable[[duckdb.DuckDBPyConnection, LandingFile, bool], int]


@dataclass(frozen=True)
class RawSource:
    """A landing source: its folder, file patterns, raw table and how to load one file."""

    name: str
    table: str
    patterns: tuple[str, ...]
    columns_ddl: str
    load_file: FileLoader
    description: str = ""
    # Checks what a night's files hold together (FOLK1A: every quarter complete); raises a
    # LandingFileError naming one of the loaded files, which is quarantined.
    check_loaded: Callable[[duckdb.DuckDBPyConnection, list[LandingFile]], None] | None = None
    # The natural key in raw column names: once across all the source's files, not only within
    # one (a re-delivery under another file name would otherwise be counted twice).
    unique_key: tuple[str, ...] = ()
    # SQL for the year and the municipality of a raw row: a delivery that covers fewer
    # municipalities for a year than the previous one did is reported (a warning check).
    coverage: tuple[str, str] | None = None
    # Rows the raw table keeps but nothing downstream uses, counted by what they are (published
    # estimates of an indicator the seeds do not know): reported by a warning check.
    skipped: Callable[[duckdb.DuckDBPyConnection], dict[str, int]] | None = None
    # Columns added to the source after its raw table may have been created ({name: type}):
    # sync_source adds them to an existing table, where older rows hold null (not delivered).
    added_columns: dict[str, str] = field(default_factory=dict)
    # The integer column holding the year a row reports on, where the raw table has one: the
    # Parquet handover to Spark partitions the table by it (transform/spark.py).
    year_column: str | None = None
    # How often the supplier delivers, in months (None: no schedule to expect): the freshness
    # check warns when the newest file is older than that and a grace period
    # (operations/freshness.py).
    delivered_every_months: int | None = 12


@dataclass
class IngestionReport:
    source: str
    loaded: list[dict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    total_rows: int = 0
    # (year, municipalities before, municipalities now) for each year whose coverage shrank.
    coverage_drops: list[tuple[int, int, int]] = field(default_factory=list)
    is_delivered: bool = True  # False while the landing folder holds no file of the source
    skipped: dict[str, int] = field(default_factory=dict)  # RawSource.skipped after the sync

    @property
    def changed(self) -> bool:
        return bool(self.loaded or self.removed)


def progress_line(
    source: str,
    done: int,
    total: int,
    bytes_done: int,
    bytes_total: int,
    file: str,
    rows: int,
    seconds: float,
) -> str:
    """One line per loaded file: long loads show their pace and how far they are."""
    percent = 100 * bytes_done / bytes_total if bytes_total else 100.0
    rate = rows / seconds if seconds > 0 else float(rows)
    return (
        f"{source}: file {done}/{total} {file}: {rows:,} rows in {seconds:.1f} s "
        f"({rate:,.0f} rows/s); {percent:.0f}% of {bytes_total / 1e6:,.1f} MB done"
    )


def sync_source(
    conn: duckdb.DuckDBPyConnection,
    source: RawSource,
    landing_dir: Path,
    quarantine_dir: Path,
    progress: Callable[[str], None] | None = None,
) -> IngestionReport:
    """Bring raw.<table> in line with landing/<source>/; quarantine and raise on a bad file.

    ``progress`` gets a line after each loaded file (the Dagster run log, in assets.py).
    """
    conn.execute(MANIFEST_DDL)
    conn.execute(
        f"create table if not exists raw.{source.table} ({source.columns_ddl}, "
        "_source_file varchar not null, _source_row bigint not null, "
        "_is_synthetic boolean not null, _loaded_at timestamp not null)"
    )
    for column, column_type in source.added_columns.items():
        conn.execute(
            f"alter table raw.{source.table} add column if not exists {column} {column_type}"
        )
    files = scan_source_folder(landing_dir / source.name, source.patterns)
    synthetic = synthetic_checksums(landing_dir)
    known = dict(
        conn.execute(
            "select file_name, sha256 from raw._ingested_files where source = ?", [source.name]
        ).fetchall()
    )
    report = IngestionReport(source=source.name)
    current = {f.name for f in files}
    report.removed = sorted(name for name in known if name not in current)
    to_load = [f for f in files if known.get(f.name) != f.sha256]
    report.unchanged = [f.name for f in files if known.get(f.name) == f.sha256]

    if to_load or report.removed:
        before = municipality_coverage(conn, source)
        conn.execute("begin transaction")
        file: LandingFile | None = None
        try:
            for name in report.removed + [f.name for f in to_load]:
                conn.execute(f"delete from raw.{source.table} where _source_file = ?", [name])
                conn.execute(
                    "delete from raw._ingested_files where source = ? and file_name = ?",
                    [source.name, name],
                )
            bytes_total = sum(f.size_bytes for f in to_load)
            bytes_done = 0
            for number, file in enumerate(to_load, start=1):
                started = time.perf_counter()
                report.loaded.append(_load_one(conn, source, file, synthetic))
                bytes_done += file.size_bytes
                if progress:
                    progress(
                        progress_line(
                            source.name,
                            number,
                            len(to_load),
                            bytes_done,
                            bytes_total,
                            file.name,
                            report.loaded[-1]["rows"],
                            time.perf_counter() - started,
                        )
                    )
            if source.unique_key and to_load:
                check_key_across_files(conn, source, to_load)
            if source.check_loaded and to_load:
                source.check_loaded(conn, to_load)
            conn.execute("commit")
        except Exception as error:
            conn.execute("rollback")
            if isinstance(error, LandingFileError):
                named = next((f for f in to_load if f.name == error.file), file)
                if named is not None:
                    quarantine(named, source.name, error, quarantine_dir)
            raise
        after = municipality_coverage(conn, source)
        report.coverage_drops = [
            (year, count, after.get(year, 0))
            for year, count in sorted(before.items())
            if after.get(year, 0) < count
        ]
    report.total_rows = conn.execute(f"select count(*) from raw.{source.table}").fetchone()[0]
    report.is_delivered = bool(files)
    if source.skipped:
        report.skipped = source.skipped(conn)
    return report


def check_key_across_files(
    conn: duckdb.DuckDBPyConnection, source: RawSource, loaded: list[LandingFile]
) -> None:
    """No row of a file loaded tonight has the key of a row in another file of the source.

    One join per loaded file, against the other files' rows within the file's own range of
    each key column: a register year clashes only with rows of that year, and the range lets
    DuckDB skip every other year's row groups instead of joining the whole table (at national
    scale a self-join of 33 M rows took 7 s), and a file with no other row in its range, the
    usual case, needs no join at all (0.2 s a register year instead of 0.4 s).
    """
    key = ", ".join(quoted(c) for c in source.unique_key)
    bounds = ", ".join(f"min({quoted(c)}), max({quoted(c)})" for c in source.unique_key)
    in_range = " and ".join(f"{quoted(c)} between ? and ?" for c in source.unique_key)
    for file in sorted(loaded, key=lambda f: f.name, reverse=True):
        ranges = conn.execute(
            f"select {bounds} from raw.{source.table} where _source_file = ?", [file.name]
        ).fetchone()
        others = f"from raw.{source.table} where _source_file <> ? and {in_range}"
        if not conn.execute(f"select count(*) {others}", [file.name, *ranges]).fetchone()[0]:
            continue  # no other row in the file's key range (the usual case): nothing to join
        clash = conn.execute(
            f"""
            select new._source_row, other._source_file, other._source_row
            from (select * from raw.{source.table} where _source_file = ?) as new
            inner join (select * {others}) as other using ({key})
            order by new._source_row, other._source_file
            limit 1
            """,
            [file.name, file.name, *ranges],
        ).fetchone()
        if clash:
            row, other_file, other_row = clash
            raise LandingFileError(
                file.name,
                f"has the key ({', '.join(source.unique_key)}) of row {other_row} of "
                f"{other_file}: the rows would be counted twice (a re-delivery under another "
                "name? remove the file it replaces)",
                row=row,
            )


def municipality_coverage(conn: duckdb.DuckDBPyConnection, source: RawSource) -> dict[int, int]:
    """{year: distinct municipalities} of the source's raw table (empty without coverage SQL)."""
    if source.coverage is None:
        return {}
    year, municipality = source.coverage
    return dict(
        conn.execute(
            f"select {year}, count(distinct {municipality}) from raw.{source.table} "
            f"where list_contains(?, {municipality}) group by 1",
            [municipality_codes()],
        ).fetchall()
    )


def _load_one(
    conn: duckdb.DuckDBPyConnection, source: RawSource, file: LandingFile, synthetic: dict[str, str]
) -> dict:
    is_synthetic = synthetic.get(f"{source.name}/{file.name}") == file.sha256
    rows = source.load_file(conn, file, is_synthetic)
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        "insert into raw._ingested_files values (?, ?, ?, ?, ?, ?, ?)",
        [source.name, file.name, file.sha256, file.size_bytes, rows, is_synthetic, loaded_at],
    )
    return {
        "file": file.name,
        "sha256": file.sha256,
        "rows": rows,
        "synthetic": is_synthetic,
        "loaded_at": loaded_at.isoformat(timespec="seconds"),
    }


def read_text_file(conn: duckdb.DuckDBPyConnection, file: LandingFile, layout: TextLayout) -> str:
    """Read a delimited UTF-8 file, every column as text, into temp table _landing with row numbers.

    The structure (encoding of the first lines, delimiter, header, required columns) is checked
    first (structure.py). DuckDB's reader is strict: a ragged or truncated line or a byte that
    is not UTF-8 is an error, which diagnose_text turns into one naming the line. Returns the
    temp table's name.
    """
    check_text_structure(file, layout)
    conn.execute("drop table if exists _landing")
    try:
        conn.execute(
            "create temp table _landing as "
            "select row_number() over () as source_row, * "
            "from read_csv(?, delim = ?, header = true, all_varchar = true, quote = '\"', "
            "strict_mode = true, null_padding = false)",
            [str(file.path), layout.delimiter],
        )
    except duckdb.Error as error:
        diagnosis = diagnose_text(file, layout.delimiter)
        if diagnosis:
            raise diagnosis from error
        line = re.search(r"[Ll]ine:? (\d+)", str(error))
        raise LandingFileError(
            file.name,
            f"cannot be parsed as {delimiter_words(layout.delimiter)} text with a header line "
            "(an unbalanced quote character?)",
            row=int(line.group(1)) - 1 if line and int(line.group(1)) > 1 else None,
        ) from None
    with file.path.open("rb") as handle:
        handle.seek(-1, 2)
        if handle.read(1) != b"\n":
            raise LandingFileError(
                file.name,
                "does not end with a line break, so its last line may have been cut short: "
                "deliver the whole file",
            )
    return "_landing"


def diagnose_text(file: LandingFile, delimiter: str) -> LandingFileError | None:
    """Why a text file does not parse, in words a data engineer can act on (failure path only)."""
    raw = file.path.read_bytes()
    error = encoding_error(file.name, raw)
    if error:
        return error
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    for row_number, row in enumerate(reader, start=1):
        if row and len(row) != len(header):
            last = not text.endswith("\n") and reader.line_num == text.count("\n") + 1
            if last:
                kind = "the last line is truncated"
            elif looks_like_decimal_commas(header, row, delimiter):
                kind = (
                    "a number written with a decimal comma splits into two fields: write "
                    "decimals with a point"
                )
            else:
                kind = "a ragged line"
            return LandingFileError(
                file.name,
                f"has {len(row)} fields where the header has {len(header)} ({kind})",
                row=row_number,
            )
    return None


# Parquet types a contract column keeps as they are: every value of such a type prints as a value
# the contract's text rules would judge the same way (they cast to bigint or double themselves),
# so a typed file need not be printed and re-parsed. Any other type (a date, a decimal, an
# integer delivered for a code) is read as text, as a CSV would be.
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_EXACT_TYPES = {
    "integer": _INTEGERS,
    "bigint": _INTEGERS,
    "double": ("DOUBLE",),  # not FLOAT: 0.1 as float is not 0.1 as double, its text is
    "varchar": ("VARCHAR",),
}


def parquet_select(found: dict[str, str], types: dict[str, str] | None) -> str:
    """The _landing select list: contract columns of a matching type typed, the rest as text."""
    if types is None:
        return "columns(* exclude (file_row_number))::varchar"
    items = []
    for column, parquet_type in found.items():
        if column not in types:
            continue
        exact = parquet_type in _EXACT_TYPES.get(types[column].lower(), ())
        items.append(quoted(column) if exact else f"{quoted(column)}::varchar as {quoted(column)}")
    return ", ".join(items)


def read_parquet_file(
    conn: duckdb.DuckDBPyConnection,
    file: LandingFile,
    required: tuple[str, ...],
    types: dict[str, str] | None = None,
) -> str:
    """Read a Parquet file into temp table _landing, like read_text_file.

    The schema is checked for the required columns first. With ``types`` (a contract's column
    types) only the contract's columns are kept, and each keeps its Parquet type where that type
    holds nothing but values of the contract's type (parquet_select); the rest become text, so
    one set of contract rules serves CSV and Parquet deliveries of the same source, and a typed
    file is never printed and re-parsed. Without ``types`` every column is text. Row numbers are
    the reader's own (1-based like a CSV's data lines), not a window over it.
    """
    conn.execute("drop table if exists _landing")
    try:
        found = dict(
            conn.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))",
                [str(file.path)],
            ).fetchall()
        )
    except duckdb.Error:
        raise LandingFileError(
            file.name, "cannot be read as Parquet (not a Parquet file, or cut short)"
        ) from None
    missing = [c for c in required if c not in found]
    if missing:
        raise missing_columns_error(file.name, missing, required, list(found))
    try:
        conn.execute(
            "create temp table _landing as select file_row_number + 1 as source_row, "
            f"{parquet_select(found, types)} from read_parquet(?, file_row_number = true)",
            [str(file.path)],
        )
    except duckdb.Error:
        raise LandingFileError(
            file.name, "cannot be read as Parquet (a damaged data page or column chunk)"
        ) from None
    return "_landing"


def read_landing_file(
    conn: duckdb.DuckDBPyConnection,
    file: LandingFile,
    layout: TextLayout,
    types: dict[str, str] | None = None,
) -> str:
    """Read a CSV or Parquet landing file into _landing (types: see read_parquet_file)."""
    if file.path.suffix.lower() == ".parquet":
        return read_parquet_file(conn, file, layout.required, types)
    return read_text_file(conn, file, layout)


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

    def load(conn: duckdb.DuckDBPyConnection, file: LandingFile, is_synthetic: bool) -> int:
        read_landing_file(conn, file, layout, contract.columns)
        present = {row[0] for row in conn.execute("describe _landing").fetchall()}
        for column in contract.optional:
            if column not in present:  # an older file, without the column: empty throughout
                conn.execute(f"alter table _landing add column {quoted(column)} varchar")
        if contract.person_key:
            pseudonymise_cpr(conn, "_landing", contract.person_key, file.name)
        check_contract(conn, "_landing", contract, file.name)
        select_list = ", ".join(f'cast("{c}" as {t})' for c, t in contract.columns.items())
        return insert_from_landing(
            conn, table, select_list, file, is_synthetic, columns=list(contract.columns)
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
        columns_ddl=columns_ddl(contract.columns),
        load_file=contract_loader(table, contract),
        description=description,
        unique_key=contract.unique_key,
        coverage=(year_sql, "kommune_kode"),
        added_columns={c: contract.columns[c] for c in contract.optional},
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
