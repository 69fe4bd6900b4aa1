"""A night with nothing new, as the Dagster daemon lives it: one tick of the 02:00 schedule.

The daemon has the code location loaded when the tick comes, so the tick's cost is the
schedule's own evaluation: checksum every landing file, compare with what was ingested and
published, and skip the run (night_plan in transform/plan.py). This process loads the
definitions first, as the daemon did at start-up, then times the tick alone and prints it for
benchmarks.run.
"""

import tempfile
import time

from dagster import DagsterInstance, build_schedule_context

from dagster_project.definitions import defs


def main() -> int:
    settings = defs.resources["settings"]
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    # The tick asks the instance whether a refresh is under way and records its verdict there:
    # a scratch instance, so the benchmark leaves nothing in the real one.
    with (
        tempfile.TemporaryDirectory() as scratch,
        DagsterInstance.local_temp(scratch) as instance,
        build_schedule_context(instance=instance, resources={"settings": settings}) as context,
    ):
        started = time.perf_counter()
        result = schedule.evaluate_tick(context)
        seconds = time.perf_counter() - started
    outcome = "skipped" if not result.run_requests else "run requested"
    print(f"schedule tick: {outcome} in {seconds:.3f} s: {result.skip_message or ''}")
    return 0 if not result.run_requests else 1


if __name__ == "__main__":
    raise SystemExit(main())
