"""The chart's y-axis and the progress arrows, on hand-picked numbers."""

import pytest

from dagster_project.report.charts import axis_range
from dagster_project.report.formatting import progress_arrow
from dagster_project.report.period_status import indicator_status


@pytest.mark.parametrize(
    ("drawn", "expected"),
    [
        # Between 86 % and 90 %: the axis does not start at zero (a flat line otherwise).
        ([86.0, 90.0], (86.0, 90.0, 1.0)),
        # 85-92 would take seven ticks of 1: ticks of 2 instead.
        ([85.3, 91.2, 88.0], (84.0, 92.0, 2.0)),
        # Within one step of zero: it starts at zero.
        ([0.5, 3.0], (0.0, 3.0, 0.5)),
        ([10.0, 45.0], (0.0, 50.0, 10.0)),
        # Never beyond 100 %.
        ([95.0, 99.5], (95.0, 100.0, 1.0)),
    ],
)
def test_the_axis_holds_every_number_on_round_ticks(drawn, expected) -> None:
    low, high, step = axis_range(drawn)
    assert (low, high, step) == expected
    assert low <= min(drawn) and max(drawn) <= high
    assert (high - low) / step <= 6


def test_the_arrow_follows_the_change_and_flat_means_not_significant() -> None:
    assert progress_arrow("improving", -2.0) == "\u2193"  # lower is better, and it fell
    assert progress_arrow("worsening", 1.5) == "\u2191"
    assert progress_arrow("no significant change", 0.4) == "\u2192"
    assert progress_arrow("not comparable", None) == ""
    assert progress_arrow("no new data", None) == ""


def test_an_objective_worsens_when_any_indicator_does() -> None:
    assert indicator_status(["improving", "worsening"]) == "worsening"
    assert indicator_status(["improving", "no significant change"]) == "improving"
    assert indicator_status(["no significant change", "no new data"]) == "unchanged"
    assert indicator_status(["not comparable", "not yet delivered"]) == "not assessable"
    assert indicator_status([]) == "not assessable"
