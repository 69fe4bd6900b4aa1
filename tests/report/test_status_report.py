"""The annual status report, opened in headless Chromium (Debian's package) as the committee would.

The nightly refresh of the shipped sample writes warehouse/reports/status_<year>.html and .pdf;
these tests open that HTML with every network request refused, and check what a reader sees.
A screenshot is saved under test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.report.content import report_year as report_year_of
from dagster_project.report.formatting import SUPPRESSED
from dagster_project.settings import REPO_ROOT
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def report_files(refreshed: Refreshed) -> tuple[Path, Path]:
    year = report_year(refreshed)
    reports = refreshed.settings.reports_dir
    return reports / f"status_{year}.html", reports / f"status_{year}.pdf"


@pytest.fixture(scope="module")
def refused_requests() -> list[str]:
    """Every URL the report page asked for that is not a local file (there should be none)."""
    return []


@pytest.fixture(scope="module")
def report_page(report_files: tuple[Path, Path], refused_requests: list[str]) -> Iterator:
    from dagster_project.report.browser import offline_page

    with offline_page(refused_requests) as page:
        page.goto(report_files[0].as_uri(), wait_until="load")
        yield page


def report_year(refreshed: Refreshed) -> int:
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        return report_year_of(conn)


def _published(refreshed: Refreshed, sql: str) -> list[tuple]:
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_the_report_renders_offline_with_every_indicator_section_and_chart(
    refreshed: Refreshed, report_page, refused_requests: list[str]
) -> None:
    assert refused_requests == []  # self-contained: nothing fetched from a network
    indicators = [
        code for (code,) in _published(refreshed, "select indicator_code from dim_indicator")
    ]
    assert len(indicators) == 11
    denmark_years = dict(
        _published(
            refreshed,
            "select indicator_code, count(value) from mart_indicator_region_year "
            "where geography_level = 'country' group by 1",
        )
    )
    for code in indicators:
        section = report_page.locator(f"#indicator-{code}")
        assert section.is_visible(), code
        chart = section.locator("svg.trend-chart")
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 150, code
        # Every value was drawn: one point per year Denmark has a value.
        drawn = chart.locator("g.series-group[data-series='denmark'] circle").count()
        assert drawn == denmark_years[code], code
        width = report_page.evaluate(
            "el => el.getBBox().width",
            chart.locator("g.series-group[data-series='denmark']").element_handle(),
        )
        assert width > 0, code
    ARTIFACTS.mkdir(exist_ok=True)
    report_page.screenshot(path=str(ARTIFACTS / "status_report.png"), full_page=True)
    assert (ARTIFACTS / "status_report.png").stat().st_size > 50_000


def test_the_report_follows_vision_objective_indicator_and_shows_progress_and_activities(
    refreshed: Refreshed, report_page
) -> None:
    visions = _published(refreshed, "select vision_code from dim_vision order by sort_order")
    rendered = report_page.locator("section.vision").evaluate_all("els => els.map(e => e.id)")
    assert rendered == [f"vision-{code}" for (code,) in visions]
    objectives = _published(refreshed, "select objective_code, vision_code from dim_objective")
    for objective, vision in objectives:
        nested = f"#vision-{vision} [id='objective-{objective}']"
        assert report_page.locator(nested).count() == 1, objective
    # Progress status words in Danish, for each cluster and the region.
    progress_rows = report_page.locator("table.progress tr:has(td.status)").count()
    assert (
        progress_rows == _published(refreshed, "select count(*) from mart_objective_progress")[0][0]
    )
    assert report_page.locator("td.status", has_text="Ingen signifikant ændring").count() > 0
    year = report_year(refreshed)
    expected = _published(
        refreshed,
        f"select count(*) from mart_cluster_activity_status where year = {year}",
    )[0][0]
    assert report_page.locator("table.activities tr:has(td)").count() == expected


def test_the_series_break_is_marked_on_the_chart(refreshed: Refreshed, report_page) -> None:
    breaks = _published(
        refreshed,
        "select distinct indicator_code, year from mart_indicator_region_year "
        "where is_series_break",
    )
    assert breaks, "the sample has a series break (physically_active, 2021)"
    for code, year in breaks:
        marker = report_page.locator(f"#indicator-{code} g.series-break[data-year='{year}']")
        assert marker.is_visible()
        assert f"Databrud {year}" in marker.text_content()


def test_suppressed_values_are_shown_as_suppressed_never_as_zero(
    refreshed: Refreshed, report_page
) -> None:
    suppressed = _published(
        refreshed,
        "select indicator_code, cluster_code, year from mart_indicator_cluster_year "
        "where is_suppressed",
    )
    assert suppressed, "the sample has suppressed cluster cells"
    for code, cluster, year in suppressed:
        cell = report_page.locator(
            f"#indicator-{code} table.trend-table td[data-series='{cluster}'][data-year='{year}']"
        )
        assert cell.inner_text() == SUPPRESSED
        dot = (
            f"#indicator-{code} g.series-group[data-series='{cluster}'] circle[data-year='{year}']"
        )
        assert report_page.locator(dot).count() == 0, (code, cluster, year)
    # The page explains the word: withheld is not nought.
    assert report_page.locator("td.suppressed").count() >= len(suppressed)
    assert "aldrig det samme som nul" in report_page.locator("#overview .reading-note").inner_text()


def test_the_synthetic_banner_is_visible(report_page) -> None:
    banner = report_page.locator("#synthetic-banner")
    assert banner.is_visible()
    assert "SYNTETISKE DATA" in banner.inner_text()


def test_the_pdf_is_the_same_report(report_files: tuple[Path, Path]) -> None:
    pdf = report_files[1].read_bytes()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 5
