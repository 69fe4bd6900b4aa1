"""`python -m dagster_project` (what `make run` calls): the nightly refresh once, from a terminal.

The entry point sits above the definitions and the stages, so nothing in them imports upward;
operations/refresh_command.py runs the job and prints the summary.
"""

from __future__ import annotations

import sys

from dagster_project.definitions import defs
from dagster_project.operations.refresh_command import run_once
from dagster_project.settings import Settings


def main() -> int:
    return run_once(defs, Settings.from_env())


if __name__ == "__main__":
    sys.exit(main())
