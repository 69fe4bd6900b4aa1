"""Atomic publication: readers holding the published file keep working and never wait."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.publication.release import publish_database
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

READER = textwrap.dedent(
    """
    import sys, time, duckdb
    conn = duckdb.connect(sys.argv[1], read_only=True)
    run_id = conn.execute("select run_id from _publication").fetchone()[0]
    print("open", run_id, flush=True)
    answers = 0
    deadline = time.monotonic() + 60
    while sys.stdin.readline().strip() == "query" and time.monotonic() < deadline:
        sql = "select count(*), sum(value) from mart_indicator_cluster_year"
        rows = conn.execute(sql).fetchone()
        same = conn.execute("select run_id from _publication").fetchone()[0] == run_id
        answers += 1
        print("answer", rows[0], same, flush=True)
    print("done", answers, flush=True)
    """
)


def test_a_reader_holding_the_published_file_keeps_answering_through_two_publications(
    fresh_copy: Refreshed,
) -> None:
    settings = fresh_copy.settings
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        first_run = conn.execute("select run_id from _publication").fetchone()[0]
        rows = conn.execute("select count(*) from mart_indicator_cluster_year").fetchone()[0]

    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["open", first_run]
        for publication in ("second-run", "third-run"):
            started = time.monotonic()
            publish_database(settings, publication)
            assert time.monotonic() - started < 30  # a guard against hanging, not a speed target
            reader.stdin.write("query\n")
            reader.stdin.flush()
            # The reader still sees the file it opened, whole and unchanged.
            assert reader.stdout.readline().split() == ["answer", str(rows), "True"]
            with duckdb.connect(str(settings.published_db), read_only=True) as conn:
                assert conn.execute("select run_id from _publication").fetchone()[0] == publication
            # The Parquet files switched in with the DuckDB file, in the same rename.
            parquet = settings.published_dir / "_publication.parquet"
            with duckdb.connect() as conn:
                sql = "select run_id from read_parquet(?)"
                assert conn.execute(sql, [str(parquet)]).fetchone()[0] == publication
        reader.stdin.write("stop\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == ["done", "2"]
    finally:
        reader.kill()
        reader.wait()
    leftovers = [p.name for p in settings.warehouse_dir.rglob(".*.tmp")]
    assert leftovers == []
    # The current release and the two before it are kept for readers still holding files.
    assert len(list((settings.warehouse_dir / "releases").iterdir())) == 3


def test_every_published_table_is_also_parquet_with_the_same_rows(refreshed: Refreshed) -> None:
    settings = refreshed.settings
    assert settings.published_db.resolve().parent == settings.published_dir.resolve()
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        tables = {
            row[0] for row in conn.execute("select table_name from duckdb_tables()").fetchall()
        }
        assert {p.stem for p in settings.published_dir.glob("*.parquet")} == tables
        for table in tables:
            parquet = str(settings.published_dir / f"{table}.parquet")
            differing = conn.execute(
                f"select count(*) from ((select * from {table} except all "
                f"select * from read_parquet(?)) union all (select * from read_parquet(?) "
                f"except all select * from {table}))",
                [parquet, parquet],
            ).fetchone()[0]
            assert differing == 0, table


def test_a_warehouse_published_before_releases_is_switched_to_links(
    refreshed: Refreshed, tmp_path: Path
) -> None:
    """An older warehouse has published.duckdb as a plain file; the first release replaces it."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy(refreshed.settings.published_db, warehouse / "published.duckdb")
    shutil.copy(refreshed.settings.build_db, warehouse / "build.duckdb")

    publish_database(refreshed.settings.replace(warehouse_folder=str(warehouse)), "first-release")

    assert (warehouse / "published.duckdb").is_symlink()
    assert (warehouse / "published").is_symlink()
    with duckdb.connect(str(warehouse / "published.duckdb"), read_only=True) as conn:
        assert conn.execute("select run_id from _publication").fetchone()[0] == "first-release"
