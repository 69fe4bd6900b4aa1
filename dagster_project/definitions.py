"""The one Definitions object: assets, checks, the job, schedule, sensor and resources."""

from __future__ import annotations

from dagster import AssetChecksDefinition, Definitions, in_process_executor

from dagster_project.disclosure.assets import disclosure_complements
from dagster_project.operations.alerts import refresh_failure_alert
from dagster_project.operations.freshness import freshness_checks
from dagster_project.operations.heartbeat import warehouse_heartbeat
from dagster_project.operations.housekeeping import housekeeping, housekeeping_schedule
from dagster_project.operations.nightly import (
    landing_folder_sensor,
    nightly_refresh,
    nightly_schedule,
)
from dagster_project.operations.statbank_fetch import fetch_statbank_folk1a
from dagster_project.operations.synthetic_extracts import generate_synthetic_extracts
from dagster_project.publication.postgres import published_postgres_asset
from dagster_project.publication.release import published_warehouse_asset
from dagster_project.quality.disclosure_audit import disclosure_audit_check
from dagster_project.quality.gate import GATE_CHECKS, MART_SCHEMA
from dagster_project.quality.scorecard import scorecard_asset
from dagster_project.report.assets import status_report
from dagster_project.resources import CprKey, DbtCli, PostgresTarget, RefreshLock, dbt_executable
from dagster_project.settings import Settings
from dagster_project.sources.assets import INGESTION_ASSETS
from dagster_project.transform.assets import DBT_ASSETS
from dagster_project.transform.project import dbt_project


def build_definitions(
    settings: Settings, audit_check: AssetChecksDefinition = disclosure_audit_check
) -> Definitions:
    """Everything the code location serves. audit_check is the disclosure audit; a test of the
    publication's own refusal gives a check with its key that ran and failed as it says."""
    mart_keys = [
        key for assets_def in DBT_ASSETS for key in assets_def.keys if key.path[0] == MART_SCHEMA
    ]
    assets = [
        *INGESTION_ASSETS,
        *DBT_ASSETS,
        disclosure_complements,
        published_warehouse_asset(mart_keys),
        scorecard_asset(mart_keys),
        status_report,
    ]
    resources = {
        "dbt": DbtCli(project_dir=dbt_project, dbt_executable=dbt_executable()),
        "settings": settings,
        "refresh_lock": RefreshLock(settings=settings),
        "cpr_key": CprKey.from_env(),
    }
    if settings.postgres_url:
        assets.append(published_postgres_asset())
        resources["postgres"] = PostgresTarget(conninfo=settings.postgres_url)
    return Definitions(
        assets=assets,
        asset_checks=[*GATE_CHECKS, audit_check, freshness_checks],
        jobs=[nightly_refresh, fetch_statbank_folk1a, generate_synthetic_extracts, housekeeping],
        schedules=[nightly_schedule(settings.refresh_cron), housekeeping_schedule],
        sensors=[landing_folder_sensor, refresh_failure_alert, warehouse_heartbeat],
        resources=resources,
        # DuckDB allows one writer process: steps run one after another in the run's process.
        executor=in_process_executor,
    )


defs = build_definitions(Settings.from_env())
