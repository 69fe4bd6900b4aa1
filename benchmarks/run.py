"""Benchmark harness, outside the test suite: `make bench SCALE=0.2`.

Generates synthetic extracts at the given scale (once per scale and seed), then measures the
platform - (a) in issue #6: the nightly refresh through Dagster, dbt, the GX gate, publication
and the report - from an empty warehouse, and again with nothing changed. For each run it records
wall time, CPU time and peak RSS of the process tree (getrusage of waited-for children), and the
per-stage breakdown from the Dagster run log. Results go to benchmarks/results/ as JSON and
markdown.

Not yet here: (b) the raw DuckDB SQL floor and (c) the pandas implementation, and with them the
agreement check and the ratios a/b and c/a (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP = re.compile(r'Finished execution of step "([^"]+)" in ([0-9.]+)(ms|s|m)')


@dataclass
class Measurement:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    succeeded: bool
    stages_s: dict[str, float] = field(default_factory=dict)


def _seconds(value: str, unit: str) -> float:
    return float(value) / 1000 if unit == "ms" else float(value) * (60 if unit == "m" else 1)


def measure(name: str, command: list[str], env: dict[str, str], log: Path) -> Measurement:
    """Run a command to completion; CPU and peak RSS of it and every descendant it waited for.

    os.wait4 gives the resource usage of this one child, so each run is measured on its own.
    """
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    stages: dict[str, float] = {}
    for step, value, unit in STEP.findall(log.read_text(errors="replace")):
        group = "gx_gates" if "_gx_" in step else step
        stages[group] = round(stages.get(group, 0.0) + _seconds(value, unit), 2)
    return Measurement(
        name=name,
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        # ru_maxrss is the largest single process of the tree (kB on Linux), not a sum.
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
        succeeded=process.returncode == 0,
        stages_s=stages,
    )


def generate(scale: float, seed: int, data: Path) -> None:
    marker = data / "synthetic_truth" / "parameters.json"
    if marker.exists():
        parameters = json.loads(marker.read_text())
        if parameters["scale"] == scale and parameters["seed"] == seed:
            return
    shutil.rmtree(data, ignore_errors=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "dagster_project.generator", "--out", str(data)),
            *("--seed", str(seed), "--scale", str(scale)),
        ],
        check=True,
        cwd=ROOT,
    )


def markdown(scale: float, results: list[Measurement]) -> str:
    lines = [
        f"# Benchmark at scale {scale} (synthetic data), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| run | ok | wall s | CPU s | peak RSS MB |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {m.name} | {m.succeeded} | {m.wall_s} | {m.cpu_s} | {m.peak_rss_mb} |" for m in results
    ]
    for m in results:
        if m.stages_s:
            lines += ["", f"## Stages of {m.name}", "", "| stage | s |", "|---|---:|"]
            ranked = sorted(m.stages_s.items(), key=lambda item: -item[1])
            lines += [f"| {stage} | {seconds} |" for stage, seconds in ranked]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sundhedsdata-bench"))
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()

    data = args.work / f"scale_{args.scale}"
    generate(args.scale, args.seed, data)
    warehouse = args.work / f"warehouse_{args.scale}"
    home = args.work / "dagster_home"
    shutil.rmtree(warehouse, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SUNDHEDSDATA_LANDING_DIR": str(data / "landing"),
        "SUNDHEDSDATA_QUARANTINE_DIR": str(args.work / "quarantine"),
        "SUNDHEDSDATA_WAREHOUSE_DIR": str(warehouse),
    }
    dagster = str(Path(sys.executable).with_name("dagster"))
    command = [dagster, "job", "execute", "-m", "dagster_project.definitions", "-j"]
    args.results.mkdir(parents=True, exist_ok=True)
    results = [
        measure("a_full_refresh", [*command, "nightly_refresh"], env, args.results / "a_full.log"),
        measure("a_no_change", [*command, "nightly_refresh"], env, args.results / "a_same.log"),
    ]
    report = args.results / f"scale_{args.scale}.md"
    report.write_text(markdown(args.scale, results))
    (args.results / f"scale_{args.scale}.json").write_text(
        json.dumps({"scale": args.scale, "runs": [asdict(m) for m in results]}, indent=2) + "\n"
    )
    print(report.read_text())
    return 0 if all(m.succeeded for m in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
