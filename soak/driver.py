"""Drive the real webserver and daemon through nights, and check each morning as an engineer would.

The schedule runs a night a minute on the scratch instance (SUNDHEDSDATA_REFRESH_CRON); the
landing-folder sensor is stopped, so each night is exactly one schedule tick: a skip when
nothing is new, or one run. Each morning checks what a data engineer would:

- the outcome the night should have had (published, unchanged, failed);
- the publication: a new release holds exactly the landing folder's files (its landing
  fingerprint equals one computed here from the files), an unchanged one has the same release
  and the same digest, a re-delivery of the same rows publishes the same figures;
- one alert for a failed run and none otherwise (no freshness alert either);
- the quarantine report of a refused file names its row, column and rule;
- no run left queued or started, no refresh lock held, the webserver answering, the heartbeat
  file written in the last ten minutes.
"""

import fcntl
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter

from dagster_project.locking import LOCK_NAME
from dagster_project.operations import nightly
from dagster_project.operations.run_launcher import run_worker_pid
from dagster_project.operations.serve import BIN, WORKSPACE
from dagster_project.publication.currency import PUBLISHED_WAREHOUSE
from dagster_project.publication.digest import publication_digest
from dagster_project.settings import Settings
from dagster_project.transform.fingerprint import files_fingerprint, published_fingerprint
from dagster_project.transform.plan import delivered_files
from soak.nights import (
    CATCH_UP,
    EITHER,
    FAILED,
    KILL_RUN,
    POSTGRES,
    PUBLISHED,
    RESTART_DAEMON,
    UNCHANGED,
    Night,
    nothing,
)
from soak.servers import Servers, scratch_environment

# How long a night may take: the next minute's tick and a full refresh on a busy machine.
NIGHT_TIMEOUT = timedelta(minutes=12)
# The schedule's unfinished statuses, and a run being cancelled.
UNFINISHED = [*nightly.UNFINISHED, DagsterRunStatus.CANCELING]
# How long the failure alert may take after the run ended.
ALERT_WAIT_S = 120
# Digits the figures are compared at (publication/digest.py says why not all of them).
DIGITS = 10


@dataclass
class Morning:
    """What one night did and what its morning found wrong (nothing, on a good night)."""

    number: int
    event: str
    outcome: str = ""
    run_id: str = ""
    seconds: float = 0.0
    release: str = ""
    # Alerts the night's run sent, and any other alert (freshness) that came that night.
    run_alerts: int = 0
    other_alerts: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class SoakResult:
    """The mornings, and the daemon's memory (with its code server and runs) after the last."""

    mornings: list[Morning]
    daemon_rss_mb: float


def landing_fingerprint(settings: Settings) -> str:
    """The landing part of the fingerprint publication records, computed from the files."""
    return files_fingerprint(delivered_files(settings))


def current_release(settings: Settings) -> str:
    link = settings.warehouse_dir / "published"
    return Path(os.readlink(link)).name if link.is_symlink() else ""


def alert_lines(settings: Settings) -> list[dict]:
    path = settings.alerts_log
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def lock_holder(settings: Settings) -> str | None:
    """The holder the refresh lock names while it is held (locking.py writes it), else None."""
    path = settings.warehouse_dir / LOCK_NAME
    if not path.exists():
        return None
    with path.open("rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(handle.read().decode("utf-8"))["holder"]
            except (ValueError, KeyError):
                return "unknown"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


class Soak:
    def __init__(self, servers: Servers, sample: Path, log=print):
        self.servers = servers
        self.sample = sample
        self.log = log
        self.work_left = False
        # When the last night's outcome was known: a run the schedule starts after it, while
        # the morning is being checked (a night is a minute here), belongs to the next night.
        self.outcome_at = 0.0

    @property
    def settings(self) -> Settings:
        return self.servers.settings

    def instance(self) -> DagsterInstance:
        os.environ["DAGSTER_HOME"] = str(self.servers.home)
        return DagsterInstance.get()

    def wait_for_outcome(self, instance: DagsterInstance, since: float, night: Night):
        """Wait for the night's tick: a run started after ``since`` and ended, or a skip."""
        deadline = time.monotonic() + NIGHT_TIMEOUT.total_seconds()
        troubled = False
        while time.monotonic() < deadline:
            runs = instance.get_run_records(
                RunsFilter(
                    job_name="nightly_refresh", created_after=datetime.fromtimestamp(since, UTC)
                )
            )
            if runs:
                run = instance.get_run_by_id(runs[-1].dagster_run.run_id)
                if night.trouble in (KILL_RUN, RESTART_DAEMON) and not troubled:
                    troubled = self.make_trouble(instance, run, night.trouble)
                if run.is_finished:
                    return run
            else:
                observations = instance.fetch_observations(PUBLISHED_WAREHOUSE, limit=1).records
                if observations and observations[0].timestamp > since:
                    return None
            time.sleep(2)
        raise TimeoutError(f"no outcome within {NIGHT_TIMEOUT} for {night.event}")

    def wait_for_run(self, instance: DagsterInstance, run_id: str):
        deadline = time.monotonic() + NIGHT_TIMEOUT.total_seconds()
        while time.monotonic() < deadline:
            run = instance.get_run_by_id(run_id)
            if run.is_finished:
                return run
            time.sleep(2)
        raise TimeoutError(f"run {run_id} did not finish within {NIGHT_TIMEOUT}")

    def make_trouble(self, instance: DagsterInstance, run, trouble: str) -> bool:
        """Once the run is building (its dbt step started), kill it or restart the daemon."""
        if run.status != DagsterRunStatus.STARTED:
            return False
        building = any(
            record.step_key == "sundhedsdata_dbt_models"
            for record in instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
        )
        if not building:
            return False
        time.sleep(3)
        if trouble == KILL_RUN:
            pid = run_worker_pid(instance, run.run_id)
            self.log(f"    killing run {run.run_id[:8]} (pid {pid}) with SIGKILL")
            os.kill(pid, signal.SIGKILL)
        else:
            self.log("    restarting the daemon")
            self.servers.stop("daemon")
            self.servers.start("daemon")
        return True

    def night(self, number: int, night: Night) -> Morning:
        morning = Morning(number, night.event)
        settings = self.settings
        if night.trouble == POSTGRES:
            self.servers.stop()
            self.servers.environment["SUNDHEDSDATA_INSTANCE_POSTGRES_URL"] = os.environ[
                "SUNDHEDSDATA_INSTANCE_POSTGRES_URL"
            ]
            bring_up(self.servers)
        before_release = current_release(settings)
        before_digest = (
            publication_digest(settings.published_db, DIGITS) if before_release else None
        )
        before_alerts = len(alert_lines(settings))
        quarantined = set(settings.quarantine_dir.rglob("*.report.txt"))
        # Keep clear of a tick being evaluated: the change lands between :05 and :55, so the
        # tick that sees it is the next minute's and the one before has finished.
        second = datetime.now(UTC).second + datetime.now(UTC).microsecond / 1e6
        if not 5 <= second <= 55:
            time.sleep((65 - second) % 60)
        since = time.time()
        night.change(self.sample, settings.landing_dir)
        instance = self.instance()
        early = (
            instance.get_run_records(
                RunsFilter(
                    job_name="nightly_refresh",
                    created_after=datetime.fromtimestamp(self.outcome_at, UTC),
                )
            )
            if night.change is nothing
            else []
        )
        if early:
            # The schedule took last night's leftover work before this night began.
            run = self.wait_for_run(instance, early[0].dagster_run.run_id)
        else:
            run = self.wait_for_outcome(instance, since, night)
        self.outcome_at = outcome_time(instance, run)
        morning.seconds = round(time.time() - since)
        if run is None:
            morning.outcome = "skipped"
        else:
            morning.run_id = run.run_id[:8]
            morning.outcome = (
                "published"
                if run.status == DagsterRunStatus.SUCCESS
                and current_release(settings) != before_release
                else "succeeded, nothing published"
                if run.status == DagsterRunStatus.SUCCESS
                else "failed"
            )
        morning.release = current_release(settings)[:22]
        self.check(morning, night, before_release, before_digest, before_alerts, quarantined)
        return morning

    def expected(self, night: Night) -> str:
        if night.expect == CATCH_UP:
            return PUBLISHED if self.work_left else UNCHANGED
        return night.expect

    def check(self, morning, night, before_release, before_digest, before_alerts, quarantined):
        settings = self.settings
        problems = morning.problems
        expect = self.expected(night)
        published = morning.outcome == "published"
        failed = morning.outcome == "failed"
        if expect == PUBLISHED and not published:
            problems.append(f"expected a publication, got {morning.outcome}")
        if expect == UNCHANGED and (published or failed):
            problems.append(f"expected nothing to change, got {morning.outcome}")
        if expect == FAILED and not failed:
            problems.append(f"expected a failed run, got {morning.outcome}")
        if expect == EITHER and not (published or failed):
            problems.append(f"expected a publication or a failed run, got {morning.outcome}")
        # Work is left when a run with new files failed for a reason other than a file
        # (which is in quarantine now); a publication does all that was left.
        self.work_left = (failed and night.hostile_file is None) or (
            self.work_left and not published
        )

        after_release = current_release(settings)
        if published:
            fingerprint, _ = published_fingerprint(settings)
            if fingerprint is None or fingerprint.landing != landing_fingerprint(settings):
                problems.append("the new release does not hold exactly the landing files")
            same = night.same_figures and before_digest is not None
            if same and publication_digest(settings.published_db, DIGITS) != before_digest:
                problems.append("a re-delivery of the same rows changed published figures")
        else:
            if after_release != before_release:
                problems.append("the release changed on a night that published nothing")
            elif before_digest and before_digest != publication_digest(
                settings.published_db, DIGITS
            ):
                problems.append("the published tables changed without a new release")

        # The failure sensor delivers the alert on its next tick (every 30 s).
        deadline = time.monotonic() + ALERT_WAIT_S
        while failed and len(alert_lines(settings)) == before_alerts:
            if time.monotonic() > deadline:
                break
            time.sleep(2)
        alerts = alert_lines(settings)[before_alerts:]
        run_alerts = [a for a in alerts if a["job"] == "nightly_refresh"]
        morning.run_alerts = len(run_alerts)
        morning.other_alerts = len(alerts) - len(run_alerts)
        if failed and len(run_alerts) != 1:
            problems.append(f"a failed run gave {len(run_alerts)} alerts, not one")
        if not failed and run_alerts:
            problems.append(f"an alert on a night without failure: {run_alerts[0]['subject']}")
        if any(a["job"] != "nightly_refresh" for a in alerts):
            problems.append("a freshness alert during the soak")

        if night.hostile_file:
            reports = set(settings.quarantine_dir.rglob("*.report.txt")) - quarantined
            text = "".join(r.read_text(encoding="utf-8") for r in reports)
            if Path(night.hostile_file).name not in text or "row " not in text:
                problems.append("no quarantine report naming the refused file and its row")
            if (settings.landing_dir / night.hostile_file).exists():
                problems.append("the refused file is still in the landing folder")

        instance = self.instance()
        left = [
            r
            for r in instance.get_run_records(RunsFilter(statuses=UNFINISHED))
            if r.create_timestamp.timestamp() <= self.outcome_at
        ]
        if left:
            problems.append(f"{len(left)} runs left queued or started")
        # A run the schedule started after the outcome (the next night's, a minute later here)
        # holds the lock rightly; any other holder was left behind.
        holder = lock_holder(settings)
        next_nights = {
            f"run {r.dagster_run.run_id}"
            for r in instance.get_run_records(
                RunsFilter(created_after=datetime.fromtimestamp(self.outcome_at, UTC))
            )
        }
        if holder is not None and holder not in next_nights:
            problems.append(f"the refresh lock is still held ({holder})")
        if not self.servers.webserver_answers():
            problems.append("the webserver does not answer")
        heartbeat = settings.heartbeat_file
        if not heartbeat.exists() or time.time() - heartbeat.stat().st_mtime > 600:
            problems.append("no heartbeat in the last ten minutes")


def outcome_time(instance: DagsterInstance, run) -> float:
    """When the night's outcome was settled: its run's end as the instance recorded it, else now.

    The run's end, not the moment the driver saw it: the schedule may start the next run between
    the two (a tick in the seconds between the driver's polls), and that run is the next night's.
    """
    record = instance.get_run_record_by_id(run.run_id) if run is not None else None
    end_time = record.end_time if record is not None else None
    return min(time.time(), end_time) if end_time else time.time()


def bring_up(servers: Servers) -> None:
    """The webserver, the landing sensor stopped, then the daemon: each night is one schedule
    tick, and the sensor would start runs of its own on the first look at the landing folder."""
    servers.start("webserver")
    servers.wait_for_webserver()
    subprocess.run(
        [str(BIN / "dagster"), "sensor", "stop", "landing_folder_sensor", "-w", str(WORKSPACE)],
        env=servers.environment,
        check=True,
        capture_output=True,
    )
    servers.start("daemon")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def table(mornings: list[Morning]) -> str:
    lines = [
        f"{'night':>5}  {'what happened':<62} {'outcome':<28} {'run':<8} {'s':>4}  morning",
        "-" * 130,
    ]
    for m in mornings:
        verdict = "ok" if not m.problems else "; ".join(m.problems)
        lines.append(
            f"{m.number:>5}  {m.event[:62]:<62} {m.outcome:<28} {m.run_id:<8} "
            f"{m.seconds:>4.0f}  {verdict}"
        )
    return "\n".join(lines)


def figures(result: SoakResult) -> str:
    """What the deploy guide reports of a soak: nights survived, alerts sent, missed and false,
    the longest night, the daemon's memory at the end."""
    mornings = result.mornings
    failed = [m for m in mornings if m.outcome == "failed"]
    missed = sum(1 for m in failed if m.run_alerts == 0)
    false = sum(m.run_alerts for m in mornings if m.outcome != "failed") + sum(
        m.other_alerts for m in mornings
    )
    longest = max(mornings, key=lambda m: m.seconds)
    return "\n".join(
        [
            f"nights survived: {sum(1 for m in mornings if not m.problems)} of {len(mornings)}",
            f"failed runs: {len(failed)}; alerts sent: "
            f"{sum(m.run_alerts + m.other_alerts for m in mornings)}, missed: {missed}, "
            f"false: {false}",
            f"longest night: {longest.seconds:.0f} s (night {longest.number}, {longest.event})",
            f"daemon memory after the last night: {result.daemon_rss_mb:.0f} MB "
            "(resident, with its code server)",
        ]
    )


def run_soak(root: Path, nights: list[Night], sample: Path, log=print) -> SoakResult:
    """Run the nights in ``root`` (which may already hold a landing folder and a warehouse)
    and return what each morning found."""
    port = free_port()
    for name in ("landing", "logs"):
        (root / name).mkdir(parents=True, exist_ok=True)
    servers = Servers(root / "dagster_home", scratch_environment(root, port), port, root / "logs")
    soak = Soak(servers, sample, log)
    mornings = []
    try:
        bring_up(servers)
        for number, night in enumerate(nights, start=1):
            log(f"night {number}: {night.event}" + (f" + {night.trouble}" if night.trouble else ""))
            morning = soak.night(number, night)
            log(f"  {morning.outcome} in {morning.seconds:.0f} s: {morning.problems or 'ok'}")
            mornings.append(morning)
        daemon_rss_mb = servers.resident_mb("daemon")
    finally:
        servers.stop()
    return SoakResult(mornings, daemon_rss_mb)
