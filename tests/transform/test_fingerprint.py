"""The code fingerprint covers what shapes published output, and nothing else."""

from __future__ import annotations

from dagster_project.transform.fingerprint import _project_files


def test_the_fingerprint_covers_the_stages_that_shape_output_but_not_operations_or_generator():
    names = {name for name, _ in _project_files()}
    covered_roots = {name.split("/")[0] for name in names}
    # The stage packages and the settings shape what is published ...
    for stage in ("sources", "transform", "quality", "publication", "report"):
        assert any(name.startswith(f"{stage}/") for name in names), stage
    assert "settings.py" in names
    # ... the dbt project, the seeds and the GX suites too ...
    assert {"models", "macros", "seeds", "expectations", "dbt_project.yml"} <= covered_roots
    # ... but schedules, sensors, alerts and the synthetic generator do not: editing them
    # must not force a full refresh.
    assert not any(name.startswith(("operations/", "synthetic/")) for name in names)
    assert "definitions.py" not in names
