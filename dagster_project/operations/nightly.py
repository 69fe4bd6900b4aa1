"""The nightly refresh: one job over every asset, a 02:00 schedule and a landing-folder sensor."""

import hashlib

from dagster import (
    AssetSelection,
    DagsterInstance,
    DagsterRunStatus,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from dagster_project.operations.freshness import freshness_checks
from dagster_project.publication.currency import confirmation
from dagster_project.settings import Settings
from dagster_project.transform.plan import night_plan

# Everything but the freshness checks, which ask whether the nights keep up: the heartbeat
# sensor evaluates them between nights (operations/freshness.py).
nightly_refresh = define_asset_job(
    name="nightly_refresh",
    selection=AssetSelection.all() - AssetSelection.checks(freshness_checks),
    description=(
        "Load changed landing files, build the dbt star schema and marts, run every quality "
        "gate and publish only if all passed."
    ),
)


# A refresh of this job that has not ended: the schedule does not queue a second one behind it.
UNFINISHED = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
]


def refresh_under_way(instance: DagsterInstance) -> str | None:
    """The id of a nightly refresh that is queued or running, if there is one."""
    records = instance.get_run_records(
        RunsFilter(job_name=nightly_refresh.name, statuses=UNFINISHED), limit=1
    )
    return records[0].dagster_run.run_id if records else None


def nightly_schedule(cron_schedule: str = "0 2 * * *") -> ScheduleDefinition:
    """The refresh schedule; definitions.py builds it with Settings.refresh_cron (the soak runs
    a night a minute)."""

    @schedule(
        name="nightly_refresh_schedule",
        job=nightly_refresh,
        cron_schedule=cron_schedule,
        execution_timezone="Europe/Copenhagen",
        default_status=DefaultScheduleStatus.RUNNING,
        description=(
            "The refresh at 02:00, Danish time, when anything is new: a night with no new "
            "landing file and no changed project is a skipped tick, not a run that finds "
            "nothing to do."
        ),
    )
    def nightly_refresh_schedule(context: ScheduleEvaluationContext, settings: Settings):
        running = refresh_under_way(context.instance)
        if running:
            return SkipReason(f"refresh {running} is queued or running: it takes what is new")
        plan = night_plan(settings)
        if plan.current:
            # The skip is itself news: the publication was checked and is current (freshness).
            context.instance.report_runless_asset_event(
                confirmation("schedule", "every landing file is in the publication")
            )
            return SkipReason(
                "nothing new: every landing file is ingested and the publication is current "
                "(`dagster job execute -j nightly_refresh` runs it anyway)"
            )
        context.log.info(plan.reason)
        return RunRequest(tags={"trigger": "schedule"})

    return nightly_refresh_schedule


def landing_fingerprint(settings: Settings) -> str:
    """A digest of every landing file's name, size and modification time.

    Cheap enough for a 60-second tick: the night's plan, which checksums every file, is asked
    only when this changed.
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
    plan = night_plan(settings)
    if plan.current:
        # A file touched or copied over with the same bytes: its checksum is the ingested one.
        return SkipReason(f"landing files touched, but {plan.reason}")
    return RunRequest(run_key=f"landing-{fingerprint[:16]}", tags={"trigger": "landing_folder"})
