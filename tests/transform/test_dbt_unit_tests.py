"""The dbt unit tests, which the nightly build leaves out (transform/assets.dbt_build_args).

Each runs one model's SQL on hand-written input rows with hand-calculated expected rows
(dbt/models/**/_*__models.yml). Their answer changes with the code, never with the data, so
they run here, in `make test` and CI, on a copy of a refreshed warehouse (dbt needs the models'
parents to exist to know their columns).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from dagster_project.transform.project import dbt_project
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(
    fresh_copy: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(fresh_copy.settings.warehouse_dir))
    dbt = DbtCliResource(project_dir=dbt_project)
    invocation = dbt.cli(
        [
            "test",
            "--select",
            "test_type:unit",
            "--vars",
            json.dumps(fresh_copy.settings.dbt_vars()),
        ],
        target_path=tmp_path,
        raise_on_error=False,
    )
    assert invocation.wait().is_successful(), invocation.get_error()
    results = json.loads((tmp_path / "run_results.json").read_text())["results"]
    unit_tests = [r for r in results if r["unique_id"].startswith("unit_test.")]
    manifest = json.loads(dbt_project.manifest_path.read_text())
    assert len(unit_tests) == len(manifest["unit_tests"]) > 0
    assert {r["status"] for r in unit_tests} == {"pass"}
