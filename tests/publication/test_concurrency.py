"""Two refreshes cannot both run: the second stops at once with a clear message."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from dagster_project.locking import LOCK_NAME, warehouse_lock
from tests.conftest import Refreshed, file_digest, run_nightly

pytestmark = pytest.mark.slow

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from dagster_project.locking import warehouse_lock
    with warehouse_lock(Path(sys.argv[1]), "run other-refresh"):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_a_second_refresh_stops_naming_the_one_that_holds_the_warehouse(
    fresh_copy: Refreshed,
) -> None:
    before = file_digest(fresh_copy.settings.published_db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(fresh_copy.settings.warehouse_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_nightly(fresh_copy.defs, fresh_copy.instance)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not result.success
    messages = " ".join(
        str(e.event_specific_data.error)
        for e in result.all_events
        if e.is_failure
        and e.event_specific_data is not None
        and hasattr(e.event_specific_data, "error")
    )
    assert "another refresh holds" in messages and "run other-refresh" in messages
    assert not result.get_asset_materialization_events()
    assert file_digest(fresh_copy.settings.published_db) == before
    # Once the holder is gone the lock is free again (the kernel released it): taking it
    # without waiting succeeds.
    assert (fresh_copy.settings.warehouse_dir / LOCK_NAME).exists()
    with warehouse_lock(fresh_copy.settings.warehouse_dir, "the next refresh"):
        pass
