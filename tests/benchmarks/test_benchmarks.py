"""The benchmark's (b) DuckDB floor and (c) pandas compute the platform's published mart values.

The benchmark only means something if all three compute the same thing; here they are held to
the publication of the shipped sample, and the agreement check must catch a changed value.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from tests.benchmark_commands import (
    compare,
    export_platform_values,
    render_report,
    run_implementation,
)
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def platform_values(refreshed: Refreshed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "platform.parquet"
    export_platform_values(refreshed.settings.published_db, out)
    return out


@pytest.mark.parametrize("module", ["benchmarks.floor", "benchmarks.pandas_marts"])
def test_the_implementation_publishes_the_platforms_mart_values(
    module: str, refreshed: Refreshed, platform_values: Path, tmp_path: Path
) -> None:
    out = tmp_path / "values.parquet"
    rows = run_implementation(module, refreshed.settings.landing_dir, out)
    agreement = compare(module, platform_values, out)
    assert agreement["agrees"], agreement["summary"]
    assert rows == agreement["reference_rows"] > 1000
    with duckdb.connect() as conn:
        suppressed, shown = conn.execute(
            f"select count(*) filter (is_suppressed), count(value) from '{out}'"
        ).fetchone()
    assert suppressed > 0 and shown > 0  # both sides of disclosure control are exercised


def test_the_agreement_check_catches_a_moved_value_and_a_lost_suppression(
    platform_values: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "changed.parquet"
    duckdb.execute(
        "create or replace temp table numbered as select *, row_number() over "
        f"(order by geography_level, geography_code, indicator_code, year) as n "
        f"from '{platform_values}' where value is not null"
    )
    duckdb.execute(
        "copy (select * exclude (n) replace ("
        "case when n = 1 then value + 0.2 else value end as value, "
        "case when n = 2 then not is_suppressed else is_suppressed end as is_suppressed"
        f") from numbered) to '{changed}' (format parquet)"
    )
    agreement = compare("changed", platform_values, changed)
    assert not agreement["agrees"]
    assert agreement["mismatches"]["value"] == 1
    assert agreement["mismatches"]["is_suppressed"] == 1
    assert agreement["missing"] > 0  # the rows without a value were left out
    assert "DISAGREES" in agreement["summary"]


def test_the_report_gives_each_target_its_verdict_from_the_measurements(tmp_path: Path) -> None:
    def run(name: str, wall: float, rss: float, **stages: float) -> dict:
        return {
            "name": name,
            "what": name,
            "wall_s": wall,
            "cpu_s": wall,
            "peak_rss_mb": rss,
            "succeeded": True,
            "stages_s": {"stage": wall / 2, **stages},
        }

    agree = {"name": "(b)", "rows": 10, "reference_rows": 10, "agrees": True}
    measured = {
        "scale": 1.0,
        "runs": [
            run(
                "a_full_refresh",
                100.0,
                1600.0,
                raw__labour_person_years=4.0,
                gx_gate=1.5,
                marts__fct_indicator_observation_disclosure_audit=12.5,
            ),
            run("b_duckdb_floor", 40.0, 500.0),
            run("c_pandas", 80.0, 3000.0),
            run("a_no_change_tick", 6.0, 200.0, schedule_tick=0.8),
            run("a_no_change", 25.0, 200.0),
            run("a_new_year", 30.0, 900.0),
        ],
        "agreement": [agree, agree],
        "labour_rows": 30_000_000,
    }
    source = tmp_path / "measured.json"
    source.write_text(json.dumps(measured))
    markdown, verdict = tmp_path / "report.md", tmp_path / "report.json"
    render_report(source, markdown, verdict)

    verdicts = {t["target"]: t["met"] for t in json.loads(verdict.read_text())["targets"]}
    assert verdicts == {
        "full refresh <= 10 x the floor, wall": True,  # 100 / 40 = 2.5
        "full refresh <= 15 x the floor, wall": True,
        "no-change night (the schedule's tick) <= 5 s": True,  # the tick, not the process
        "new register year <= 25% of a full refresh": False,  # 30 of 100
        "new register year <= 30% of a full refresh": True,  # 30 of 100, at the bound
        "full refresh peak RSS <= 1.5 GB": False,  # 1600 MB > 1536 MB
        "GX gate over the gated marts <= 2 s": True,
        "disclosure audit (feasibility intervals) <= 10 s": False,  # 12.5 s
        "labour register ingested at >= 5 M rows/s": True,  # 30 M rows in 4 s = 7.5 M/s
        "(a) faster than (c), wall": False,  # c/a = 0.8
        "(a) peak RSS <= half of (c)'s": False,  # 3000 / 1600 = 1.9
    }
    report = markdown.read_text()
    assert "| a/b | 2.5 | 2.5 | 3.2 |" in report
    assert "| (a) faster than (c), wall | c/a = 0.8 | NO |" in report
    assert "30,000,000 rows at 7.50 M rows/s" in report
    assert "## Stages of a_new_year" in report
