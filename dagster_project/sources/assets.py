"""One Dagster asset per landing source, keyed raw/<table> so dbt's sources attach to it."""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_duckdb import DuckDBResource

from dagster_project.resources import RefreshLock, WarehouseSettings
from dagster_project.sources.boernedatabasen import BOERNEDATABASEN
from dagster_project.sources.cluster_status import CLUSTER_STATUS
from dagster_project.sources.education import EDUCATION
from dagster_project.sources.folk1a import FOLK1A
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import IngestionReport, RawSource, sync_source
from dagster_project.sources.sundhedsprofilen import SUNDHEDSPROFILEN
from dagster_project.sources.trivsel import TRIVSEL

OWNERS = ["team:sundhedsdata"]


def _files_table(report: IngestionReport) -> str:
    lines = ["| file | rows | sha256 | synthetic | loaded at |", "|---|---:|---|---|---|"]
    lines += [
        f"| {f['file']} | {f['rows']:,} | `{f['sha256'][:16]}…` | {f['synthetic']} "
        f"| {f['loaded_at']} |"
        for f in report.loaded
    ]
    return "\n".join(lines)


def ingestion_asset(source: RawSource):
    @asset(
        key=AssetKey(["raw", source.table]),
        group_name="ingestion",
        owners=OWNERS,
        kinds={"duckdb"},
        description=f"{source.description} Loaded from landing/{source.name}/.",
    )
    def _ingest(
        context: AssetExecutionContext,
        duckdb: DuckDBResource,
        warehouse: WarehouseSettings,
        refresh_lock: RefreshLock,
    ) -> MaterializeResult:
        settings = warehouse.settings
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        # dagster-duckdb's get_connection does not close the connection when the body raises,
        # so the error is carried out of the block before it is raised.
        failure: Exception | None = None
        with duckdb.get_connection() as conn:
            try:
                report = sync_source(
                    conn,
                    source,
                    settings.landing_dir,
                    settings.quarantine_dir,
                    progress=context.log.info,
                )
            except Exception as error:
                failure = error
        if isinstance(failure, LandingFileError):
            raise Failure(
                description=f"{source.name}: {failure} - the file was moved to quarantine",
                metadata={"file": failure.file, "rule": failure.rule, "row": failure.row or 0},
            ) from failure
        if failure is not None:
            raise failure
        if report.changed:
            context.log.info(
                f"{source.name}: loaded {len(report.loaded)} file(s), removed "
                f"{len(report.removed)}, {len(report.unchanged)} unchanged"
            )
        else:
            context.log.info(f"{source.name}: no new or changed files; raw.{source.table} kept")
        return MaterializeResult(
            metadata={
                "dagster/row_count": report.total_rows,
                "files_loaded": MetadataValue.md(_files_table(report)) if report.loaded else "none",
                "files_unchanged": len(report.unchanged),
                "files_removed": MetadataValue.json(report.removed),
                "skipped_unchanged": not report.changed,
            }
        )

    return _ingest


SOURCES = [FOLK1A, SUNDHEDSPROFILEN, BOERNEDATABASEN, TRIVSEL, LABOUR, EDUCATION, CLUSTER_STATUS]

INGESTION_ASSETS = [ingestion_asset(source) for source in SOURCES]
