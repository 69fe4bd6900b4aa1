"""dbt on Apache Spark: the raw layer handed over as Parquet, and the built tables read back.

Ingestion and its contracts stay on DuckDB whichever engine builds the models: the raw layer is
always `raw.*` in the build database. With the setting ``dbt_target = "spark"`` the dbt asset
first exports every raw table as Parquet, one folder per table, partitioned by the year the
rows report on where the table has one (``RawSource.year_column``); the dbt project's
on-run-start macro ``declare_raw_sources`` makes each folder the Spark view ``raw.<table>``.
After the build, the tables Spark wrote outside staging are read back into the build database
under the same names, so the GX gate, the disclosure audit, publication and the report read
exactly what they read after a DuckDB build.

The handover is written beside the live folder and switched in by renaming, so a failed export
never leaves Spark a half-written raw layer. A night that knows which raw tables changed
(``NightPlan.changed_tables``) exports only those; every other table's files are hard-linked
from the live folder into the new one, which costs nothing and keeps the switch whole. On a
real cluster the same folders are what a job uploads to the cluster's storage (docs/spark.md).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import Settings
from dagster_project.sources.assets import SOURCES


@dataclass(frozen=True)
class HandedOver:
    table: str
    rows: int
    partitioned_by: str | None
    kept: bool = False  # unchanged since the last handover: its files were linked, not written


def export_raw_layer(
    settings: Settings, changed: tuple[str, ...] | None = None
) -> list[HandedOver]:
    """Every source's raw table as Parquet under settings.raw_parquet_dir, switched in whole.

    With ``changed`` (raw table names) only those are exported again; a table outside it keeps
    its live files, linked into the new folder. A table the live folder lacks is exported.
    """
    live = settings.raw_parquet_dir
    incoming = live.with_name(live.name + ".incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    exported = []
    with settings.connect(read_only=True) as conn:
        for source in SOURCES:
            folder = incoming / source.table
            rows = conn.execute(f"select count(*) from raw.{source.table}").fetchone()[0]
            partition = source.year_column if rows else None
            if (
                changed is not None
                and source.table not in changed
                and (live / source.table).is_dir()
            ):
                shutil.copytree(live / source.table, folder, copy_function=os.link)
                exported.append(HandedOver(source.table, rows, partition, kept=True))
                continue
            if partition:
                # Hive layout (year=2024/...): Spark reads the year from the folder names.
                conn.execute(
                    f"copy raw.{source.table} to '{folder}' "
                    f"(format parquet, partition_by ({partition}))"
                )
            else:
                # An empty table still needs a file: it carries the schema Spark reads.
                folder.mkdir()
                conn.execute(
                    f"copy raw.{source.table} to '{folder / 'part-0.parquet'}' (format parquet)"
                )
            exported.append(HandedOver(source.table, rows, partition))
    previous = live.with_name(live.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if live.exists():
        live.rename(previous)
    incoming.rename(live)
    shutil.rmtree(previous, ignore_errors=True)
    return exported


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
