"""Dagster's default run launcher, able to tell the daemon that a run's process has died.

On one machine Dagster launches each run as a process of the code server (DefaultRunLauncher).
When that process is killed - the OOM killer, kill -9, a reboot - nothing writes the run's end:
Dagster's run monitoring only marks such a run failed if the launcher can check the run
worker's health, and the default launcher cannot, so the run stays "started" until the run
timeout and the refresh lock's holder looks alive in the UI for hours.

Every run's process announces its pid in the run's event log ("Started process for run (pid:
N)"). This launcher reads it and asks the kernel whether that process still runs (and is not a
zombie). Run monitoring (dagster.yaml, operations/instance.py) then marks a run with no process
failed within a poll interval, the failure sensor alerts, and the next night starts as usual:
the warehouse lock is a flock the kernel released with the process (locking.py).

It works where the daemon and the runs share a host, which is how this product is deployed
(docs/guides/deploy-and-operate.md); it is not for runs in containers on other machines.
"""

from pathlib import Path

from dagster import DagsterEventType, DagsterRun
from dagster._core.launcher import CheckRunHealthResult, DefaultRunLauncher, WorkerStatus


def run_worker_pid(instance, run_id: str) -> int | None:
    """The pid the run's process reported when it started; None before it has."""
    for record in reversed(instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT)):
        data = record.dagster_event.engine_event_data if record.dagster_event else None
        pid = data.metadata.get("pid") if data and data.metadata else None
        if pid is not None:
            return int(getattr(pid, "value", pid))
    return None


def process_is_alive(pid: int) -> bool:
    """True while the process exists and has not exited (a zombie has exited)."""
    status = Path(f"/proc/{pid}/status")
    try:
        text = status.read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = next((line for line in text.splitlines() if line.startswith("State:")), "")
    return "Z" not in state.split(":", 1)[-1].split()[:1]


class LocalRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher plus a run-worker health check by pid, for run monitoring."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid = run_worker_pid(self._instance, run.run_id)
        if pid is None:
            # A run executed in its caller's process (`make run`, tests) reports no pid: it
            # cannot be checked, so it counts as running and only the run timeout applies.
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no pid reported: not checked")
        if process_is_alive(pid):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"process {pid} is running")
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"the run's process {pid} is gone without ending the run (killed, or the machine "
            "restarted)",
        )
