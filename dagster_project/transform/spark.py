"""dbt on Apache Spark: the built tables read back into the build database.

Spark reads the raw layer where ingestion wrote it, once, for every engine: the Parquet folders
under settings.raw_dir, one per table, partitioned by year where the table has one
(sources/raw_layer.py). The dbt project's on-run-start macro ``declare_raw_sources`` makes
each folder the Spark view ``raw.<table>``. After the build, the tables Spark wrote outside
staging are read back into the build database under the same names, so the GX gate, the
disclosure audit, publication and the report read exactly what they read after a DuckDB
build. On a real cluster the same folders are what a job uploads to the cluster's storage
(docs/spark.md).
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.settings import Settings


def tables_outside_staging(manifest: dict, left_out: list[str]) -> list[tuple[str, str]]:
    """(schema, table) of every seed and table-materialised model the night builds.

    That is what downstream of dbt reads. Staging is views over raw, person keys included, and
    stays on Spark; a model the night left out (left_out: plan.unaffected_models) keeps the
    copy read back on the night it was built.
    """
    return sorted(
        (node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["name"] not in left_out
        and (
            node["resource_type"] == "seed"
            or (
                node["resource_type"] == "model"
                and node["config"]["materialized"] in ("table", "incremental")
            )
        )
    )


def spark_table_folder(settings: Settings, schema: str, table: str) -> Path:
    """Where Spark keeps a managed table: <warehouse dir>/<database>.db/<table>."""
    return settings.spark_tables_dir / f"{schema}.db" / table


def read_back_tables(settings: Settings, tables: list[tuple[str, str]]) -> int:
    """Replace each (schema, table) in the build database by the Parquet files Spark wrote.

    Every table asked for was built tonight: one Spark has no folder for would leave an old
    copy to be published, so it stops the night instead. Returns the number read back.
    """
    read = 0
    with settings.connect() as conn:
        for schema, table in tables:
            folder = spark_table_folder(settings, schema, table)
            if not folder.is_dir():
                raise FileNotFoundError(
                    f"dbt on Spark built {schema}.{table}, but {folder} holds no table: "
                    "nothing is read back or published"
                )
            conn.execute(f"create schema if not exists {schema}")
            conn.execute(
                f"create or replace table {schema}.{table} as select * from read_parquet("
                f"'{folder}/**/*.parquet', hive_partitioning = true)"
            )
            read += 1
    return read
