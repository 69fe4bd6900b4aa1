"""Three nights of the soak in the test suite: the real webserver and daemon on a scratch
instance over a copy of the refreshed sample (`make soak` runs thirty, outside the suite).

Night 1: nothing new, so the schedule's tick skips. Night 2: a file is removed and the run that
takes it is killed with SIGKILL while dbt builds: the run ends failed with one alert, the lock
is free and the release unchanged. Night 3: nothing new in the landing folder, but last night's
work is still to do, so the night publishes it without anyone's hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dagster_project.settings import REPO_ROOT
from soak.driver import figures, run_soak, table
from soak.nights import CATCH_UP, FAILED, KILL_RUN, Night, nothing, removal
from tests.conftest import Refreshed


def test_three_nights_on_the_real_daemon_survive_a_killed_run(
    fresh_copy: Refreshed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(fresh_copy.root / "dagster_home"))
    removed = "trivsel/trivsel_2021-22.csv"
    nights = [
        Night("nothing new", nothing, CATCH_UP),
        Night(f"removal of {removed}", removal(removed), FAILED, trouble=KILL_RUN),
        Night("nothing new (last night's work is still to do)", nothing, CATCH_UP),
    ]
    result = run_soak(fresh_copy.root, nights, REPO_ROOT / "data" / "landing")
    mornings = result.mornings
    print(table(mornings))
    print(figures(result))
    assert [m.outcome for m in mornings] == ["skipped", "failed", "published"]
    assert [m.problems for m in mornings] == [[], [], []]
    assert not (fresh_copy.root / "landing" / removed).exists()
    alerts = Path(fresh_copy.settings.alerts_log).read_text(encoding="utf-8")
    assert "SIGKILL" in alerts
    assert [(m.run_alerts, m.other_alerts) for m in mornings] == [(0, 0), (1, 0), (0, 0)]
    assert "alerts sent: 1, missed: 0, false: 0" in figures(result)
    assert result.daemon_rss_mb > 50  # a live Python daemon and code server, measured
