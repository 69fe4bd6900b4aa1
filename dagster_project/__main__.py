"""`python -m dagster_project` (what `make run` calls): the nightly refresh once, from a terminal.

The entry point sits above the definitions and the stages, so nothing in them imports upward;
operations/refresh_command.py runs the job and prints the summary.

``--rebuild`` (`make rebuild`) first deletes the raw and build layers, which are derived from
the landing folder, then runs the refresh with a full build: the way back from a build database
that is lost, corrupt or edited by hand. Readers keep the current release until the rebuilt one
passes every gate and replaces it.
"""

from __future__ import annotations

import argparse
import sys

from dagster_project.definitions import defs
from dagster_project.operations.refresh_command import remove_derived_layers, run_once
from dagster_project.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The nightly refresh, once.")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="delete the raw and build layers and rebuild them from the landing folder",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.rebuild:
        removed = remove_derived_layers(settings)
        print(f"rebuild: removed {', '.join(removed) or 'nothing (no build yet)'}", flush=True)
    return run_once(defs, settings, force=args.rebuild)


if __name__ == "__main__":
    sys.exit(main())
