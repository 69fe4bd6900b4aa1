"""`make soak` (`python -m soak --nights 30`): nights of deliveries, failures and restarts.

Outside the test suite (a night takes one to two minutes); tests/operations/test_soak.py runs
three. Starts the real webserver and daemon on a scratch instance (``--workdir``, a temporary
folder by default) over a scratch copy of the shipped sample, drives them night after night
(soak/nights.py), checks each morning (soak/driver.py), prints a table of the nights and exits
1 if any morning found something wrong. With SUNDHEDSDATA_INSTANCE_POSTGRES_URL set, the last
night moves the instance to PostgreSQL storage.
"""

import argparse
import functools
import os
import signal
import sys
import tempfile
from pathlib import Path

from dagster_project.settings import REPO_ROOT
from soak.driver import figures, run_soak, table
from soak.nights import plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=30)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    # Stopped (SIGTERM, a timeout), it still stops the webserver and daemon it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = args.workdir or Path(tempfile.mkdtemp(prefix="sundhedsdata-soak-"))
    print(f"soak in {root}: {args.nights} nights, a night a minute", flush=True)
    postgres = bool(os.environ.get("SUNDHEDSDATA_INSTANCE_POSTGRES_URL"))
    log = functools.partial(print, flush=True)
    result = run_soak(root, plan(args.nights, postgres), REPO_ROOT / "data" / "landing", log)
    print(table(result.mornings))
    print(figures(result))
    return 1 if any(m.problems for m in result.mornings) else 0


if __name__ == "__main__":
    sys.exit(main())
