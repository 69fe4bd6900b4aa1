"""The dbt tests whose answer changes with the code, never with a night's data.

The nightly build leaves them out (transform/assets.dbt_build_args and plan.reference_tests):
- the unit tests, each running one model's SQL on hand-written input rows against
  hand-calculated rows (dbt/models/**/_*__models.yml);
- the data tests that no raw table feeds: on the seeds and on the models built from seeds
  alone (keys, accepted values, relationships of the reference data).
They run here, in `make test` and CI, on a copy of a refreshed warehouse (dbt needs the models'
parents to exist to know their columns).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from dagster_project.transform.plan import reference_tests
from dagster_project.transform.project import dbt_project
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


def test_every_unit_test_and_reference_data_test_passes(
    fresh_copy: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(fresh_copy.settings.warehouse_dir))
    manifest = json.loads(dbt_project.manifest_path.read_text())
    reference = reference_tests(manifest)
    dbt = DbtCliResource(project_dir=dbt_project)
    invocation = dbt.cli(
        [
            "test",
            "--select",
            " ".join(["test_type:unit", *reference]),
            "--vars",
            json.dumps(fresh_copy.settings.dbt_vars()),
        ],
        target_path=tmp_path,
        raise_on_error=False,
    )
    assert invocation.wait().is_successful(), invocation.get_error()
    results = json.loads((tmp_path / "run_results.json").read_text())["results"]
    assert {r["status"] for r in results} == {"pass"}
    ran = {r["unique_id"] for r in results}
    assert {uid for uid in manifest["unit_tests"]} <= ran
    assert len(ran) == len(manifest["unit_tests"]) + len(reference)


def test_the_reference_tests_are_those_on_seeds_and_seed_only_models() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    reference = set(reference_tests(manifest))
    by_name = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "test"}
    # A literal sample of each kind: a seed's key, a dimension built from seeds, and tests on
    # models that read the raw layer, which must stay in the nightly build.
    assert "unique_indicators_indicator_code" in reference
    assert any(name.startswith("not_null_dim_municipality_") for name in reference)
    assert not any("mart_indicator_cluster_year" in name for name in reference)
    assert not any("stg_sundhedsprofilen__respondents" in name for name in reference)
    assert "assert_no_published_total_reveals_a_suppressed_part" not in reference
    for name in reference:
        parents = by_name[name]["depends_on"]["nodes"]
        assert parents and not any(p.startswith("source.") for p in parents), name
