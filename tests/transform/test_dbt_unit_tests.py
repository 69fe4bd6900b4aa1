"""Every dbt unit test passes on DuckDB.

The unit tests pin the project's logic on fixed rows by hand calculations (the survey's
design-based variance, the trend markers, the funnel limits, suppression, progress, the outcome
cut-offs). No night runs them - their answer changes only with the project - so this is where
every change of the project meets them, against the session's refreshed warehouse (a unit test
reads its model's inputs' column types from the built relations). dbt runs in its own process,
through dagster-dbt as the night runs it, so no DuckDB handle stays open in the test process.
PostgreSQL runs them too (tests/publication/test_postgres.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from dagster_project.transform.project import dbt_project
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes_on_duckdb(
    refreshed: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = refreshed.settings
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(settings.warehouse_dir))
    dbt = DbtCliResource(project_dir=dbt_project, target="duckdb")
    args = ["test", "--select", "test_type:unit", "--vars", json.dumps(settings.dbt_vars())]
    invocation = dbt.cli(args, target_path=tmp_path / "dbt_target", raise_on_error=False).wait()
    results = invocation.get_artifact("run_results.json")["results"]
    outcomes = {
        r["unique_id"]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")
    }
    # Every unit test of the project ran (a literal floor: the project has 16 of them).
    assert len(outcomes) >= 16, sorted(outcomes)
    assert {name for name, status in outcomes.items() if status != "pass"} == set()
    assert invocation.is_successful(), invocation.get_error()
