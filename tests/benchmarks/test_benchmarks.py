"""The benchmark's (b) DuckDB floor and (c) pandas compute the platform's published mart values.

The benchmark only means something if all three compute the same thing; here they are held to
the publication of the shipped sample, and the agreement check must catch a changed value.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from benchmarks.agreement import Agreement, compare, export_platform_values
from benchmarks.floor import run_floor
from benchmarks.measure import Measurement
from benchmarks.pandas_marts import run_pandas
from benchmarks.report import BenchmarkResult, as_json, markdown
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def platform_values(refreshed: Refreshed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "platform.parquet"
    export_platform_values(refreshed.settings.published_db, out)
    return out


@pytest.mark.parametrize("implementation", [run_floor, run_pandas], ids=["floor", "pandas"])
def test_the_implementation_publishes_the_platforms_mart_values(
    implementation, refreshed: Refreshed, platform_values: Path, tmp_path: Path
) -> None:
    out = tmp_path / "values.parquet"
    rows = implementation(refreshed.settings.landing_dir, out)
    agreement = compare(implementation.__name__, platform_values, out)
    assert agreement.agrees, agreement.summary()
    assert rows == agreement.reference_rows > 1000
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
    assert not agreement.agrees
    assert agreement.mismatches["value"] == 1
    assert agreement.mismatches["is_suppressed"] == 1
    assert agreement.missing > 0  # the rows without a value were left out
    assert "DISAGREES" in agreement.summary()


def test_the_report_gives_each_target_its_verdict_from_the_measurements() -> None:
    def run(name: str, wall: float, rss: float) -> Measurement:
        return Measurement(name, name, wall, wall, rss, True, {"stage": wall / 2})

    runs = {
        "a_full_refresh": run("a_full_refresh", 100.0, 1000.0),
        "b_duckdb_floor": run("b_duckdb_floor", 40.0, 500.0),
        "c_pandas": run("c_pandas", 80.0, 3000.0),
        "a_no_change": run("a_no_change", 25.0, 200.0),
        "a_new_year": run("a_new_year", 30.0, 900.0),
    }
    agree = Agreement("(b)", rows=10, reference_rows=10)
    result = BenchmarkResult(1.0, runs, [agree], agree)

    verdicts = {t["target"]: t["met"] for t in as_json(result)["targets"]}
    assert verdicts == {
        "(a) <= 3 x (b), wall": True,  # 2.5
        "(a) faster than (c)": False,  # c/a = 0.8
        "(a) peak RSS <= half of (c)'s": True,  # 3.0
        "(a) peak RSS <= 4 GB": True,
        "no changed file <= 20 s": False,
        "new year well under a full refresh (<= 1/2)": True,
    }
    report = markdown(result)
    assert "| a/b | 2.5 | 2.5 | 2.0 |" in report
    assert "| (a) faster than (c) | c/a = 0.8 | NO |" in report
    assert "## Stages of a_new_year" in report
