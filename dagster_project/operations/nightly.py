"""The nightly refresh: one job over every asset, a 02:00 schedule and a landing-folder sensor."""

import hashlib

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    sensor,
)

from dagster_project.settings import Settings

nightly_refresh = define_asset_job(
    name="nightly_refresh",
    selection=AssetSelection.all(),
    description=(
        "Load changed landing files, build the dbt star schema and marts, run every quality "
        "gate and publish only if all passed."
    ),
)

nightly_refresh_schedule = ScheduleDefinition(
    name="nightly_refresh_schedule",
    job=nightly_refresh,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=DefaultScheduleStatus.RUNNING,
)


def landing_fingerprint(settings: Settings) -> str:
    """A digest of every landing file's name, size and modification time.

    Cheap enough for a 60-second tick; ingestion itself compares SHA-256 checksums, so a touched
    but unchanged file starts a run that loads nothing.
    """
    landing = settings.landing_dir
    digest = hashlib.sha256()
    if landing.is_dir():
        for path in sorted(p for p in landing.rglob("*") if p.is_file()):
            stat = path.stat()
            digest.update(
                f"{path.relative_to(landing)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


@sensor(
    name="landing_folder_sensor",
    job=nightly_refresh,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Starts the refresh when a file in the landing folder is new or changed.",
)
def landing_folder_sensor(context: SensorEvaluationContext, settings: Settings):
    fingerprint = landing_fingerprint(settings)
    if fingerprint == context.cursor:
        return SkipReason("no new or changed landing files")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=f"landing-{fingerprint[:16]}", tags={"trigger": "landing_folder"})
