"""Running unattended: the instance's configuration, a dead run's detection, freshness, the
heartbeat, housekeeping and restoring a release. Real instances, processes and files; the
expected limits are worked out by hand from the defaults (26 hours; 12 months = 365 days plus
61 days' grace)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from dagster import (
    AssetCheckSeverity,
    DagsterInstance,
    DagsterRunStatus,
    build_sensor_context,
    instance_for_test,
    job,
    op,
)
from dagster._core.events import EngineEventData
from dagster._core.launcher import WorkerStatus
from dagster._core.test_utils import create_run_for_test

from dagster_project.operations.freshness import delivery_verdict, publication_verdict
from dagster_project.operations.heartbeat import beat, check_heartbeat
from dagster_project.operations.housekeeping import forget_before
from dagster_project.operations.instance import HEADER, write_instance_config
from dagster_project.operations.releases import list_releases, restore_release
from dagster_project.operations.run_launcher import LocalRunLauncher, process_is_alive
from dagster_project.publication.currency import confirmation
from dagster_project.publication.release import publish_database
from dagster_project.settings import REPO_ROOT
from dagster_project.sources.deliveries import newest_delivery
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.sundhedsprofilen import SUNDHEDSPROFILEN
from tests.conftest import Refreshed, settings_in

NOW = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


# --- the instance ------------------------------------------------------------------------------


def test_the_instance_config_turns_on_monitoring_and_off_telemetry(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    write_instance_config(settings, tmp_path / "home")
    config = yaml.safe_load((tmp_path / "home" / "dagster.yaml").read_text())
    assert config["telemetry"] == {"enabled": False}
    assert config["nux"] == {"enabled": False}
    assert config["run_monitoring"]["enabled"] is True
    assert config["run_monitoring"]["max_runtime_seconds"] == 240 * 60
    assert config["concurrency"]["pools"] == {"granularity": "run", "default_limit": 1}
    assert "storage" not in config  # SQLite under DAGSTER_HOME
    # Dagster itself accepts it: the instance loads, with the launcher that checks pids.
    with DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        assert instance.run_monitoring_enabled
        assert instance.run_monitoring_max_runtime_seconds == 14400


def test_postgres_storage_is_a_reference_to_the_variable_never_the_url(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"must be a URL starting with postgresql\+psycopg2://"):
        settings_in(tmp_path).replace(instance_postgres_url="postgresql://db.example/dagster")
    secret = "postgresql+psycopg2://dagster:s3cret@db.example/dagster"
    write_instance_config(settings_in(tmp_path).replace(instance_postgres_url=secret), tmp_path)
    text = (tmp_path / "dagster.yaml").read_text()
    assert "s3cret" not in text
    assert yaml.safe_load(text)["storage"] == {
        "postgres": {"postgres_url": {"env": "SUNDHEDSDATA_INSTANCE_POSTGRES_URL"}}
    }


def test_the_instance_keeps_its_runs_in_postgresql_when_a_url_is_set(
    tmp_path: Path, postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    # Dagster's PostgreSQL storage takes a URL (SQLAlchemy's), not libpq's key=value form.
    parts = conninfo_to_dict(postgres_database)
    url = (
        f"postgresql+psycopg2://{parts['user']}:{parts['password']}@{parts['host']}:"
        f"{parts.get('port', 5432)}/{parts['dbname']}"
    )
    monkeypatch.setenv("SUNDHEDSDATA_INSTANCE_POSTGRES_URL", url)
    settings = settings_in(tmp_path).replace(instance_postgres_url=url)
    write_instance_config(settings, tmp_path / "home")
    with DagsterInstance.from_config(str(tmp_path / "home")) as instance:
        run_id = _small.execute_in_process(instance=instance).run_id
    import psycopg

    with psycopg.connect(postgres_database) as conn:
        stored = conn.execute("select run_id, status from runs").fetchall()
    assert stored == [(run_id, "SUCCESS")]


def test_a_dagster_yaml_written_by_hand_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: true\n")
    said = write_instance_config(settings_in(tmp_path), tmp_path)
    assert "written by hand" in said
    assert (tmp_path / "dagster.yaml").read_text() == "telemetry:\n  enabled: true\n"
    (tmp_path / "dagster.yaml").write_text(HEADER + "telemetry:\n  enabled: true\n")
    write_instance_config(settings_in(tmp_path), tmp_path)
    assert yaml.safe_load((tmp_path / "dagster.yaml").read_text())["nux"] == {"enabled": False}


# --- a run whose process died -------------------------------------------------------------------


def test_a_process_is_alive_until_it_exits_and_a_zombie_is_not(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert process_is_alive(process.pid)
    process.kill()
    time.sleep(0.5)  # exited, not reaped: a zombie
    assert not process_is_alive(process.pid)
    process.wait()
    assert not process_is_alive(process.pid)


def test_run_monitoring_sees_a_started_run_whose_process_is_gone(tmp_path: Path) -> None:
    with instance_for_test(
        temp_dir=str(tmp_path),
        overrides={
            "run_launcher": {
                "module": "dagster_project.operations.run_launcher",
                "class": "LocalRunLauncher",
            }
        },
    ) as instance:
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        run = create_run_for_test(
            instance, job_name="nightly_refresh", status=DagsterRunStatus.STARTED
        )
        launcher = instance.run_launcher
        assert launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING  # no pid yet
        instance.report_engine_event(
            f"Started process for run (pid: {process.pid}).",
            run,
            EngineEventData.in_process(process.pid),
        )
        assert launcher.check_run_worker_health(run).status == WorkerStatus.RUNNING
        process.kill()
        process.wait()
        health = launcher.check_run_worker_health(run)
        assert health.status == WorkerStatus.FAILED
        assert str(process.pid) in health.msg


# --- freshness ----------------------------------------------------------------------------------


def test_the_publication_is_stale_26_hours_after_it_was_last_confirmed(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    with instance_for_test(temp_dir=str(tmp_path)) as instance:
        # Nothing published: a new instance has 26 hours before that is a failure.
        assert publication_verdict(instance, settings, NOW, NOW - timedelta(hours=25)).passed
        stale = publication_verdict(instance, settings, NOW, NOW - timedelta(hours=27))
        assert not stale.passed and stale.severity == AssetCheckSeverity.ERROR

        instance.report_runless_asset_event(confirmation("schedule", "nothing new"))
        confirmed = datetime.now(UTC)
        since = confirmed - timedelta(days=30)
        assert publication_verdict(
            instance, settings, confirmed + timedelta(hours=25), since
        ).passed
        late = publication_verdict(instance, settings, confirmed + timedelta(hours=27), since)
        assert not late.passed
        assert "more than 26 hours" in late.description


def _delivered(settings, name: str, source_folder: str, days_ago: float) -> None:
    folder = settings.landing_dir / source_folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("x")
    when = (datetime.now(UTC) - timedelta(days=days_ago)).timestamp()
    os.utime(path, (when, when))


@pytest.mark.parametrize(
    ("source", "name", "days", "passed"),
    [
        (LABOUR, "labour_2025.parquet", 425, True),  # a yearly register: 365 + 61 days allowed
        (LABOUR, "labour_2025.parquet", 427, False),
        (SUNDHEDSPROFILEN, "sundhedsprofilen_2025.csv", 1520, True),  # every 4 years: 1460 + 61
        (SUNDHEDSPROFILEN, "sundhedsprofilen_2025.csv", 1522, False),
    ],
)
def test_a_source_is_overdue_after_its_interval_and_the_grace_period(
    tmp_path: Path, source, name: str, days: int, passed: bool
) -> None:
    settings = settings_in(tmp_path)
    _delivered(
        settings, "older.csv" if name.endswith(".csv") else "older.parquet", source.name, 2000
    )
    _delivered(settings, name, source.name, days)
    delivery = newest_delivery(source, settings, datetime.now(UTC))
    assert delivery.newest_file == name
    verdict = delivery_verdict(delivery, settings)
    assert verdict.passed is passed
    assert verdict.severity == AssetCheckSeverity.WARN
    assert verdict.asset_key.path == ["raw", source.table]


# --- the heartbeat ------------------------------------------------------------------------------


def test_the_heartbeat_alerts_once_when_a_check_starts_failing(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    (tmp_path / "home").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        watched = {"watching_since": (NOW - timedelta(hours=30)).isoformat()}
        # Contexts entered as the daemon does: each opens (and must close) its own instance.
        with build_sensor_context(instance=instance, cursor=json.dumps(watched)) as context:
            first = beat(context, settings, NOW)
        failing = [e for e in first.asset_events if not e.passed]
        assert [e.check_name for e in failing] == ["release_is_current"]
        alerts = settings.alerts_log.read_text(encoding="utf-8").splitlines()
        assert len(alerts) == 1
        assert json.loads(alerts[0])["subject"] == (
            "sundhedsdata: freshness check failing: published_warehouse:release_is_current"
        )
        # Five minutes later: still failing, no second alert, nothing new to record.
        with build_sensor_context(instance=instance, cursor=first.cursor) as context:
            later = beat(context, settings, NOW + timedelta(minutes=5))
        assert later.asset_events == []
        assert len(settings.alerts_log.read_text(encoding="utf-8").splitlines()) == 1

        assert check_heartbeat(settings.heartbeat_file, NOW + timedelta(minutes=5)) == [
            "published_warehouse:release_is_current: "
            + json.loads(settings.heartbeat_file.read_text())["checks"][0]["description"]
        ]
        assert (
            "minutes old"
            in check_heartbeat(settings.heartbeat_file, NOW + timedelta(minutes=21))[0]
        )
        assert "does not exist" in check_heartbeat(tmp_path / "none.json")[0]


# --- housekeeping -------------------------------------------------------------------------------


@op
def _nothing() -> None:
    pass


@job
def _small() -> None:
    _nothing()


def test_housekeeping_forgets_runs_and_logs_older_than_the_cutoff(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    settings.logs_dir.mkdir(parents=True)
    old, new = settings.logs_dir / "old.log", settings.logs_dir / "new.log"
    old.write_text("x")
    new.write_text("x")
    when = (datetime.now(UTC) - timedelta(days=100)).timestamp()
    os.utime(old, (when, when))
    (tmp_path / "home").mkdir()
    with instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        _small.execute_in_process(instance=instance)
        _small.execute_in_process(instance=instance)
        cutoff = datetime.now(UTC) - timedelta(days=90)
        assert forget_before(instance, settings, cutoff) == (0, 1)
        assert new.exists() and not old.exists()
        assert len(instance.get_run_records()) == 2
        assert forget_before(instance, settings, datetime.now(UTC) + timedelta(seconds=1)) == (2, 1)
        assert instance.get_run_records() == []


# --- restoring a release ------------------------------------------------------------------------


def test_an_earlier_release_can_be_restored_for_readers(fresh_copy: Refreshed) -> None:
    settings = fresh_copy.settings
    first = publish_database(settings, "run-first")
    second = publish_database(settings, "run-second")
    releases = list_releases(settings.warehouse_dir)
    assert releases[0] == (second.release, True)
    assert (first.release, False) in releases

    restore_release(settings, first.release)
    import duckdb

    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        assert conn.execute("select run_id from _publication").fetchone() == ("run-first",)
    assert (first.release, True) in list_releases(settings.warehouse_dir)
    with pytest.raises(ValueError, match="no release 'nonsense'"):
        restore_release(settings, "nonsense")


# --- the service definitions --------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["webserver", "daemon", "heartbeat"])
def test_the_systemd_units_run_commands_this_checkout_has(unit: str, tmp_path: Path) -> None:
    """Installed in /opt/sundhedsdata, each unit's commands are this checkout's: the programs
    exist, and the instance command they start with writes the instance's dagster.yaml."""
    text = (REPO_ROOT / "deploy" / "systemd" / f"sundhedsdata-{unit}.service").read_text()
    commands = [
        line.split("=", 1)[1].replace("/opt/sundhedsdata", str(REPO_ROOT)).split()
        for line in text.splitlines()
        if line.startswith(("ExecStart=", "ExecStartPre="))
    ]
    assert commands
    for command in commands:
        assert Path(command[0]).is_file(), command[0]
        if "-w" in command:
            assert (REPO_ROOT / command[command.index("-w") + 1]).is_file()
        if command[1:3] == ["-m", "dagster_project.operations.instance"]:
            environment = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
            subprocess.run(command, env=environment, check=True, cwd=REPO_ROOT)
            assert (tmp_path / "dagster.yaml").read_text().startswith(HEADER)
