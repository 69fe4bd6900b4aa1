"""Atomic publication: readers holding the published file keep working and never wait."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from dagster_project.publish import publish_database

from .conftest import Refreshed

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
            publish_database(settings.build_db, settings.published_db, publication)
            assert time.monotonic() - started < 30  # a guard against hanging, not a speed target
            reader.stdin.write("query\n")
            reader.stdin.flush()
            # The reader still sees the file it opened, whole and unchanged.
            assert reader.stdout.readline().split() == ["answer", str(rows), "True"]
            with duckdb.connect(str(settings.published_db), read_only=True) as conn:
                assert conn.execute("select run_id from _publication").fetchone()[0] == publication
        reader.stdin.write("stop\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == ["done", "2"]
    finally:
        reader.kill()
        reader.wait()
    leftovers = [p.name for p in settings.warehouse_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
