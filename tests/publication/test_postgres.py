"""PostgreSQL: the publication target BI servers read as bi_reader, and the dbt models on Postgres.

Every test talks to a real PostgreSQL server (started by .ci/run through scripts/ci-services),
each in a database of its own.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import psycopg
import pytest
from dagster import AssetSelection, Definitions, define_asset_job
from dagster_dbt import DbtCliResource
from psycopg.conninfo import make_conninfo

from dagster_project.definitions import build_definitions
from dagster_project.publication.postgres import READER_ROLE, copy_schema, publish_to_postgres
from dagster_project.quality.disclosure_audit import DISCLOSURE_AUDIT_KEY
from dagster_project.quality.gate import GATED_MARTS, MART_SCHEMA, gate_check_key
from dagster_project.transform.project import dbt_project
from tests.conftest import Refreshed, run_nightly

pytestmark = pytest.mark.slow

READER_PASSWORD = "reader-test-only"


def _reader_url(database_url: str) -> str:
    """bi_reader with a login, as a DBA would set it up for a BI server."""
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f"alter role {READER_ROLE} login password '{READER_PASSWORD}'")
    return make_conninfo(database_url, user=READER_ROLE, password=READER_PASSWORD)


def _published_tables(published_db: Path) -> dict[str, int]:
    with duckdb.connect(str(published_db), read_only=True) as conn:
        names = [r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()]
        return {n: conn.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def _rows(connection, sql: str) -> list[tuple]:
    """Rows with floats rounded and sorted in Python, so neither doubles nor collations differ."""
    rows = [
        tuple(round(float(v), 9) if isinstance(v, float) else v for v in row)
        for row in connection.execute(sql).fetchall()
    ]
    return sorted(rows, key=lambda row: [(v is None, str(v)) for v in row])


def test_the_nightly_publication_lands_every_table_in_postgres_for_bi_reader(
    fresh_copy: Refreshed, postgres_database: str
) -> None:
    settings = fresh_copy.settings.replace(postgres_url=postgres_database)
    job = define_asset_job(
        "gate_and_publish",
        selection=AssetSelection.assets("published_warehouse", "published_postgres")
        | AssetSelection.checks(*(gate_check_key(m) for m in GATED_MARTS), DISCLOSURE_AUDIT_KEY),
    )
    defs = Definitions.merge(build_definitions(settings), Definitions(jobs=[job]))
    result = run_nightly(defs, fresh_copy.instance, "gate_and_publish")
    assert result.success

    expected = _published_tables(settings.published_db)
    mart = "mart_indicator_cluster_year"
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        columns = ", ".join(c[0] for c in conn.execute(f"describe {mart}").fetchall())
    with psycopg.connect(_reader_url(postgres_database)) as reader:
        landed = reader.execute(
            "select table_name from information_schema.tables where table_schema = 'published'"
        ).fetchall()
        assert {name for (name,) in landed} == set(expected)
        for table, rows in expected.items():
            assert reader.execute(f"select count(*) from published.{table}").fetchone()[0] == rows
        assert reader.execute("select run_id from published._publication").fetchone()[0] == (
            result.run_id
        )
        in_postgres = _rows(reader, f"select {columns} from published.{mart}")
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        assert in_postgres == _rows(conn, f"select {columns} from {mart}")


def test_bi_reader_selects_from_published_and_can_do_nothing_else(
    refreshed: Refreshed, postgres_database: str
) -> None:
    publish_to_postgres(refreshed.settings, postgres_database)
    with psycopg.connect(postgres_database, autocommit=True) as admin:
        admin.execute("create schema build; create table build.raw_extract (person_key text)")
    refused = [
        "insert into published.dim_sex values ('X', 'x', 'x')",
        "update published.mart_indicator_cluster_year set value = 0",
        "delete from published.dim_cluster",
        "truncate published.dim_year",
        "drop table published.dim_vision",
        "create table published.notes (note text)",
        "create table public.notes (note text)",
        "create schema scratch",
        "select * from build.raw_extract",
        "alter schema published rename to mine",
    ]
    with psycopg.connect(_reader_url(postgres_database), autocommit=True) as reader:
        assert reader.execute("select count(*) from published.dim_cluster").fetchone()[0] == 4
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)


def test_a_failed_postgres_publication_leaves_the_previous_schema_whole(
    refreshed: Refreshed, postgres_database: str, tmp_path: Path
) -> None:
    first = publish_to_postgres(refreshed.settings, postgres_database)
    # A release whose last table holds a value Postgres rejects (text with a NUL byte): the
    # failure comes after every other table was already copied into the staging schema.
    broken = tmp_path / "published.duckdb"
    shutil.copy(refreshed.settings.published_db, broken)
    with duckdb.connect(str(broken)) as conn:
        conn.execute("update _publication set run_id = 'broken-run'")
        conn.execute("create table zz_notes as select 'a' || chr(0) || 'b' as note")

    with pytest.raises(psycopg.errors.DataError):
        publish_to_postgres(refreshed.settings, postgres_database, broken)

    with psycopg.connect(_reader_url(postgres_database)) as reader:
        assert reader.execute("select run_id from published._publication").fetchone()[0] == (
            first.run_id
        )
        tables = reader.execute(
            "select count(*) from information_schema.tables where table_schema = 'published'"
        ).fetchone()[0]
        assert tables == len(first.tables)
        schemas = reader.execute("select nspname from pg_namespace where nspname like 'published%'")
        assert [name for (name,) in schemas.fetchall()] == ["published"]


def test_the_dbt_models_build_on_postgres_to_the_same_mart_values(
    refreshed: Refreshed, postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Portability: raw copied into Postgres, `dbt build --target postgres`, the same marts."""
    with (
        duckdb.connect(str(refreshed.settings.build_db), read_only=True) as build,
        psycopg.connect(postgres_database) as pg,
    ):
        copy_schema(build, "raw", pg, "raw")
    params = psycopg.conninfo.conninfo_to_dict(postgres_database)
    for key, variable in [
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("dbname", "PGDATABASE"),
    ]:
        monkeypatch.setenv(variable, str(params.get(key, "")))
    if not params.get("port"):
        monkeypatch.setenv("PGPORT", "5432")
    dbt = DbtCliResource(project_dir=dbt_project, target="postgres")
    # Models, seeds and unit tests; the data tests' logic is already exercised on DuckDB.
    args = [
        "build",
        "--exclude",
        "test_type:data",
        "--vars",
        json.dumps(refreshed.settings.dbt_vars()),
    ]
    invocation = dbt.cli(args, target_path=tmp_path / "dbt_target", raise_on_error=False).wait()
    assert invocation.is_successful(), invocation.get_error()

    with (
        duckdb.connect(str(refreshed.settings.build_db), read_only=True) as build,
        psycopg.connect(postgres_database) as pg,
    ):
        marts = [
            r[0]
            for r in build.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [MART_SCHEMA]
            ).fetchall()
        ]
        assert len(marts) > 20
        for table in marts:
            columns = ", ".join(
                c[0] for c in build.execute(f"describe {MART_SCHEMA}.{table}").fetchall()
            )
            sql = f"select {columns} from {MART_SCHEMA}.{table}"
            assert _rows(pg, sql) == _rows(build, sql), table
