"""Housekeeping: what an instance that runs for years must forget.

Dagster's own retention (dagster.yaml, operations/instance.py) purges sensor and schedule
ticks, but keeps every run and its event log for ever; and each `make run` leaves two files in
warehouse/logs. A daily job deletes both once older than ``history_days`` (90 by default).
It never touches the warehouse itself: the releases keep their own count (publication/release.py).
"""

from datetime import UTC, datetime, timedelta

from dagster import (
    DefaultScheduleStatus,
    OpExecutionContext,
    RunsFilter,
    ScheduleDefinition,
    job,
    op,
)

from dagster_project.settings import Settings


def forget_before(instance, settings: Settings, cutoff: datetime) -> tuple[int, int]:
    """Delete finished runs created before ``cutoff`` and log files last written before it."""
    runs = 0
    for record in instance.get_run_records(RunsFilter(created_before=cutoff)):
        if record.dagster_run.is_finished:
            instance.delete_run(record.dagster_run.run_id)
            runs += 1
    files = 0
    if settings.logs_dir.is_dir():
        for path in settings.logs_dir.iterdir():
            if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
                path.unlink()
                files += 1
    return runs, files


@op(description="Deletes runs, their event logs and warehouse/logs files older than history_days.")
def forget_old_history(context: OpExecutionContext, settings: Settings) -> None:
    cutoff = datetime.now(UTC) - timedelta(days=settings.history_days)
    runs, files = forget_before(context.instance, settings, cutoff)
    context.log.info(
        f"deleted {runs} runs and {files} log files from before {cutoff:%Y-%m-%d} "
        f"(history_days {settings.history_days})"
    )


@job(description="Forgets run history and log files older than history_days (a daily schedule).")
def housekeeping() -> None:
    forget_old_history()


housekeeping_schedule = ScheduleDefinition(
    name="housekeeping_schedule",
    job=housekeeping,
    cron_schedule="30 3 * * *",
    execution_timezone="Europe/Copenhagen",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Daily at 03:30, after the night: forget history older than history_days.",
)
