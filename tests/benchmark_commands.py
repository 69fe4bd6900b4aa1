"""The benchmarks' commands, run as processes: the tests use benchmarks/ as a reader would,
through `python -m benchmarks.…`, and never import it (it is a measuring tool, not product)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from dagster_project.settings import REPO_ROOT


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def export_platform_values(published_db: Path, out: Path) -> None:
    _run("benchmarks.agreement", "export", "--published", str(published_db), "--out", str(out))


def run_implementation(module: str, landing: Path, out: Path) -> int:
    """Run (b) benchmarks.floor or (c) benchmarks.pandas_marts; the mart rows it wrote."""
    done = _run(module, "--landing", str(landing), "--out", str(out))
    return int(re.search(r": (\d+) mart rows", done.stdout).group(1))


def compare(name: str, reference: Path, candidate: Path) -> dict:
    """The agreement of a candidate's mart values with the reference's, as the command says."""
    done = _run(
        "benchmarks.agreement",
        "compare",
        "--name",
        name,
        "--reference",
        str(reference),
        "--candidate",
        str(candidate),
        check=False,
    )
    agreement = json.loads(done.stdout)
    assert done.returncode == (0 if agreement["agrees"] else 1), done.stderr
    return agreement


def render_report(result: Path, markdown: Path, json_out: Path) -> None:
    _run("benchmarks.report", str(result), "--markdown", str(markdown), "--json", str(json_out))
