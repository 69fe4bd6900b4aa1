"""A refresh killed with SIGKILL at any point leaves the published warehouse a complete earlier
version, and the next refresh completes without manual clean-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.settings import REPO_ROOT
from tests.conftest import Refreshed, file_digest

pytestmark = pytest.mark.slow


def _start_refresh(refreshed: Refreshed, dagster_home: Path) -> subprocess.Popen:
    settings = refreshed.settings
    dagster_home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "SUNDHEDSDATA_LANDING_DIR": str(settings.landing_dir),
        "SUNDHEDSDATA_QUARANTINE_DIR": str(settings.quarantine_dir),
        "SUNDHEDSDATA_WAREHOUSE_DIR": str(settings.warehouse_dir),
    }
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.Popen(
        [
            str(dagster),
            "job",
            "execute",
            "-m",
            "dagster_project.definitions",
            "-j",
            "nightly_refresh",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the kill takes dbt's subprocess too
    )


def _kill_when(process: subprocess.Popen, ready, timeout: float = 240) -> str:
    """SIGKILL the refresh's whole process group as soon as ready(log_lines) holds."""
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if ready(lines):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "killed"
        time.sleep(0.005)
    process.kill()
    return f"not killed (exit {process.returncode}): " + "".join(lines[-20:])


def _assert_published_is_complete(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as conn:
        run_id = conn.execute("select run_id from _publication").fetchone()[0]
        for mart in ("mart_indicator_cluster_year", "mart_objective_progress"):
            assert conn.execute(f"select count(*) from {mart}").fetchone()[0] > 0
    return run_id


def _make_ingestion_work(refreshed: Refreshed) -> None:
    """A re-delivered labour file (same rows, new order), so ingestion has a transaction to run."""
    path = refreshed.settings.landing_dir / "labour" / "labour_2025.parquet"
    pd.read_parquet(path).iloc[::-1].to_parquet(path, index=False)


def _wal_exists(refreshed: Refreshed):
    wal = refreshed.settings.build_db.with_name("build.duckdb.wal")
    return lambda lines: wal.exists() and wal.stat().st_size > 0


def _dbt_is_building(lines: list[str]) -> bool:
    return any("START sql table model" in line for line in lines)


def _publication_in_progress(refreshed: Refreshed):
    folder = refreshed.settings.warehouse_dir / "releases"
    return lambda lines: any(folder.glob(".*.tmp"))


def test_refreshes_killed_in_ingestion_dbt_and_publication_leave_the_last_publication(
    fresh_copy: Refreshed, tmp_path: Path
) -> None:
    """One story: three refreshes killed at three points in turn, then one that completes."""
    published = fresh_copy.settings.published_db
    home = tmp_path / "home"
    before_digest = file_digest(published)
    before_run = _assert_published_is_complete(published)
    _make_ingestion_work(fresh_copy)

    for point, ready in [
        ("ingestion", _wal_exists(fresh_copy)),
        ("dbt", _dbt_is_building),
        ("publication", _publication_in_progress(fresh_copy)),
    ]:
        outcome = _kill_when(_start_refresh(fresh_copy, home), ready)
        assert outcome == "killed", point
        # Whatever was interrupted, BI still finds a complete publication.
        after_run = _assert_published_is_complete(published)
        if point != "publication":
            assert file_digest(published) == before_digest and after_run == before_run, point

    rerun = _start_refresh(fresh_copy, home)
    output, _ = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, output[-3000:]
    assert _assert_published_is_complete(published) != before_run
    assert not list(fresh_copy.settings.warehouse_dir.rglob(".*.tmp"))
    with duckdb.connect(str(fresh_copy.settings.build_db), read_only=True) as conn:
        reloaded = conn.execute(
            "select count(*) from raw._ingested_files where file_name = 'labour_2025.parquet'"
        ).fetchone()[0]
    assert reloaded == 1


def test_a_night_with_nothing_to_build_still_removes_a_killed_publications_leftovers(
    fresh_copy: Refreshed,
) -> None:
    from tests.conftest import run_nightly

    warehouse = fresh_copy.settings.warehouse_dir
    half_written = warehouse / "releases" / ".20261201T020000000000Z-killed.tmp"
    half_written.mkdir()
    (half_written / "published.duckdb").write_bytes(b"half a file")
    staged_link = warehouse / ".published.link.tmp"
    staged_link.symlink_to("releases/nowhere")
    published_before = file_digest(fresh_copy.settings.published_db)

    result = run_nightly(fresh_copy.defs, fresh_copy.instance)

    assert result.success
    # Nothing changed since the sample was published: nothing was built or published ...
    assert not [e for e in result.get_asset_materialization_events() if "published" in str(e)]
    assert file_digest(fresh_copy.settings.published_db) == published_before
    # ... and the leftovers are gone all the same.
    assert not half_written.exists() and not staged_link.is_symlink()
