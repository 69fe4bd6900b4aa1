"""Keeping a source's raw Parquet folder in step with its landing folder, one file at a time.

The raw layer is Parquet, written once by ingestion after a file's contract passed: one folder
per source table beside the build database (``<warehouse>/raw/<table>/``), Hive-partitioned by
the year the rows report on where the source has one (``year=2024/``), one file per landing
file and year, every row stamped with the landing file, its row number there, the synthetic
flag and the load time. Every engine reads that one copy: DuckDB through the view
``raw.<table>`` in the build database (so dbt's sources are unchanged), Spark through the same
folders (macro declare_raw_sources), PostgreSQL's copy through the views.

A run loads only new or changed files. It assembles the source's next folder beside the live
one (``<table>.incoming``): unchanged files hard-linked from the live folder, new and changed
ones written, vanished ones left out. The checks across files run on that folder; only when they
pass is it switched in (two renames, healed on the next run if a crash falls between them) and
the manifest raw._ingested_files committed. A bad file or a crash leaves the live folder whole.
A folder written for another column layout (``.layout`` beside the files) is written anew.

This module is the transaction; how one file is read is readers.py, how a source's files are
checked and written is loaders.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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
class RawTarget:
    """Where a loader writes one landing file's rows: the source's incoming folder."""

    folder: Path
    # The file's stem in the raw folder, from its landing name and checksum: an unchanged file's
    # Parquet is found (and linked) by it, and two landing files never share one.
    stem: str
    # The raw table's columns in order, {name: DuckDB type}, and the Hive partition column.
    columns: dict[str, str]
    partition: str | None = None


@dataclass(frozen=True)
class LoadOptions:
    """What a loader is told about the file besides its bytes."""

    # The file's bytes are what the synthetic generator wrote (landing/SYNTHETIC_MANIFEST).
    is_synthetic: bool = False
    # The key CPR numbers are replaced with (pseudonymise.py); None: a CPR-bearing file is
    # refused. A Dagster resource (resources.CprKey), never a setting shown in the UI.
    cpr_key: str | None = None
    # Where the rows go (None: a check only, as StatBank's download is checked before it lands).
    target: RawTarget | None = None


# Writes one file's rows to the raw folder (loaders.write_raw_rows) and returns its row count;
# it must raise LandingFileError for a bad file.
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
    # The integer column holding the year a row reports on, where the raw table has one: the
    # raw folder is partitioned by it (year=2024/), for every engine that reads it.
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


STAMPS = {
    "_source_file": "varchar",
    "_source_row": "bigint",
    "_is_synthetic": "boolean",
    "_loaded_at": "timestamp",
}
LAYOUT_FILE = ".layout"  # a dot file: neither DuckDB's glob nor Spark reads it as data
# A landing file stored as delivered (loaders.store_as_delivered) is named <stem> + this.
DELIVERED_SUFFIX = ".delivered.parquet"
# The folder's stamps table: one row per landing file in it (its raw file stem, name, synthetic
# flag and load time), so the views give a file stored as delivered the stamps it does not
# carry. A folder whose name starts with an underscore and a file without the .parquet suffix:
# neither DuckDB's glob of the data files nor Spark's listing of the folder reads it as rows.
LANDING_FILES = "_landing_files/part-0"


def raw_columns(source: RawSource) -> dict[str, str]:
    """{column: DuckDB type} of the source's raw table, the stamps included, in order."""
    columns = {}
    for item in source.columns_ddl.split(", "):
        name, column_type = item.split(" ", 1)
        columns[name] = column_type.removesuffix(" not null")
    return {**columns, **STAMPS}


def raw_dir_of(conn: duckdb.DuckDBPyConnection) -> Path:
    """The raw layer's folder: ``raw/`` beside the build database the connection has open."""
    path = conn.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]
    if not path:
        raise ValueError("an in-memory database has no raw folder beside it: pass raw_dir")
    return Path(path).resolve().parent / "raw"


def file_stem(file: LandingFile) -> str:
    """A landing file's name in the raw folder: from its name and its bytes, so a changed file
    gets another and two files with the same bytes under two names do not collide."""
    return stem_of(file.name, file.sha256)


def stem_of(name: str, sha256: str) -> str:
    """file_stem from a landing file's name and checksum (as raw._ingested_files has them)."""
    return "f" + hashlib.sha256(f"{name}\0{sha256}".encode()).hexdigest()[:16]


STEM_LENGTH = len(stem_of("", ""))


def _write_landing_files(conn: duckdb.DuckDBPyConnection, source: RawSource, folder: Path) -> None:
    """The folder's stamps table (LANDING_FILES) from the manifest's rows of the source."""
    path = folder / LANDING_FILES
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = conn.execute(
        "select file_name, sha256, is_synthetic, loaded_at from raw._ingested_files "
        "where source = ? order by file_name",
        [source.name],
    ).fetchall()
    conn.execute(
        "create or replace temp table _landing_files (stem varchar, source_file varchar, "
        "is_synthetic boolean, loaded_at timestamp)"
    )
    if rows:
        conn.executemany(
            "insert into _landing_files values (?, ?, ?, ?)",
            [(stem_of(name, sha), name, synthetic, at) for name, sha, synthetic, at in rows],
        )
    conn.execute(f"copy _landing_files to '{_escaped(path)}' (format parquet)")
    conn.execute("drop table _landing_files")


def _escaped(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def _stamps_sql(conn: duckdb.DuckDBPyConnection, folder: Path, present: set[str]) -> dict[str, str]:
    """The stamp columns' SQL in a view over a folder holding files stored as delivered.

    A rewritten file carries its stamps; a delivered one gets them from the stamps table, read
    now into a literal map keyed by the file's stem (no join at query time, so a query that
    does not ask for the stamps pays nothing), and its row numbers from the reader's own.
    ``present``: the columns the folder's files hold (none of the stamps where every file was
    stored as delivered).
    """
    entries = conn.execute(
        f"select stem, source_file, is_synthetic, loaded_at from read_parquet("
        f"'{_escaped(folder / LANDING_FILES)}')"
    ).fetchall()

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    stamps = ", ".join(
        f"{literal(stem)}: {{source_file: {literal(name)}, is_synthetic: {str(synthetic).lower()}, "
        f"loaded_at: timestamp '{at.isoformat(sep=' ')}'}}"
        for stem, name, synthetic, at in entries
    )
    entry = f"(map {{{stamps}}})[left(parse_filename(filename), {STEM_LENGTH})]"
    derived = {
        "_source_file": f"{entry}.source_file",
        "_source_row": "file_row_number + 1",
        "_is_synthetic": f"{entry}.is_synthetic",
        "_loaded_at": f"{entry}.loaded_at",
    }
    return {
        column: f"coalesce({column}, {sql})" if column in present else sql
        for column, sql in derived.items()
    }


def _layout(source: RawSource) -> str:
    return repr((raw_columns(source), source.year_column))


def _view_sql(conn: duckdb.DuckDBPyConnection, source: RawSource, folder: Path) -> str:
    """raw.<table> over a raw folder, the columns in the table's order and types.

    Where the folder holds files stored as delivered, their stamps come from the folder's
    stamps table (_stamps_sql) and the files are read by column name, since they lack the
    stamp columns (and hold the year that the folder name holds for a rewritten file).
    """
    partitioned = any(folder.glob(f"{source.year_column}=*")) if source.year_column else False
    delivered = any(folder.glob(f"**/*{DELIVERED_SUFFIX}"))
    files = (
        f"read_parquet('{_escaped(folder)}/**/*.parquet', "
        f"hive_partitioning = {str(partitioned).lower()}"
        + (", union_by_name = true, filename = true, file_row_number = true)" if delivered else ")")
    )
    stamps = {}
    if delivered:
        present = {row[0] for row in conn.execute(f"describe select * from {files}").fetchall()}
        stamps = _stamps_sql(conn, folder, present)
    select = ", ".join(
        f"cast({stamps.get(c, quoted(c))} as {t}) as {quoted(c)}"
        for c, t in raw_columns(source).items()
    )
    return f"create or replace view raw.{source.table} as select {select} from {files}"


def _ensure_schema_file(source: RawSource, conn: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """A folder without rows still holds the table's columns: one empty file carries them."""
    if any(folder.glob("**/*.parquet")):
        return
    select = ", ".join(f"cast(null as {t}) as {quoted(c)}" for c, t in raw_columns(source).items())
    path = _escaped(folder / "part-0.parquet")
    conn.execute(f"copy (select {select} limit 0) to '{path}' (format parquet)")


def _heal(folder: Path) -> None:
    """Finish or undo a switch a crash interrupted; drop a half-assembled incoming folder."""
    previous = folder.with_name(folder.name + ".previous")
    if not folder.exists() and previous.exists():
        previous.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(folder.with_name(folder.name + ".incoming"), ignore_errors=True)


def _raw_object(conn: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """'VIEW' or 'BASE TABLE' (a raw table of the layout before Parquet), or None."""
    found = conn.execute(
        "select table_type from information_schema.tables "
        "where table_catalog = current_database() and table_schema = 'raw' and table_name = ?",
        [table],
    ).fetchone()
    return found[0] if found else None


def sync_source(
    conn: duckdb.DuckDBPyConnection,
    source: RawSource,
    landing_dir: Path,
    quarantine_dir: Path,
    progress: Callable[[str], None] | None = None,
    cpr_key: str | None = None,
    raw_dir: Path | None = None,
) -> IngestionReport:
    """Bring the raw folder and raw.<table> in line with landing/<source>/; quarantine and
    raise on a bad file.

    ``progress`` gets a line after each loaded file (the Dagster run log, in assets.py);
    ``cpr_key`` replaces CPR numbers in a person-level file (LoadOptions); ``raw_dir`` is the raw
    layer's folder, by default ``raw/`` beside the connection's database.
    """
    conn.execute(MANIFEST_DDL)
    folder = (raw_dir or raw_dir_of(conn)) / source.table
    _heal(folder)
    existing = _raw_object(conn, source.table)
    if existing is None:
        # A first run (or a build database made anew): start from an empty raw folder, so
        # raw.<table> exists, with no rows, whatever tonight's files turn out to be.
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        _ensure_schema_file(source, conn, folder)
        (folder / LAYOUT_FILE).write_text(_layout(source))
        conn.execute("delete from raw._ingested_files where source = ?", [source.name])
        _write_landing_files(conn, source, folder)
        conn.execute(_view_sql(conn, source, folder))
        existing = "VIEW"
    layout_file = folder / LAYOUT_FILE
    current = (
        existing == "VIEW" and layout_file.is_file() and layout_file.read_text() == _layout(source)
    )
    files = scan_source_folder(landing_dir / source.name, source.patterns)
    synthetic = synthetic_checksums(landing_dir)
    known = (
        {
            name: (sha, rows)
            for name, sha, rows in conn.execute(
                "select file_name, sha256, row_count from raw._ingested_files where source = ?",
                [source.name],
            ).fetchall()
        }
        if current
        else {}
    )

    def stored(file: LandingFile) -> bool:
        """Recorded with the same bytes, and its rows are in the live folder."""
        sha, rows = known.get(file.name, (None, 0))
        return sha == file.sha256 and (
            rows == 0 or any(folder.glob(f"**/{file_stem(file)}*.parquet"))
        )

    report = IngestionReport(source=source.name)
    names = {f.name for f in files}
    report.removed = sorted(name for name in known if name not in names)
    to_load = [f for f in files if not stored(f)]
    report.unchanged = [f.name for f in files if stored(f)]

    if to_load or report.removed or not current:
        before = municipality_coverage(conn, source) if current else {}
        incoming = folder.with_name(folder.name + ".incoming")
        incoming.mkdir(parents=True)
        for unchanged in (f for f in files if stored(f)):
            for path in folder.glob(f"**/{file_stem(unchanged)}*.parquet"):
                target = incoming / path.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(path, target)
        conn.execute("begin transaction")
        file: LandingFile | None = None
        switched = False
        try:
            if existing == "BASE TABLE":
                conn.execute(f"drop table raw.{source.table}")
            stale = report.removed + [f.name for f in to_load]
            if not current:
                conn.execute("delete from raw._ingested_files where source = ?", [source.name])
            for name in stale:
                conn.execute(
                    "delete from raw._ingested_files where source = ? and file_name = ?",
                    [source.name, name],
                )
            bytes_total = sum(f.size_bytes for f in to_load)
            bytes_done = 0
            for number, file in enumerate(to_load, start=1):
                started = time.perf_counter()
                target = RawTarget(
                    incoming, file_stem(file), raw_columns(source), source.year_column
                )
                report.loaded.append(_load_one(conn, source, file, synthetic, cpr_key, target))
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
            _ensure_schema_file(source, conn, incoming)
            _write_landing_files(conn, source, incoming)
            (incoming / LAYOUT_FILE).write_text(_layout(source))
            conn.execute(_view_sql(conn, source, incoming))
            if source.unique_key and to_load:
                check_key_across_files(conn, source, to_load, incoming)
            if source.check_loaded and to_load:
                source.check_loaded(conn, to_load)
            previous = folder.with_name(folder.name + ".previous")
            if folder.exists():
                folder.rename(previous)
            incoming.rename(folder)
            switched = True
            conn.execute(_view_sql(conn, source, folder))
            conn.execute("commit")
            shutil.rmtree(previous, ignore_errors=True)
        except Exception as error:
            conn.execute("rollback")
            if switched:  # the new folder is in, the manifest not: put the previous one back
                shutil.rmtree(folder, ignore_errors=True)
            _heal(folder)
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
    else:
        # Nothing to load: the view is declared again all the same, so a build database moved
        # or copied with its warehouse reads the raw folder beside it, not the one it came from.
        if not (folder / LANDING_FILES).exists():  # a folder written before the stamps table
            _write_landing_files(conn, source, folder)
        conn.execute(_view_sql(conn, source, folder))
    report.total_rows = conn.execute(f"select count(*) from raw.{source.table}").fetchone()[0]
    report.is_delivered = bool(files)
    if source.skipped:
        report.skipped = source.skipped(conn)
    return report


def check_key_across_files(
    conn: duckdb.DuckDBPyConnection, source: RawSource, loaded: list[LandingFile], folder: Path
) -> None:
    """No row of a file loaded tonight has the key of a row in another file of the source.

    One test per loaded file, on the raw files of the folder (read by path: a filter on the
    view's stamps would read every file): the other files' rows within the file's own range of
    each key column. A register year clashes only with rows of that year, the range lets
    DuckDB skip every other year's row groups instead of joining the whole table (at national
    scale a self-join of 33 M rows took 7 s), and a file with no other row in its range, the
    usual case, needs no join at all. Only a clash is looked up in the view, for the message.
    """
    key = ", ".join(quoted(c) for c in source.unique_key)
    bounds = ", ".join(f"min({quoted(c)}), max({quoted(c)})" for c in source.unique_key)
    in_range = " and ".join(f"{quoted(c)} between ? and ?" for c in source.unique_key)
    files = sorted(folder.glob("**/*.parquet"))
    partitioned = any(folder.glob(f"{source.year_column}=*")) if source.year_column else False

    def rows_of(paths: list[Path]) -> str:
        listed = ", ".join(f"'{_escaped(p)}'" for p in paths)
        return (
            f"read_parquet([{listed}], hive_partitioning = {str(partitioned).lower()}, "
            "union_by_name = true)"
        )

    for file in sorted(loaded, key=lambda f: f.name, reverse=True):
        own = [p for p in files if p.name.startswith(file_stem(file))]
        others = [p for p in files if p not in own]
        if not own or not others:
            continue
        ranges = conn.execute(f"select {bounds} from {rows_of(own)}").fetchone()
        if ranges[0] is None:
            continue  # a file without rows
        if not conn.execute(
            f"select count(*) from {rows_of(others)} where {in_range}", list(ranges)
        ).fetchone()[0]:
            continue  # no other row in the file's key range (the usual case): nothing to join
        clash = conn.execute(
            f"""
            select new._source_row, other._source_file, other._source_row
            from (select * from raw.{source.table} where _source_file = ?) as new
            inner join (
                select * from raw.{source.table} where _source_file <> ? and {in_range}
            ) as other using ({key})
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
    target: RawTarget,
) -> dict:
    is_synthetic = synthetic.get(f"{source.name}/{file.name}") == file.sha256
    rows = source.load_file(conn, file, LoadOptions(is_synthetic, cpr_key, target))
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
