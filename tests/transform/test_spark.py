"""The dbt project on Apache Spark: the nightly job with SUNDHEDSDATA_DBT_TARGET=spark.

pyspark in local mode, on the machine's Java (installed by scripts/ci-services). One run of the
whole nightly job on Spark, against the DuckDB-built publication of the same landing files.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dagster_project.definitions import build_definitions
from dagster_project.quality.gate import GATED_MARTS
from dagster_project.settings import Settings
from dagster_project.transform.assets import dbt_build_args
from dagster_project.transform.plan import night_plan
from tests.conftest import Refreshed, run_nightly

pytestmark = pytest.mark.slow


def _tables(database: Path) -> dict[str, list[tuple]]:
    """Every table of a publication as sorted rows, floats rounded so engines' last bits agree."""
    with duckdb.connect(str(database), read_only=True) as conn:
        names = [r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()]
        tables = {}
        for name in names:
            if name == "_publication":
                continue
            columns = [c[0] for c in conn.execute(f'describe "{name}"').fetchall()]
            rows = conn.execute(
                f'select {", ".join(columns)} from "{name}"'  # by name: the same column order
            ).fetchall()
            rounded = [
                tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows
            ]
            tables[name] = [
                columns,
                *sorted(rounded, key=lambda r: [(v is None, str(v)) for v in r]),
            ]
        return tables


@pytest.fixture(scope="module")
def on_spark(tmp_path_factory: pytest.TempPathFactory, refreshed: Refreshed) -> Refreshed:
    """The refreshed sample's warehouse, refreshed again by the nightly job on Spark."""
    import shutil

    root = tmp_path_factory.mktemp("spark")
    shutil.copytree(refreshed.root / "landing", root / "landing")
    shutil.copytree(
        refreshed.settings.warehouse_dir,
        root / "warehouse",
        ignore=shutil.ignore_patterns("gx", "data_docs", "dbt_target"),
        symlinks=True,
    )
    settings = Settings.in_folders(
        root / "landing", root / "quarantine", root / "warehouse", dbt_target="spark"
    )
    defs = build_definitions(settings)
    result = run_nightly(defs, refreshed.instance)
    return Refreshed(root, settings, defs, refreshed.instance, result)


def test_the_nightly_job_on_spark_publishes_exactly_what_duckdb_published(
    refreshed: Refreshed, on_spark: Refreshed
) -> None:
    assert on_spark.result.success
    # Built anew: the engine is part of what the last publication was built from.
    published = duckdb.connect(str(on_spark.settings.published_db), read_only=True)
    with published:
        run_id = published.execute("select run_id from _publication").fetchone()[0]
    assert run_id == on_spark.result.run_id
    # dbt ran on Spark: its tables are Spark's Parquet folders, marts among them.
    marts = on_spark.settings.spark_tables_dir / "marts.db"
    assert {p.name for p in marts.iterdir()} >= set(GATED_MARTS)

    on_duckdb = _tables(refreshed.settings.published_db)
    built_on_spark = _tables(on_spark.settings.published_db)
    assert set(built_on_spark) == set(on_duckdb)
    assert len(on_duckdb) > 20
    for table, rows in on_duckdb.items():
        assert built_on_spark[table] == rows, table


def test_the_gate_validated_the_marts_read_back_from_spark(on_spark: Refreshed) -> None:
    evaluations = on_spark.result.get_asset_check_evaluations()
    gate = {e.check_name: e.passed for e in evaluations if e.check_name.startswith("gx_")}
    assert gate == {f"gx_{mart}": True for mart in GATED_MARTS}
    # The Parquet release is the same release: one file per published table.
    with duckdb.connect(str(on_spark.settings.published_db), read_only=True) as conn:
        tables = {r[0] for r in conn.execute("select table_name from duckdb_tables()").fetchall()}
    parquet = {p.stem for p in on_spark.settings.published_dir.glob("*.parquet")}
    assert parquet == tables


def test_spark_read_the_raw_layer_ingestion_wrote_one_folder_per_table_by_year(
    on_spark: Refreshed,
) -> None:
    """No export for Spark: the raw folders are the ones DuckDB's raw views read."""
    folder = on_spark.settings.raw_dir
    assert not (on_spark.settings.warehouse_dir / "raw_parquet").exists()
    labour = folder / "labour_person_years"
    # The sample holds the labour register for 2024 and 2025 (Makefile: sample).
    assert sorted(p.name for p in labour.iterdir()) == [
        ".layout",
        "_landing_files",
        "year=2024",
        "year=2025",
    ]
    # The sample's labour files are of the raw layer's types, stored as delivered: Spark read
    # their stamps from the folder's stamps table, not from the files.
    assert sorted(p.name.split(".", 1)[1] for p in labour.glob("year=*/*")) == [
        "delivered.parquet",
        "delivered.parquet",
    ]
    with duckdb.connect() as conn:
        stored = conn.execute(
            f"select count(*), count(distinct year) from read_parquet('{labour}/**/*.parquet', "
            "hive_partitioning = true)"
        ).fetchone()
    with duckdb.connect(str(on_spark.settings.build_db), read_only=True) as conn:
        raw = conn.execute(
            "select count(*), count(distinct year) from raw.labour_person_years"
        ).fetchone()
        views = conn.execute(
            "select sql from duckdb_views() where schema_name = 'raw' "
            "and view_name = 'labour_person_years'"
        ).fetchone()[0]
    assert stored == raw
    assert str(labour) in views  # the build database reads the same folder
    # A table without a year column of its own is one folder of files, one a landing file.
    folk1a = sorted(p.name for p in (folder / "folk1a_population").iterdir())
    landed = list((on_spark.root / "landing" / "folk1a").glob("*.csv"))
    assert len(folk1a) == 2 + len(landed) and folk1a[:2] == [".layout", "_landing_files"]
    assert all(name.endswith(".parquet") for name in folk1a[2:])


def test_the_spark_night_builds_with_the_spark_target_and_the_next_night_builds_nothing(
    on_spark: Refreshed,
) -> None:
    args = dbt_build_args(on_spark.settings)
    assert args[:3] == ["build", "--target", "spark"]
    assert json.loads(args[4])["protection_level"] == on_spark.settings.protection_level
    # After the Spark night, nothing changed: the next night on Spark builds nothing.
    assert night_plan(on_spark.settings).current
