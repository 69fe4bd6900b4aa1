"""Every dbt unit test passes on DuckDB.

The unit tests pin the project's logic on fixed rows by hand calculations (the survey's
design-based variance, the trend markers, the funnel limits, suppression, progress, the outcome
cut-offs). No night runs them - their answer changes only with the project - so this is where
every change of the project meets them, against the session's refreshed warehouse (a unit test
reads its model's inputs' column types from the built relations). PostgreSQL runs them too
(tests/publication/test_postgres.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner

from dagster_project.settings import DBT_PROJECT_DIR
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes_on_duckdb(
    refreshed: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = refreshed.settings
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(settings.warehouse_dir))
    result = dbtRunner().invoke(
        [
            "test",
            "--select",
            "test_type:unit",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--vars",
            json.dumps(settings.dbt_vars()),
        ]
    )
    assert result.exception is None, result.exception
    outcomes = {r.node.name: r.status for r in result.result if r.node.resource_type == "unit_test"}
    # Every unit test of the project ran (a literal floor: the project has 20 of them).
    assert len(outcomes) >= 20, sorted(outcomes)
    assert {name for name, status in outcomes.items() if status != "pass"} == set()
    assert result.success
