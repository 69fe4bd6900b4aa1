"""The recent trends' chi-squared statistics against R's prop.trend.test, on the refreshed sample.

Every cluster's and region's trend with at least three points is recomputed by R (stats'
prop.trend.test: Armitage's chi-squared test for trend in proportions, years as scores) from
the points the warehouse says it used - the published shares and their n - and must agree to a
relative 1e-9. The classification itself is pinned by the hand-calculated dbt unit test
recent_trends_follow_fingertips_chi_squared_test_for_trend.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

R_SCRIPT = """
args <- commandArgs(trailingOnly = TRUE)
points <- read.csv(args[1], colClasses = c(trend = "character"))
out <- do.call(rbind, lapply(split(points, points$trend), function(p) {
  data.frame(trend = p$trend[1],
             chi_squared = unname(prop.trend.test(p$positive, p$n, score = p$year)$statistic))
}))
write.csv(out, args[2], row.names = FALSE)
"""


def test_every_recent_trend_statistic_equals_rs_prop_trend_test(
    refreshed: Refreshed, tmp_path: Path
) -> None:
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:
        trends = conn.sql(
            "select geography_level || ':' || geography_code || ':' || indicator_code"
            " || ':' || year, geography_level, geography_code, indicator_code, year,"
            " series_number, trend_points, trend_chi_squared"
            " from intermediate.int_indicators__recent_trends"
            " join intermediate.int_indicators__estimates_benchmarked"
            " using (geography_level, geography_code, indicator_code, year)"
            " where trend_points >= 3 and trend_chi_squared is not null"
            " and geography_level in ('cluster', 'region')"
        ).fetchall()
        # The points a trend may use, taken here from the published shares: the same series,
        # up to the trend's year, shown, the most recent trend_points of them.
        shown = conn.sql(
            "select geography_level, geography_code, indicator_code, series_number, year,"
            " shown_proportion, shown_effective_n"
            " from intermediate.int_indicators__estimates_benchmarked"
            " where shown_proportion is not null and shown_effective_n > 0"
        ).fetchall()
    assert len(trends) > 50, "too few trends to test"
    by_series: dict[tuple, list[tuple[int, float, float]]] = {}
    for level, code, indicator, series, year, p, n in shown:
        by_series.setdefault((level, code, indicator, series), []).append((year, p, n))
    rows = []
    for key, level, code, indicator, year, series, count, _ in trends:
        points = sorted(
            (point for point in by_series[(level, code, indicator, series)] if point[0] <= year),
            reverse=True,
        )[:count]
        assert len(points) == count, key
        rows += [(key, point_year, p * n, n) for point_year, p, n in points]
    with (tmp_path / "points.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["trend", "year", "positive", "n"])
        writer.writerows(rows)
    (tmp_path / "trend.R").write_text(R_SCRIPT)
    rscript = shutil.which("Rscript")
    assert rscript, "R is not installed: scripts/ci-services installs r-base-core"
    subprocess.run(
        [rscript, str(tmp_path / "trend.R"), str(tmp_path / "points.csv"), str(tmp_path / "r.csv")],
        check=True,
        capture_output=True,
    )
    with (tmp_path / "r.csv").open() as f:
        theirs = {row["trend"]: float(row["chi_squared"]) for row in csv.DictReader(f)}
    wrong = [
        f"{key}: warehouse {ours:.9f}, R {theirs[key]:.9f}"
        for key, *_, ours in trends
        if abs(ours - theirs[key]) > 1e-9 * max(1.0, theirs[key])
    ]
    assert not wrong, wrong[:5]
