"""A night with nothing new, as the Dagster daemon lives it: one tick of the 02:00 schedule.

The daemon has the code location loaded when the tick comes, so the tick's cost is the
schedule's own evaluation: checksum every landing file, compare with what was ingested and
published, and skip the run (nightly.pending_work). This process loads the definitions first,
as the daemon did at start-up, then times the tick alone and prints it for benchmarks.run.
"""

import time

from dagster import build_schedule_context

from dagster_project.definitions import defs
from dagster_project.operations.nightly import nightly_refresh_schedule


def main() -> int:
    settings = defs.resources["settings"]
    started = time.perf_counter()
    result = nightly_refresh_schedule.evaluate_tick(
        build_schedule_context(resources={"settings": settings})
    )
    seconds = time.perf_counter() - started
    outcome = "skipped" if not result.run_requests else "run requested"
    print(f"schedule tick: {outcome} in {seconds:.3f} s: {result.skip_message or ''}")
    return 0 if not result.run_requests else 1


if __name__ == "__main__":
    raise SystemExit(main())
