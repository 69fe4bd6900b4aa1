"""Keeping a raw table in step with its landing folder, one file at a time.

Every raw row records the file it came from, and raw._ingested_files records each file's
checksum. A run loads only new or changed files, drops the rows of changed or vanished files, and
does it all in one transaction: a crash or a bad file leaves the raw table as it was.

This module is the transaction; how one file is read is readers.py, how a source's files are
checked and appended is loaders.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.reference_data import municipality_codes
from dagster_project.sources.contracts import quoted
from dagster_project.sources.landing import (
    LandingFile,
    LandingFileError,
    quarantine,
    scan_source_folder,
    synthetic_checksums,
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


@dataclass(frozen=True)
class LoadOptions:
    """What a loader is told about the file besides its bytes."""

    # The file's bytes are what the synthetic generator wrote (landing/SYNTHETIC_MANIFEST).
    is_synthetic: bool = False
    # The key CPR numbers are replaced with (pseudonymise.py); None: a CPR-bearing file is
    # refused. A Dagster resource (resources.CprKey), never a setting shown in the UI.
    cpr_key: str | None = None


# Loads one file into the source's raw table (already created) and returns its row count; it
# must raise LandingFileError for a bad file.
FileLoader = Callable[[duckdb.DuckDBPyConnection, LandingFile, LoadOptions], int]


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
    # Columns ingestion computes from the file's ({name: (type, SQL)}, contracts.py). Added to a
    # raw table created before them, they are computed for the rows it already holds.
    derived_columns: dict[str, tuple[str, str]] = field(default_factory=dict)
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
    cpr_key: str | None = None,
) -> IngestionReport:
    """Bring raw.<table> in line with landing/<source>/; quarantine and raise on a bad file.

    ``progress`` gets a line after each loaded file (the Dagster run log, in assets.py);
    ``cpr_key`` replaces CPR numbers in a person-level file (LoadOptions).
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
    if source.derived_columns:
        present = {
            row[0]
            for row in conn.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'raw' and table_name = ?",
                [source.table],
            ).fetchall()
        }
        for column, (column_type, sql) in source.derived_columns.items():
            if column not in present:
                conn.execute(f"alter table raw.{source.table} add column {column} {column_type}")
                conn.execute(
                    f"update raw.{source.table} set {column} = cast(({sql}) as {column_type})"
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
                report.loaded.append(_load_one(conn, source, file, synthetic, cpr_key))
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
    conn: duckdb.DuckDBPyConnection,
    source: RawSource,
    file: LandingFile,
    synthetic: dict[str, str],
    cpr_key: str | None,
) -> dict:
    is_synthetic = synthetic.get(f"{source.name}/{file.name}") == file.sha256
    rows = source.load_file(conn, file, LoadOptions(is_synthetic, cpr_key))
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
