"""The real Dagster webserver and daemon on a scratch instance, as systemd would run them.

Two processes, started and stopped separately (deploy/systemd/ has one unit each), so a night
can restart the daemon alone in the middle of a run. Both get the scratch folders through the
SUNDHEDSDATA_ variables, as the units get them from their environment file.
"""

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from dagster_project.operations.instance import write_instance_config
from dagster_project.operations.serve import commands
from dagster_project.settings import REPO_ROOT, Settings


@dataclass
class Servers:
    """The scratch instance's two processes; ``environment`` is what both are started with."""

    home: Path
    environment: dict[str, str]
    port: int
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.environment)

    def start(self, *names: str) -> None:
        os.environ["DAGSTER_HOME"] = str(self.home)
        write_instance_config(self.settings, self.home)
        for name in names or ("webserver", "daemon"):
            log = (self.log_dir / f"{name}.log").open("a")
            self.processes[name] = subprocess.Popen(
                commands("127.0.0.1", self.port)[name],
                cwd=REPO_ROOT,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self, *names: str, whole_group: bool = True) -> None:
        """Stop processes with SIGTERM: with their children (the end of the soak), or the main
        process alone, as systemd's ``KillMode=process`` restarts the daemon (runs go on)."""
        for name in names or tuple(self.processes):
            process = self.processes.pop(name, None)
            if process is None or process.poll() is not None:
                continue
            if whole_group:
                os.killpg(process.pid, signal.SIGTERM)
            else:
                process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if whole_group:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # what is left of the group

    def resident_mb(self, name: str) -> float:
        """Resident memory of a process and every process below it (the daemon's code server
        and any run), from /proc: what the host gives the service, as systemd counts it."""
        return sum(resident_kb(pid) for pid in process_tree(self.processes[name].pid)) / 1024

    def webserver_answers(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{self.port}/server_info", timeout=10
            ) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_for_webserver(self, timeout_s: float = 120) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.webserver_answers():
            if time.monotonic() > deadline:
                raise TimeoutError(f"the webserver did not answer on port {self.port}")
            time.sleep(1)


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from the parent pids in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # The command name (field 2) may hold spaces; the fields after its ")" are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def resident_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def scratch_environment(root: Path, port: int, extra: dict[str, str] | None = None) -> dict:
    """The environment of both processes: scratch folders, a night a minute, nothing inherited
    that would point them at the real warehouse."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("SUNDHEDSDATA_")
    }
    environment.update(
        {
            "DAGSTER_HOME": str(root / "dagster_home"),
            "SUNDHEDSDATA_LANDING_DIR": str(root / "landing"),
            "SUNDHEDSDATA_QUARANTINE_DIR": str(root / "quarantine"),
            "SUNDHEDSDATA_WAREHOUSE_DIR": str(root / "warehouse"),
            "SUNDHEDSDATA_REFRESH_CRON": "* * * * *",
            **(extra or {}),
        }
    )
    return environment
