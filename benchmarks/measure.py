"""Measuring one benchmark run: wall time, CPU time and peak RSS of a process and its children.

os.wait4 returns the resource usage of exactly the child it waited for (with every descendant
that child waited for), so runs measured one after another never mix their figures. For a
Dagster run, the per-step durations are read back from the run log.
"""

import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s|m)')
TICK = re.compile(r"schedule tick: .* in ([0-9.]+) s")  # benchmarks/tick.py


@dataclass
class Measurement:
    name: str
    what: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    succeeded: bool
    stages_s: dict[str, float] = field(default_factory=dict)


def _seconds(value: str, unit: str) -> float:
    return float(value) / 1000 if unit == "ms" else float(value) * (60 if unit == "m" else 1)


def measure(
    name: str, what: str, command: list[str], env: dict[str, str], log: Path
) -> Measurement:
    """Run a command to completion; CPU and peak RSS of it and every descendant it waited for.

    os.wait4 gives the resource usage of this one child, so each run is measured on its own.
    """
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    stages: dict[str, float] = {}
    text = log.read_text(errors="replace")
    for step, value, unit in STEP.findall(text):
        stages[step] = round(stages.get(step, 0.0) + _seconds(value, unit), 2)
    for value in TICK.findall(text):
        stages["schedule_tick"] = round(float(value), 3)
    return Measurement(
        name=name,
        what=what,
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        # ru_maxrss is the largest single process of the tree (kB on Linux), not a sum.
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
        succeeded=process.returncode == 0,
        stages_s=stages,
    )
