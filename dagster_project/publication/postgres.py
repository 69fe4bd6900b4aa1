"""PostgreSQL as a second publication target, for BI servers that speak Postgres.

Power BI, Metabase and Superset connect to a server, not to a file. When
``SUNDHEDSDATA_POSTGRES_URL`` is set, the release that was just switched in locally (the
published DuckDB file, see release.py) is copied into the schema ``published`` of that
database, in **one transaction**:

1. the tables are created and filled in a staging schema ``published__next``;
2. the old ``published`` is dropped and the staging schema renamed to ``published``;
3. ``bi_reader`` gets USAGE on the schema and SELECT on its tables, nothing else.

Postgres DDL is transactional, so a BI session sees the old schema or the new one, never a
mix, and a failure anywhere (a lost connection, a value Postgres rejects) rolls everything back:
the previous publication stays. The drop needs a brief exclusive lock; a BI query still running
on the old tables delays the switch (up to ``lock_timeout``), it is never cut off.

The role ``bi_reader`` is created NOLOGIN if missing: BI accounts are members of it
(``grant bi_reader to metabase``), or a DBA gives it a password, so credentials stay with
whoever runs the BI server.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb
import psycopg
from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from psycopg import sql

from dagster_project.resources import WAREHOUSE_POOL, PostgresTarget, RefreshLock
from dagster_project.settings import Settings

PUBLISHED_SCHEMA = "published"
READER_ROLE = "bi_reader"
LOCK_TIMEOUT = "60s"

# DuckDB column types in the marts → Postgres types. An unknown type fails loudly rather than
# being coerced to text.
POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38, 0)",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMP": "timestamp",
}


@dataclass(frozen=True)
class PostgresPublication:
    schema: str
    run_id: str
    tables: dict[str, int]


def _columns(
    conn: duckdb.DuckDBPyConnection, source_schema: str, table: str
) -> list[tuple[str, str]]:
    columns = []
    for name, duck_type, *_ in conn.execute(f'describe {source_schema}."{table}"').fetchall():
        if duck_type not in POSTGRES_TYPES:
            raise RuntimeError(f"{table}.{name}: no Postgres type for DuckDB type {duck_type}")
        columns.append((name, POSTGRES_TYPES[duck_type]))
    return columns


def publish_to_postgres(
    settings: Settings,
    conninfo: str,
    published_db: Path | None = None,
    schema: str = PUBLISHED_SCHEMA,
    reader_role: str = READER_ROLE,
) -> PostgresPublication:
    """Replace ``schema`` in the Postgres database with every table of the publication.

    ``published_db`` defaults to the current publication (settings.published_db).
    """
    published_db = published_db or settings.published_db
    staging = f"{schema}__next"
    with (
        settings.connect(published_db, read_only=True) as source,
        psycopg.connect(conninfo, autocommit=True) as pg,
    ):
        run_id = source.execute("select run_id from _publication").fetchone()[0]
        with pg.transaction():
            pg.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT)))
            pg.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(staging)))
            tables = copy_schema(source, "main", pg, staging)
            _ensure_role(pg, reader_role)
            pg.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
            pg.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(staging), sql.Identifier(schema)
                )
            )
            pg.execute(
                sql.SQL("comment on schema {} is {}").format(
                    sql.Identifier(schema),
                    sql.Literal(f"sundhedsdata publication of run {run_id}; replaced nightly"),
                )
            )
            pg.execute(
                sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(schema), sql.Identifier(reader_role)
                )
            )
            pg.execute(
                sql.SQL("grant select on all tables in schema {} to {}").format(
                    sql.Identifier(schema), sql.Identifier(reader_role)
                )
            )
    return PostgresPublication(schema=schema, run_id=run_id, tables=tables)


def copy_schema(
    source: duckdb.DuckDBPyConnection,
    source_schema: str,
    pg: psycopg.Connection,
    target_schema: str,
) -> dict[str, int]:
    """Create ``target_schema`` in Postgres with a copy of every table and view of a DuckDB
    schema (the raw schema is views over the Parquet raw layer)."""
    names = [
        row[0]
        for row in source.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = current_database() and table_schema = ? order by table_name",
            [source_schema],
        ).fetchall()
    ]
    pg.execute(sql.SQL("create schema {}").format(sql.Identifier(target_schema)))
    return {name: _copy_table(source, source_schema, name, pg, target_schema) for name in names}


def _copy_table(
    source: duckdb.DuckDBPyConnection,
    source_schema: str,
    name: str,
    pg: psycopg.Connection,
    schema: str,
) -> int:
    columns = _columns(source, source_schema, name)
    target = sql.Identifier(schema, name)
    pg.execute(
        sql.SQL("create table {} ({})").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(pg_type))
                for column, pg_type in columns
            ),
        )
    )
    column_list = sql.SQL(", ").join(sql.Identifier(column) for column, _ in columns)
    rows = 0
    cursor = source.execute(f'select * from {source_schema}."{name}"')
    with pg.cursor().copy(sql.SQL("copy {} ({}) from stdin").format(target, column_list)) as copy:
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                copy.write_row(row)
            rows += len(batch)
    return rows


def _ensure_role(pg: psycopg.Connection, role: str) -> None:
    exists = pg.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone()
    if not exists:
        pg.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))


def published_postgres_asset():
    """Only part of the definitions when a Postgres target is configured (definitions.py)."""

    @asset(
        name="published_postgres",
        pool=WAREHOUSE_POOL,
        group_name="publication",
        owners=["team:sundhedsdata"],
        kinds={"postgres"},
        deps=[AssetKey("published_warehouse")],
        description=(
            "Schema `published` in the configured PostgreSQL database: the release this run "
            "published, replaced in one transaction; readable by role bi_reader only."
        ),
    )
    def _publish(
        context: AssetExecutionContext,
        settings: Settings,
        postgres: PostgresTarget,
        refresh_lock: RefreshLock,
    ) -> MaterializeResult:
        published_db = settings.published_db
        with settings.connect(published_db, read_only=True) as conn:
            published_run = conn.execute("select run_id from _publication").fetchone()[0]
        if published_run != context.run_id:
            raise Failure(
                description=f"{published_db} holds run {published_run}, not this run "
                f"({context.run_id}): Postgres gets only what this run published locally"
            )
        publication = publish_to_postgres(settings, postgres.conninfo)
        context.log.info(
            f"replaced schema {publication.schema} with {len(publication.tables)} tables"
        )
        return MaterializeResult(
            metadata={
                "schema": publication.schema,
                "reader_role": READER_ROLE,
                "tables": MetadataValue.json(publication.tables),
                "dagster/row_count": sum(publication.tables.values()),
            }
        )

    return _publish
