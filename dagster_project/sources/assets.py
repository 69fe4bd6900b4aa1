"""One Dagster asset per landing source, keyed raw/<table> so dbt's sources attach to it."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.resources import WAREHOUSE_POOL, CprKey, RefreshLock
from dagster_project.settings import Settings
from dagster_project.sources.boernedatabasen import BOERNEDATABASEN
from dagster_project.sources.cluster_status import CLUSTER_STATUS
from dagster_project.sources.education import EDUCATION
from dagster_project.sources.folk1a import FOLK1A
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import IngestionReport, RawSource, sync_source
from dagster_project.sources.register_counts import REGISTER_COUNTS
from dagster_project.sources.sundhedsprofilen import SUNDHEDSPROFILEN
from dagster_project.sources.sundhedsprofilen_estimates import SUNDHEDSPROFILEN_ESTIMATES
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


COVERAGE_CHECK = "municipality_coverage"


def coverage_check(report: IngestionReport) -> AssetCheckResult:
    """A warning, never a silent drop: a year now covers fewer municipalities than it did."""
    drops = [
        f"{year}: {after} municipalities where the previous delivery had {before}"
        for year, before, after in report.coverage_drops
    ]
    return AssetCheckResult(
        check_name=COVERAGE_CHECK,
        passed=not drops,
        severity=AssetCheckSeverity.WARN,
        description="; ".join(drops) or "no year covers fewer municipalities than before",
        metadata={"years_with_fewer_municipalities": MetadataValue.json(drops)},
    )


SKIPPED_CHECK = "rows_left_out"


def skipped_check(report: IngestionReport) -> AssetCheckResult:
    """A warning, never an error and never silent: rows kept in raw that nothing uses."""
    counted = [f"{name!r}: {rows} rows" for name, rows in report.skipped.items()]
    return AssetCheckResult(
        check_name=SKIPPED_CHECK,
        passed=not counted,
        severity=AssetCheckSeverity.WARN,
        description=(
            "rows of indicators the seeds do not know, left out: " + "; ".join(counted)
            if counted
            else "every row is of a known indicator"
        ),
        metadata={"rows_left_out": MetadataValue.json(report.skipped)},
    )


def ingestion_asset(source: RawSource):
    key = AssetKey(["raw", source.table])
    checks = (
        [
            AssetCheckSpec(
                COVERAGE_CHECK,
                asset=key,
                description=(
                    "Warns when a delivery covers fewer municipalities for a year than the "
                    "previous delivery for that year did."
                ),
            )
        ]
        if source.coverage
        else []
    )
    if source.skipped:
        checks.append(
            AssetCheckSpec(
                SKIPPED_CHECK,
                asset=key,
                description=(
                    "Warns about rows of indicator names seeds/published_indicator_names.csv "
                    "does not know: kept in raw, left out of the marts, counted by name."
                ),
            )
        )

    @asset(
        key=key,
        check_specs=checks,
        pool=WAREHOUSE_POOL,
        group_name="ingestion",
        owners=OWNERS,
        kinds={"duckdb"},
        description=f"{source.description} Loaded from landing/{source.name}/.",
    )
    def _ingest(
        context: AssetExecutionContext,
        settings: Settings,
        refresh_lock: RefreshLock,
        cpr_key: CprKey,
    ) -> MaterializeResult:
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        # The error is carried out of the block, so the connection is closed before the
        # quarantine message is raised.
        failure: Exception | None = None
        with settings.connect() as conn:
            try:
                report = sync_source(
                    conn,
                    source,
                    settings.landing_dir,
                    settings.quarantine_dir,
                    progress=context.log.info,
                    cpr_key=cpr_key.key,
                    raw_dir=settings.raw_dir,
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
        if not report.is_delivered:
            context.log.warning(
                f"{source.name}: no delivery yet (landing/{source.name}/ holds no file); its "
                "indicators are left out until one arrives"
            )
        elif report.changed:
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
                "files_loaded_count": len(report.loaded),
                "files_unchanged": len(report.unchanged),
                "files_removed": MetadataValue.json(report.removed),
                "skipped_unchanged": not report.changed,
                "delivered": report.is_delivered,
                **({"rows_left_out": MetadataValue.json(report.skipped)} if source.skipped else {}),
            },
            check_results=[
                *([coverage_check(report)] if source.coverage else []),
                *([skipped_check(report)] if source.skipped else []),
            ],
        )

    return _ingest


SOURCES = [
    FOLK1A,
    SUNDHEDSPROFILEN,
    SUNDHEDSPROFILEN_ESTIMATES,
    BOERNEDATABASEN,
    TRIVSEL,
    LABOUR,
    EDUCATION,
    REGISTER_COUNTS,
    CLUSTER_STATUS,
]

INGESTION_ASSETS = [ingestion_asset(source) for source in SOURCES]
