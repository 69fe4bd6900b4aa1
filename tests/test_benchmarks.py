"""The benchmark's (b) DuckDB floor and (c) pandas compute the platform's published mart values.

The benchmark only means something if all three compute the same thing; here they are held to
the publication of the shipped sample, and the agreement check must catch a changed value.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from benchmarks.agreement import compare, export_platform_values
from benchmarks.floor import run_floor
from benchmarks.pandas_marts import run_pandas

from .conftest import Refreshed

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
