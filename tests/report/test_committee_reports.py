"""The committee's reports as a reader meets them: in headless Chromium and in the printed PDF.

The shipped sample's nightly refresh writes the annual report, one report per cluster and (2025 is
the period's midway year) the status to Sundhedsstyrelsen. These tests open them with every network
request refused and check what the committee asks of them against the published marts, literal lists
and the agreement's own figures. Screenshots of the overview and of one cluster report are saved
under test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from dagster_project.settings import REPO_ROOT
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "test-artifacts"
CLUSTERS = ("fyn", "lillebaelt", "soenderjylland", "sydvestjylland")
# The members of two clusters (kommunekoder), from the regions' own descriptions of the clusters:
# Sønderjylland is Aabenraa, Haderslev, Sønderborg and Tønder; Lillebælt is Middelfart, Vejen,
# Fredericia, Kolding and Vejle (Vejen belongs to Sydvestjylland too).
MEMBERS = {
    "soenderjylland": {"580", "510", "540", "550"},
    "lillebaelt": {"410", "575", "607", "621", "630"},
}
# The overview's colour classes, by the mart's comparison (literal, as the legend names them).
COLOUR_CLASS = {
    "better": "cmp-better",
    "similar": "cmp-similar",
    "worse": "cmp-worse",
    "not compared": "cmp-not-compared",
    None: "cmp-none",
}


def _published(refreshed: Refreshed, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def year(refreshed: Refreshed) -> int:
    return _published(refreshed, "select max(year) from mart_cluster_activity_status")[0][0]


@pytest.fixture(scope="module")
def reports(refreshed: Refreshed, year: int) -> dict[str, Path]:
    """Every report the refresh wrote, by name: annual, each cluster's code, and period."""
    folder = refreshed.settings.reports_dir
    found = {"annual": folder / f"status_{year}.html", "period": None}
    found |= {c: folder / f"status_{year}_{c}.html" for c in CLUSTERS}
    found["period"] = folder / f"status_periode_SA2024_{year}.html"
    for name, html in found.items():
        assert html.exists() and html.with_suffix(".pdf").exists(), name
    return found


@pytest.fixture(scope="module")
def browser_page() -> Iterator:
    from dagster_project.report.browser import offline_page

    refused: list[str] = []
    with offline_page(refused) as page:
        yield page
    assert refused == []  # no report asked the network for anything


def _open(page, html: Path):
    page.goto(html.as_uri(), wait_until="load")
    return page


def _english_sentences() -> set[str]:
    """Every text of three words or more in a seed's English column (*_en), and the English
    value notes with their placeholders: none of it may reach a Danish report."""
    sentences = set()
    for seed in (REPO_ROOT / "seeds").glob("*.csv"):
        with seed.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                for column, value in row.items():
                    if column.endswith("_en") and value and len(value.split()) >= 3:
                        sentences.add(re.split(r"\{\w+\}", value)[0].strip())
    return {s for s in sentences if len(s.split()) >= 2}


def _visible_text(page) -> str:
    """What a reader can see or hear: the text, tooltips and the charts' text alternatives."""
    return page.evaluate(
        """() => document.body.innerText + "\\n" +
        [...document.querySelectorAll('[title]')].map(e => e.getAttribute('title')).join("\\n") +
        [...document.querySelectorAll('svg desc, svg title')].map(e => e.textContent).join("\\n")"""
    )


def test_no_english_sentence_from_the_seeds_reaches_any_report(
    reports: dict[str, Path], browser_page
) -> None:
    english = _english_sentences()
    # The seeds hold English definitions, caveats and notes the reports used to show.
    assert "Self-reported height and weight underestimate BMI" in english
    assert "suppressed: disclosure control" in english
    for name, html in reports.items():
        text = _visible_text(_open(browser_page, html))
        leaked = sorted(s for s in english if s in text)
        assert leaked == [], (name, leaked[:5])
    assert "Bemærk:" in text and "diskretioneret" in text


def test_the_overview_has_a_cell_per_indicator_and_geography_coloured_as_the_mart(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    page = _open(browser_page, reports["annual"])
    overview = page.locator("table.overview")
    cells = overview.locator("td.ov")
    indicators = _published(refreshed, "select indicator_code from dim_indicator")
    assert cells.count() == len(indicators) * 6  # four clusters, the region and Denmark
    latest = dict(
        _published(
            refreshed,
            "select indicator_code, max(year) from (select indicator_code, year from "
            "mart_indicator_cluster_year union all select indicator_code, year from "
            "mart_indicator_region_year where geography_code in ('083', '000')) group by 1",
        )
    )
    expected = {
        (code, cluster): compared
        for code, cluster, year, compared in _published(
            refreshed,
            "select indicator_code, cluster_code, year, compared_to_region "
            "from mart_indicator_cluster_year",
        )
        if year == latest[code]
    } | {
        (code, "region"): compared
        for code, year, compared in _published(
            refreshed,
            "select indicator_code, year, compared_to_denmark from mart_indicator_region_year "
            "where geography_code = '083'",
        )
        if year == latest[code]
    }
    assert len(expected) == len(indicators) * 5
    for (code, geography), compared in expected.items():
        cell = overview.locator(f"tr[data-indicator='{code}'] td[data-geography='{geography}']")
        assert COLOUR_CLASS[compared] in cell.get_attribute("class").split(), (code, geography)
    # Denmark is the benchmark, never coloured; the legend explains the colours.
    denmark = overview.locator("td[data-geography='denmark']")
    assert denmark.count() == len(indicators)
    assert all("cmp-benchmark" in c for c in denmark.evaluate_all("es => es.map(e => e.className)"))
    assert "Dårligere" in page.locator(".overview-legend").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#overview").screenshot(path=str(ARTIFACTS / "status_report_overview.png"))


def test_every_chart_axis_holds_all_its_values_and_intervals(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    rows = _published(
        refreshed,
        "select indicator_code, cluster_code, value, ci_lower, ci_upper "
        "from mart_indicator_cluster_year union all "
        "select indicator_code, case geography_level when 'region' then 'region' "
        "else 'denmark' end, value, ci_lower, ci_upper from mart_indicator_region_year "
        "where geography_code in ('083', '000')",
    )
    # The inequality section's charts draw each geography's SII with the region's interval.
    rows += [
        (
            f"sii-{code}",
            {"083": "region", "000": "denmark"}.get(geography, geography),
            sii,
            lower,
            upper,
        )
        for code, geography, sii, lower, upper in _published(
            refreshed,
            "select indicator_code, geography_code, sii, sii_ci_lower, sii_ci_upper "
            "from mart_inequality_year",
        )
    ]
    for report, selected in (("annual", None), ("fyn", "fyn")):
        page = _open(browser_page, reports[report])
        for chart in page.locator("svg.trend-chart").all():
            code = chart.get_attribute("data-indicator")
            low = float(chart.get_attribute("data-axis-min"))
            high = float(chart.get_attribute("data-axis-max"))
            checked = 0
            shown = set(
                chart.locator("g.series-group").evaluate_all("gs => gs.map(g => g.dataset.series)")
            )
            for indicator, series, value, ci_lower, ci_upper in rows:
                if indicator != code or series not in shown or value is None:
                    continue
                numbers = [value]
                if series in ("region", selected):
                    numbers += [n for n in (ci_lower, ci_upper) if n is not None]
                assert all(low <= n <= high for n in numbers), (report, code, series, numbers)
                checked += 1
            assert checked >= len(shown), (report, code)  # a value per line, at least
            if low > 0:
                assert chart.locator("g.axis-break").count() == 1, (report, code)
            if code.startswith("sii-"):  # a difference is read against zero
                assert low <= 0 <= high, (report, code)
            assert chart.locator("desc").text_content().startswith("Y-aksen går fra")
    # A share that moves between 86 % and 90 % is not drawn from zero (pupils' well-being).
    page = _open(browser_page, reports["annual"])
    thriving = page.locator("svg.trend-chart[data-indicator='pupils_thriving']")
    assert float(thriving.get_attribute("data-axis-min")) > 50
    # The region's intervals as a band; the cluster report's own cluster with whiskers.
    assert (
        page.locator(
            "svg.trend-chart:not([data-indicator^='sii-']) g.interval-band[data-series='region']"
        ).count()
        == 11
    )
    # Five survey indicators with respondents aged 25 and over, and the two labour indicators.
    assert page.locator("svg.trend-chart[data-indicator^='sii-']").count() == 7
    fyn = _open(browser_page, reports["fyn"])
    assert fyn.locator("g.whiskers[data-series='fyn'] g").count() > 0
    assert fyn.locator("g.series-group[data-series='lillebaelt']").count() == 0


def _text(page) -> str:
    """A PDF page's text with ligatures (ﬂ, ﬁ) undone."""
    return unicodedata.normalize("NFKC", page.extract_text())


def _pdf_pages(html: Path) -> list[str]:
    return [_text(page) for page in PdfReader(html.with_suffix(".pdf")).pages]


def _headings(page) -> list[str]:
    return page.locator("h1, h2, h3, h4").evaluate_all(
        "hs => hs.map(h => h.innerText.replace(/\\s+/g, ' ').trim())"
    )


def test_the_pdfs_have_page_numbers_and_no_page_of_headings_only(
    reports: dict[str, Path], browser_page
) -> None:
    for name, html in reports.items():
        pages = _pdf_pages(html)
        headings = _headings(_open(browser_page, html))
        heading_text = " ".join(headings)
        for number, text in enumerate(pages, start=1):
            footer = f"Side {number} af {len(pages)}"
            assert footer in text, (name, number)
            body = [
                line.strip()
                for line in text.replace(footer, "").splitlines()
                if line.strip()
                and not line.startswith("Statusrapport")
                and "SYNTETISKE" not in line
            ]
            assert len(" ".join(body)) > 200, (name, number, "a near-empty page", body)
            assert not all(line in heading_text for line in body), (name, number, body)
            # No heading left at the foot of a page, its content on the next.
            if number < len(pages):
                assert not any(h.endswith(body[-1]) for h in headings), (name, number, body[-1])
        # No heading is split across two pages.
        flat = [re.sub(r"\s+", " ", text) for text in pages]
        for heading in headings:
            assert any(heading in text for text in flat), (name, heading)


def test_the_annual_pdf_opens_with_the_overview_on_one_landscape_page_and_visions_on_new_pages(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    reader = PdfReader(reports["annual"].with_suffix(".pdf"))
    first = reader.pages[0]
    assert first.mediabox.width > first.mediabox.height  # landscape
    assert reader.pages[1].mediabox.width < reader.pages[1].mediabox.height
    overview = re.sub(r"\s+", " ", _text(first))
    for (name,) in _published(refreshed, "select indicator_name_da from dim_indicator"):
        assert name[:30] in overview, name
    assert "aldrig det samme som nul" in overview  # the legend and reading note fit too
    # Below the page's footer line, each vision's own page begins with the vision's heading.
    first_lines = [
        next(line for line in _text(p).splitlines() if not re.search(r"Side \d+ af", line))
        for p in reader.pages[1:]
    ]
    visions = _published(refreshed, "select vision_code, vision_name_da from dim_vision")
    for code, vision_name in visions:
        heading = f"Vision {code[1:]}: {vision_name}"
        assert sum(line.startswith(heading[:40]) for line in first_lines) == 1, heading


def test_each_cluster_report_shows_only_its_own_municipalities_and_activities(
    refreshed: Refreshed, reports: dict[str, Path], browser_page, year: int
) -> None:
    for cluster, members in MEMBERS.items():
        page = _open(browser_page, reports[cluster])
        shown = set(
            page.locator("tr[data-kommune]").evaluate_all("rs => rs.map(r => r.dataset.kommune)")
        )
        assert shown == members, cluster
        # Its own activities only: one row per objective it reported on this year.
        reported = _published(
            refreshed,
            "select count(*) from mart_cluster_activity_status where cluster_code = ? and year = ?",
            [cluster, year],
        )[0][0]
        assert page.locator("table.activities tr:has(td)").count() == reported
        assert "Hvad har ændret sig siden" in page.locator("#since-last-year").inner_text()
    page = _open(browser_page, reports["soenderjylland"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "status_report_soenderjylland.png"))
    assert (ARTIFACTS / "status_report_soenderjylland.png").stat().st_size > 30_000


def test_the_period_status_compares_baseline_and_latest_and_shows_the_old_target(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    page = _open(browser_page, reports["period"])
    assert "midtvejsstatus" in page.locator("h1").inner_text()
    objectives = _published(refreshed, "select objective_code from dim_objective")
    statuses = page.locator("table.objective-status tr[data-objective]")
    assert statuses.count() == len(objectives)
    # Sundhedsaftalen 2019-2023 set the region's daily smoking at 13 % (from 19 % in 2017).
    target = page.locator(
        "table.period-progress[data-indicator='daily_smoking'] tr[data-geography='083'] td.target"
    )
    assert target.inner_text() == "13 % (Sundhedsaftalen 2019-2023)"
    rows = page.locator("table.period-progress tr[data-geography]").count()
    assert rows == _published(refreshed, "select count(*) from mart_objective_progress")[0][0]


def test_the_inequality_section_gives_each_cluster_its_gradient_and_a_danish_sentence(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    page = _open(browser_page, reports["annual"])
    section = page.locator("#inequality")
    # It opens the report's content: right after the overview, before the first vision.
    order = page.locator("body > section").evaluate_all("ss => ss.map(s => s.id)")
    assert order[:3] == ["overview", "inequality", "vision-V1"]
    codes = _published(
        refreshed, "select distinct indicator_code from mart_inequality_year order by 1"
    )
    assert len(codes) == 7  # five survey indicators (aged 25 and over) and two labour ones
    for (code,) in codes:
        article = section.locator(f"article[data-indicator='{code}']")
        # The gradient: four clusters, the region and Denmark, six groups each.
        assert article.locator("table.gradient tr[data-geography]").count() == 6, code
        assert article.locator("table.gradient tr[data-geography] td[data-year]").count() == 36
        sentences = article.locator("ul.inequality-sentences li").all_inner_texts()
        assert len(sentences) == 6, code
        for sentence in sentences:
            assert "forskellen mellem korteste og længste uddannelse" in sentence, sentence
    # Where the gap is published, the sentence gives it in procentpoint, as the mart has it.
    gap = _published(
        refreshed,
        "select indicator_code, geography_code, abs_gap from mart_inequality_year "
        "where geography_code = '000' and abs_gap is not null order by year desc limit 1",
    )[0]
    sentence = section.locator(
        f"article[data-indicator='{gap[0]}'] li[data-geography='000']"
    ).inner_text()
    assert f"er {abs(gap[2]):.1f} procentpoint".replace(".", ",") in sentence


# Region Syddanmark's 22 municipalities (kommunekoder, Danmarks Statistik).
SYDDANMARK = {
    "410", "420", "430", "440", "450", "461", "479", "480", "482", "492", "510", "530",
    "540", "550", "561", "563", "573", "575", "580", "607", "621", "630",
}  # fmt: skip
# Fingertips' trend markers as the committee reads them (literal, not the report's dictionary).
TREND_WORDS = {
    "increasing_better": "Stigende og bedre",
    "increasing_worse": "Stigende og dårligere",
    "decreasing_better": "Faldende og bedre",
    "decreasing_worse": "Faldende og dårligere",
    "no_significant_change": "Ingen signifikant ændring",
    "could_not_be_calculated": "Kan ikke beregnes (under tre år med tal)",
}


def test_each_indicator_has_a_funnel_plot_of_the_regions_published_municipalities(
    refreshed: Refreshed, reports: dict[str, Path], browser_page
) -> None:
    """One funnel plot per indicator with municipal values: a dot for every municipality of the
    region whose value is published in the indicator's latest year, none for a withheld one; in
    a cluster report the cluster's own municipalities are the filled dots."""
    latest = dict(
        _published(
            refreshed,
            "select indicator_code, max(year) from mart_indicator_municipality_year"
            " where value is not null group by 1",
        )
    )
    page = _open(browser_page, reports["annual"])
    funnels = page.locator("svg.funnel-chart")
    assert funnels.count() == len(latest) > 5
    for indicator, year in latest.items():
        shown = {
            code
            for (code,) in _published(
                refreshed,
                "select kommune_kode from mart_indicator_municipality_year"
                " where indicator_code = ? and year = ? and value is not null",
                [indicator, year],
            )
        } & SYDDANMARK
        dots = page.locator(f"svg.funnel-chart[data-indicator='{indicator}'] circle")
        drawn = set(dots.evaluate_all("cs => cs.map(c => c.dataset.kommune)"))
        assert drawn == shown, indicator
    page = _open(browser_page, reports["soenderjylland"])
    filled = page.locator("svg.funnel-chart circle[fill='#E69F00']").evaluate_all(
        "cs => cs.map(c => c.dataset.kommune)"
    )
    assert filled and set(filled) <= MEMBERS["soenderjylland"]


def test_the_latest_values_carry_the_recent_trend_in_danish(
    reports: dict[str, Path], browser_page
) -> None:
    page = _open(browser_page, reports["annual"])
    cells = page.locator("table.latest td.trend[data-trend]:not([data-trend=''])")
    pairs = cells.evaluate_all("cs => cs.map(c => [c.dataset.trend, c.innerText.trim()])")
    assert len(pairs) > 20
    assert {code for code, _ in pairs} & {"no_significant_change", "could_not_be_calculated"}
    for code, text in pairs:
        assert text == TREND_WORDS[code], code
