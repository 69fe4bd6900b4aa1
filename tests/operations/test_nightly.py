"""Schedule, sensor and the pure helpers of the Dagster code location."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from pathlib import Path

import pytest
from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    RunRequest,
    SkipReason,
    build_schedule_context,
    build_sensor_context,
    instance_for_test,
)
from dagster._core.test_utils import create_run_for_test

from dagster_project.definitions import build_definitions
from dagster_project.operations.nightly import landing_folder_sensor, nightly_schedule
from dagster_project.publication.currency import PUBLISHED_WAREHOUSE, last_confirmed_current
from dagster_project.settings import Settings
from dagster_project.transform.assets import dbt_build_args
from tests.conftest import Refreshed, settings_in


def test_the_refresh_runs_at_two_oclock_copenhagen_time(tmp_path: Path) -> None:
    shipped = build_definitions(settings_in(tmp_path)).resolve_schedule_def(
        "nightly_refresh_schedule"
    )
    assert shipped.cron_schedule == "0 2 * * *"
    assert shipped.execution_timezone == "Europe/Copenhagen"
    assert shipped.job_name == "nightly_refresh"


def test_dbt_build_receives_the_configured_disclosure_thresholds(tmp_path: Path) -> None:
    settings = Settings.in_folders(
        tmp_path,
        tmp_path,
        tmp_path,
        min_cell_count=10,
        min_survey_respondents=50,
        protection_level=2,
        education_min_age=30,
        region_code="081",
        survey_finite_population_correction=True,
        duckdb_memory_limit="700MB",
        spark_master="spark://master.example:7077",
        spark_driver_memory="6g",
    )
    args = dbt_build_args(settings)
    assert args[:4] == ["build", "--target", "duckdb", "--vars"]
    on_spark = dbt_build_args(settings.replace(dbt_target="spark"))
    assert on_spark[:3] == ["build", "--target", "spark"]
    assert json.loads(args[4]) == {
        "min_cell_count": 10,
        "min_survey_respondents": 50,
        "protection_level": 2,
        "education_min_age": 30,
        "region_code": "081",
        "country_code": "000",
        "survey_finite_population_correction": True,
        # Where and with what dbt runs: as arguments, not through the process's environment.
        "warehouse_dir": str(tmp_path),
        "duckdb_memory_limit": "700MB",
        "raw_dir": str(tmp_path / "raw"),
        "spark_master": "spark://master.example:7077",
        "spark_driver_memory": "6g",
    }


def test_the_landing_sensor_starts_a_run_only_when_a_file_is_new_or_changed(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    folder = tmp_path / "landing" / "folk1a"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text("OMRÅDE;KØN;ALDER;TID;INDHOLD\n")

    def tick(cursor: str | None):
        context = build_sensor_context(cursor=cursor, resources={"settings": settings})
        return landing_folder_sensor(context), context.cursor

    first, cursor = tick(None)
    assert isinstance(first, RunRequest)
    unchanged, same_cursor = tick(cursor)
    assert isinstance(unchanged, SkipReason) and same_cursor == cursor
    (folder / "b.csv").write_text("OMRÅDE;KØN;ALDER;TID;INDHOLD\n")
    changed, new_cursor = tick(cursor)
    assert isinstance(changed, RunRequest) and new_cursor != cursor
    assert changed.run_key != first.run_key


def test_the_landing_sensor_starts_no_run_for_a_file_copied_over_with_the_same_bytes(
    fresh_copy: Refreshed,
) -> None:
    """The sensor's cheap look (names, sizes, times) sees the copy; the night's plan, asked
    next, finds the checksum the one ingested and published."""
    settings = fresh_copy.settings
    survey = sorted((settings.landing_dir / "sundhedsprofilen").glob("*.csv"))[-1]

    def tick(cursor: str | None):
        context = build_sensor_context(cursor=cursor, resources={"settings": settings})
        return landing_folder_sensor(context), context.cursor

    quiet, cursor = tick(None)
    assert isinstance(quiet, SkipReason) and "every landing file is in the publication" in str(
        quiet.skip_message
    )
    survey.write_bytes(survey.read_bytes())  # the same bytes, a new modification time
    os.utime(survey, ns=(survey.stat().st_atime_ns, survey.stat().st_mtime_ns + 10**9))
    touched, touched_cursor = tick(cursor)
    assert isinstance(touched, SkipReason) and touched_cursor != cursor
    survey.write_bytes(survey.read_bytes() + survey.read_bytes().splitlines(keepends=True)[-1])
    changed, _ = tick(touched_cursor)
    assert isinstance(changed, RunRequest)


def _scheduled_tick(settings: Settings, instance: DagsterInstance | None = None):
    with ExitStack() as stack:
        if instance is None:
            instance = stack.enter_context(instance_for_test())
        # Entered as the daemon does: the context opens its own instance from the reference
        # and must close it (left open, it stays Dagster's current one after the test).
        context = stack.enter_context(
            build_schedule_context(instance=instance, resources={"settings": settings})
        )
        return nightly_schedule().evaluate_tick(context)


def test_the_schedule_skips_a_night_with_nothing_new_and_runs_when_anything_changed(
    fresh_copy: Refreshed, tmp_path: Path
) -> None:
    settings = fresh_copy.settings
    with instance_for_test() as instance:
        quiet = _scheduled_tick(settings, instance)
        # The skip says the publication is current: the freshness check's evidence.
        (observation,) = instance.fetch_observations(PUBLISHED_WAREHOUSE, limit=5).records
        assert last_confirmed_current(instance).timestamp() == pytest.approx(observation.timestamp)
    assert quiet.run_requests == [] and "nothing new" in quiet.skip_message

    stricter = _scheduled_tick(settings.replace(min_cell_count=settings.min_cell_count + 1))
    assert len(stricter.run_requests) == 1, "a changed threshold changes what is published"

    survey = sorted((settings.landing_dir / "sundhedsprofilen").glob("*.csv"))[-1]
    survey.write_bytes(survey.read_bytes() + survey.read_bytes().splitlines(keepends=True)[-1])
    delivered = _scheduled_tick(settings)
    assert len(delivered.run_requests) == 1, "a changed landing file is work"
    survey.unlink()
    assert len(_scheduled_tick(settings).run_requests) == 1, "so is a removed one"


def test_the_schedule_runs_when_there_is_no_warehouse_yet(tmp_path: Path) -> None:
    assert len(_scheduled_tick(settings_in(tmp_path)).run_requests) == 1


def test_the_schedule_starts_no_second_refresh_beside_one_under_way(tmp_path: Path) -> None:
    with instance_for_test() as instance:
        run = create_run_for_test(
            instance, job_name="nightly_refresh", status=DagsterRunStatus.STARTED
        )
        waiting = _scheduled_tick(settings_in(tmp_path), instance)
        assert waiting.run_requests == []
        assert run.run_id in waiting.skip_message
        instance.report_run_failed(run)
        assert len(_scheduled_tick(settings_in(tmp_path), instance).run_requests) == 1


def test_settings_read_whole_numbers_and_switches_from_the_environment() -> None:
    settings = Settings.from_env(
        {"SUNDHEDSDATA_MIN_CELL_COUNT": "7", "SUNDHEDSDATA_SURVEY_FPC": "true"}
    )
    assert settings.min_cell_count == 7
    assert settings.survey_finite_population_correction is True
    assert (
        Settings.from_env({"SUNDHEDSDATA_SURVEY_FPC": "0"}).survey_finite_population_correction
        is False
    )
    assert Settings.from_env({}).survey_finite_population_correction is False
    with pytest.raises(
        ValueError, match="SUNDHEDSDATA_SURVEY_FPC must be true or false, got 'maybe'"
    ):
        Settings.from_env({"SUNDHEDSDATA_SURVEY_FPC": "maybe"})
