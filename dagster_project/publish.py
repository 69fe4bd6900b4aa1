"""Write-audit-publish: copy the audited star schema and marts into a new file, then swap it in.

dbt writes warehouse/build.duckdb; BI must never open that file (DuckDB has one writer, and a
writer locks out readers). Publication builds a complete new database beside the published one
and renames it over warehouse/published.duckdb with os.replace, which is atomic on POSIX: a
reader that has the old file open keeps reading the old file, a new reader gets the new one,
nobody sees a half-written state, and the refresh never waits for readers.

A blocking check does not undo the write of the asset it checks; it only stops what is
downstream. So this asset is downstream of every mart, and it also refuses to run unless every
gate check passed in this same run - materialising it alone from the UI cannot skip the gate.
"""

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.quality import GATED_MARTS, MART_SCHEMA, gate_check_key
from dagster_project.resources import RefreshLock, WarehouseSettings

# A published column must never hold a person identifier (DOMAIN.md); GX checks the marts, and
# these guards cover every published table: no column named like one, no text that looks like a
# CPR number (six digits, optional hyphen, four digits, not part of a longer number).
PERSON_IDENTIFIER = re.compile(
    r"(^|_)(cpr|cpr_nr|person_key|person_id|respondent_id|pnr)($|_)", re.I
)
CPR_LIKE = "(^|[^0-9])[0-9]{6}-?[0-9]{4}($|[^0-9])"


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: dict[str, int]
    published_at: str


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_database(build_db: Path, published_db: Path, run_id: str) -> Publication:
    """Copy every table of the build's marts schema into a new file and swap it in atomically."""
    published_db.parent.mkdir(parents=True, exist_ok=True)
    # A run killed mid-publication leaves its half-written file; the lock (locking.py) means no
    # other publication is running, so any leftover is garbage.
    for leftover in published_db.parent.glob(f".{published_db.name}.*.tmp"):
        leftover.unlink()
    staging_path = published_db.with_name(f".{published_db.name}.{run_id}.tmp")
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    tables: dict[str, int] = {}
    try:
        with duckdb.connect(str(staging_path)) as conn:
            conn.execute(f"attach '{build_db}' as build (read_only)")
            names = [
                row[0]
                for row in conn.execute(
                    "select table_name from duckdb_tables() where database_name = 'build' "
                    "and schema_name = ? order by table_name",
                    [MART_SCHEMA],
                ).fetchall()
            ]
            if not names:
                raise RuntimeError(
                    f"{build_db} has no tables in schema {MART_SCHEMA}: nothing to publish"
                )
            for name in names:
                columns = [
                    c[0] for c in conn.execute(f"describe build.{MART_SCHEMA}.{name}").fetchall()
                ]
                leaked = [c for c in columns if PERSON_IDENTIFIER.search(c)]
                if leaked:
                    raise RuntimeError(
                        f"refusing to publish {name}: person identifier column(s) {leaked}"
                    )
                conn.execute(
                    f"create table main.{name} as select * from build.{MART_SCHEMA}.{name}"
                )
                tables[name] = conn.execute(f"select count(*) from main.{name}").fetchone()[0]
            refuse_cpr_like_text(conn)
            conn.execute(
                "create table main._publication as select ? as run_id, cast(? as timestamptz) "
                "as published_at, ? as table_count",
                [run_id, published_at, len(tables)],
            )
            conn.execute("detach build")
            conn.execute("checkpoint")
        _fsync(staging_path)
        os.replace(staging_path, published_db)
        _fsync(published_db.parent)
    finally:
        staging_path.unlink(missing_ok=True)
    return Publication(path=published_db, tables=tables, published_at=published_at)


def refuse_cpr_like_text(conn: duckdb.DuckDBPyConnection) -> None:
    """Scan every text column about to be published for CPR-like values."""
    text_columns = conn.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and data_type = 'VARCHAR'"
    ).fetchall()
    for table, column in text_columns:
        found = conn.execute(
            f'select count(*) from main."{table}" where regexp_matches("{column}", ?)', [CPR_LIKE]
        ).fetchone()[0]
        if found:
            raise RuntimeError(
                f"refusing to publish: {table}.{column} holds {found} CPR-like value(s)"
            )


def failed_gates(context: AssetExecutionContext) -> list[str]:
    """Gate checks that did not pass in this run (missing counts as not passed)."""
    keys = [gate_check_key(mart) for mart in GATED_MARTS]
    latest = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    problems = []
    for key in keys:
        record = latest.get(key)
        evaluation = record.evaluation if record else None
        if record is None or record.run_id != context.run_id or evaluation is None:
            problems.append(f"{key.name}: did not run in this run")
        elif not evaluation.passed and evaluation.severity.value == "ERROR":
            problems.append(f"{key.name}: {evaluation.description}")
    return problems


def published_warehouse_asset(mart_keys: list[AssetKey]):
    @asset(
        name="published_warehouse",
        group_name="publication",
        owners=["team:sundhedsdata"],
        kinds={"duckdb"},
        deps=mart_keys,
        description=(
            "warehouse/published.duckdb: the star schema and marts BI tools read, replaced "
            "atomically and only after every quality gate of the run passed."
        ),
    )
    def _publish(
        context: AssetExecutionContext, warehouse: WarehouseSettings, refresh_lock: RefreshLock
    ) -> MaterializeResult:
        problems = failed_gates(context)
        if problems:
            raise Failure(
                description="Publication refused; the previous publication is unchanged: "
                + "; ".join(problems)
            )
        settings = warehouse.settings
        publication = publish_database(settings.build_db, settings.published_db, context.run_id)
        context.log.info(f"published {len(publication.tables)} tables to {publication.path}")
        return MaterializeResult(
            metadata={
                "path": MetadataValue.path(str(publication.path)),
                "published_at": publication.published_at,
                "tables": MetadataValue.json(publication.tables),
                "dagster/row_count": sum(publication.tables.values()),
            }
        )

    return _publish
