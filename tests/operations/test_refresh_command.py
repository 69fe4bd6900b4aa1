"""`make run`'s command: a few lines per stage on the terminal, the full event log in a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from dagster_project.operations.refresh_command import describe, stage_of_step, summarise
from tests.conftest import SAMPLE_DIR, Refreshed

LANDING_SUFFIXES = {".csv", ".parquet", ".xlsx"}


def test_the_summary_of_a_full_refresh_names_what_each_stage_did(refreshed: Refreshed) -> None:
    records = list(refreshed.instance.all_logs(refreshed.result.run_id))
    stages = summarise(records, stage_of_step(refreshed.defs))

    landing_files = [p for p in (SAMPLE_DIR / "landing").rglob("*") if p.suffix in LANDING_SUFFIXES]
    assert f"9 sources: {len(landing_files)} files loaded, 0 unchanged" in describe(
        "ingestion", stages["ingestion"]
    )
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        (tables,) = conn.execute(
            # The marts, without the publication's own record (_publication).
            "select count(*) from duckdb_tables() where schema_name = 'main' "
            "and not starts_with(table_name, '_')"
        ).fetchone()
    assert describe("publication", stages["publication"]).startswith(f"{tables} tables as")
    # Seven GX suites and the disclosure audit gate publication; none failed.
    assert describe("quality", stages["quality"]).startswith(
        "8 checks passed; disclosure control withheld "
    )
    assert "FAILED" not in describe("transform", stages["transform"])
    assert all(stages[name].seconds > 0 for name in ("ingestion", "transform", "quality"))


def _run_command(settings, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "SUNDHEDSDATA_LANDING_DIR": str(settings.landing_dir),
        "SUNDHEDSDATA_QUARANTINE_DIR": str(settings.quarantine_dir),
        "SUNDHEDSDATA_WAREHOUSE_DIR": str(settings.warehouse_dir),
    }
    (tmp_path / "dagster_home").mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "dagster_project"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_night_with_nothing_new_prints_a_few_lines_and_logs_every_event(
    fresh_copy: Refreshed, tmp_path: Path
) -> None:
    settings = fresh_copy.settings
    done = _run_command(settings, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) <= 10, done.stdout
    assert "nothing changed since the last publication" in done.stdout
    assert "DEBUG" not in done.stdout + done.stderr

    logs = sorted(settings.logs_dir.glob("*-*.log"))
    events = [p for p in logs if not p.name.endswith(".output.log")]
    assert len(events) == 1 and str(events[0]) in done.stdout
    text = events[0].read_text(encoding="utf-8")
    assert text.count("STEP_START") >= 7  # one per ingestion source at least
    assert "PIPELINE_SUCCESS" in text  # Dagster's name for a successful run


def test_a_failed_night_names_the_file_and_the_rule_without_a_library_exception(
    fresh_copy: Refreshed, tmp_path: Path
) -> None:
    settings = fresh_copy.settings
    bad = settings.landing_dir / "trivsel" / "trivsel_2025-26.csv"
    bad.write_text("school_year,kommune_kode\n2025/26,461\n", encoding="utf-8")

    done = _run_command(settings, tmp_path)

    assert done.returncode == 1
    assert "nightly_refresh" in done.stdout and "FAILED" in done.stdout
    failed = [line for line in done.stdout.splitlines() if "failed:" in line]
    assert len(failed) == 1
    assert "trivsel_2025-26.csv" in failed[0] and "'n_respondents'" in failed[0]
    assert "moved to quarantine" in failed[0]
    assert "dagster." not in done.stdout and "Traceback" not in done.stdout
