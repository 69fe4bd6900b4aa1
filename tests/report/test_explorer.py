"""The offline explorer of the shipped sample's release, opened from the file system in headless
Chromium with every request that is not a local file refused, as a consultant would open it.

Figures on screen are compared with the published marts read here with SQL; accessibility is
axe-core's check (vendored from npm like the charting library). Screenshots of each view go to
test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from dagster_project.settings import REPO_ROOT
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "test-artifacts"
AXE = REPO_ROOT / "explorer" / "node_modules" / "axe-core" / "axe.min.js"
VIEWS = ["overblik", "profil", "sammenlign", "udvikling", "lighed", "definitioner"]
# The region's 22 municipalities and its four clusters, as the agreement names them.
SYDDANMARK = {
    "410", "420", "430", "440", "450", "461", "479", "480", "482", "492", "510", "530", "540",
    "550", "561", "563", "573", "575", "580", "607", "621", "630",
}  # fmt: skip
CLUSTERS = {"fyn", "lillebaelt", "sydvestjylland", "soenderjylland"}


@pytest.fixture(scope="module")
def explorer(refreshed: Refreshed) -> Path:
    return refreshed.settings.warehouse_dir / "explorer" / "index.html"


@pytest.fixture(scope="module")
def web_server(explorer: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """The explorer's folder served by Python's own static file server, as any plain web
    server would serve it: its origin and the (path, status) of every request it answered."""
    served: list[tuple[str, int]] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_request(self, code="-", size="-") -> None:
            served.append((self.path, int(code)))

    folder = explorer.parent.resolve()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", served
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def page_and_problems(explorer: Path, web_server: tuple) -> Iterator[tuple]:
    """One headless Chromium page for the module: local files and the local web server only."""
    from dagster_project.report.browser import offline_page

    refused: list[str] = []
    errors: list[str] = []
    with offline_page(refused, served_from=web_server[0]) as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        yield page, refused, errors


def _open(page, explorer: Path, selection: str) -> None:
    page.goto(f"{explorer.as_uri()}#{selection}")
    page.wait_for_selector("body[data-ready]")


def _comma(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def test_the_explorer_is_part_of_the_release_it_shows(refreshed: Refreshed) -> None:
    warehouse = refreshed.settings.warehouse_dir
    assert (warehouse / "explorer").is_symlink()
    assert (warehouse / "explorer").resolve().parent == (warehouse / "published").resolve()
    files = {p.name for p in (warehouse / "explorer").rglob("*") if p.is_file()}
    assert {"index.html", "explorer.js", "explorer.css", "data.js"} <= files
    assert {"d3.min.js", "plot.umd.min.js"} <= files
    # Nothing in it names a place outside its folder.
    for path in (warehouse / "explorer").glob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path.name


def test_every_view_renders_for_every_geography_offline_without_errors(
    explorer: Path, page_and_problems: tuple
) -> None:
    page, refused, errors = page_and_problems
    ARTIFACTS.mkdir(exist_ok=True)
    for view in VIEWS:
        _open(page, explorer, f"vis={view}")
        assert page.locator("#view-title").inner_text() == view.capitalize()
        page.screenshot(path=str(ARTIFACTS / f"explorer_{view}.png"))
    areas = page.evaluate("window.SUNDHEDSDATA.areas.map(a => [a.code, a.level])")
    assert {c for c, level in areas if level == "municipality"} == SYDDANMARK
    assert {c for c, level in areas if level == "cluster"} == CLUSTERS
    for code, level in areas:
        if level != "country":
            _open(page, explorer, f"vis=profil&omr={code}")
            assert page.locator("#profile figure").count() > 0, code
        _open(page, explorer, f"vis=udvikling&ind=daily_smoking&omraader={code}")
        assert page.locator("#view > figure").count() == 1, code
        if level != "municipality":
            _open(page, explorer, f"vis=lighed&ind=daily_smoking&omr={code}")
            # The gradient, and the SII over time where the mart has one.
            sii = page.evaluate(
                "c => window.SUNDHEDSDATA.inequality.some("
                "q => q.i === 'daily_smoking' && q.a === c && q.v !== null)",
                code,
            )
            assert page.locator("#view > figure").count() == 1 + sii, code
            if not sii:
                assert "kan ikke beregnes" in page.locator("#view").inner_text(), code
    assert errors == []
    assert refused == []


def test_a_selection_changes_the_chart_and_its_permalink_restores_it(
    explorer: Path, page_and_problems: tuple
) -> None:
    page, _, errors = page_and_problems
    _open(page, explorer, "vis=sammenlign&ind=daily_smoking")
    before = page.locator("figcaption").first.inner_text()
    page.select_option("#valg-ind", "severe_obesity")
    page.wait_for_function("location.hash.includes('ind=severe_obesity')")
    after = page.locator("figcaption").first.inner_text()
    assert before.startswith("Andel dagligrygere") and after != before
    page.select_option("#valg-aar", "2021")
    permalink = page.url
    assert "aar=2021" in permalink
    page.goto("about:blank")
    page.goto(permalink)
    page.wait_for_selector("body[data-ready]")
    assert page.locator("#valg-ind").input_value() == "severe_obesity"
    assert page.locator("#valg-aar").input_value() == "2021"
    assert page.locator("figcaption").first.inner_text() == after.replace("2025", "2021")
    assert errors == []


def test_figures_on_screen_equal_the_published_marts(
    refreshed: Refreshed, explorer: Path, page_and_problems: tuple
) -> None:
    page, _, _ = page_and_problems
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        odense, lo, hi = conn.execute(
            "select value, ci_lower, ci_upper from mart_indicator_municipality_year "
            "where indicator_code = 'daily_smoking' and kommune_kode = '461' and year = 2025"
        ).fetchone()
        fyn = conn.execute(
            "select value from mart_indicator_cluster_year "
            "where indicator_code = 'severe_obesity' and cluster_code = 'fyn' and year = 2021"
        ).fetchone()[0]
        # Withheld values among the region's municipalities, the clusters, the region and Denmark.
        withheld = conn.execute(
            "select (select count(*) from mart_indicator_municipality_year m "
            "  join dim_municipality d using (kommune_kode) where d.region_code = '083' "
            "  and m.is_suppressed and m.indicator_code = ? and m.year = 2025)"
            " + (select count(*) from mart_indicator_cluster_year where is_suppressed "
            "  and indicator_code = ? and year = 2025)"
            " + (select count(*) from mart_indicator_region_year where is_suppressed "
            "  and geography_code in ('083', '000') and indicator_code = ? and year = 2025)",
            ["young_good_mental_health"] * 3,
        ).fetchone()[0]
    _open(page, explorer, "vis=sammenlign&ind=daily_smoking&aar=2025")
    row = page.locator("details table tr", has=page.locator("th", has_text="Odense"))
    assert row.locator("td").nth(0).text_content() == _comma(odense)
    assert row.locator("td").nth(1).text_content() == f"{_comma(lo)}-{_comma(hi)}"
    _open(page, explorer, "vis=udvikling&ind=severe_obesity&omraader=fyn")
    row = page.locator("details table tr", has=page.locator("td", has_text="2021"))
    assert row.locator("td").nth(1).text_content() == _comma(fyn)
    _open(page, explorer, "vis=sammenlign&ind=young_good_mental_health&aar=2025")
    values = page.locator("details table tbody td:nth-child(2)")  # the column "Værdi"
    shown_withheld = values.filter(has_text="diskretioneret").count()
    assert withheld > 0 and shown_withheld == withheld


def test_no_serious_accessibility_violation_in_any_view(
    explorer: Path, page_and_problems: tuple
) -> None:
    page, _, _ = page_and_problems
    found = {}
    for view in VIEWS:
        _open(page, explorer, f"vis={view}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])})"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            found[view] = serious
    assert found == {}


def test_the_explorer_works_from_a_plain_web_server(
    web_server: tuple, page_and_problems: tuple
) -> None:
    """Every view draws from the served folder, and every request stays inside the folder and
    finds its file."""
    origin, served = web_server
    page, refused, errors = page_and_problems
    errors.clear()  # earlier tests' problems are theirs (axe-core reads stylesheets, for one)
    refused.clear()
    for view in VIEWS:
        page.goto(f"{origin}/index.html#vis={view}")
        page.wait_for_selector(f"body[data-ready={view}]")
        assert page.locator("#view-title").inner_text() == view.capitalize()
    page.goto(f"{origin}/index.html#vis=profil&omr=461")
    page.wait_for_selector("body[data-ready=profil]")
    assert page.locator("#profile figure").count() > 0
    assert errors == [] and refused == []
    paths = {path for path, _ in served}
    assert {
        "/index.html", "/explorer.js", "/explorer.css", "/data.js",
        "/vendor/d3.min.js", "/vendor/plot.umd.min.js",
    } <= paths  # fmt: skip
    assert [(path, code) for path, code in served if code not in (200, 304)] == []


def test_profiles_show_the_change_since_the_agreements_baseline(
    refreshed: Refreshed, explorer: Path, page_and_problems: tuple
) -> None:
    """The baseline is the last published value up to 2024, the first year of Sundhedsaftalen
    2024-2027: a municipality's by that rule from its own series, a cluster's the progress
    mart's with its status."""
    page, _, errors = page_and_problems
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        odense = conn.execute(
            "select year, value from mart_indicator_municipality_year "
            "where indicator_code = 'daily_smoking' and kommune_kode = '461' "
            "and not is_suppressed order by year"
        ).fetchall()
        fyn = conn.execute(
            "select baseline_year, baseline_value, change_points from mart_objective_progress "
            "where indicator_code = 'daily_smoking' and geography_code = 'fyn'"
        ).fetchone()
    base_year, base_value = [(y, v) for y, v in odense if y <= 2024][-1]
    change = odense[-1][1] - base_value
    expected = (
        f"{'+' if change >= 0 else ''}{_comma(change)} point siden udgangspunktet "
        f"{base_year} ({_comma(base_value)})"
    )
    _open(page, explorer, "vis=profil&omr=461")
    row = page.locator("details table tr", has=page.locator("th", has_text="Andel dagligrygere"))
    assert row.locator("td").last.text_content() == expected
    _open(page, explorer, "vis=profil&omr=fyn")
    row = page.locator("details table tr", has=page.locator("th", has_text="Andel dagligrygere"))
    shown = row.locator("td").last.text_content()
    sign = "+" if fyn[2] >= 0 else ""
    assert shown.startswith(f"{sign}{_comma(fyn[2])} point siden udgangspunktet {fyn[0]}")
    assert errors == []


def test_definitions_give_each_indicator_in_danish(
    explorer: Path, page_and_problems: tuple
) -> None:
    page, _, _ = page_and_problems
    _open(page, explorer, "vis=definitioner")
    headers = page.locator("#view thead th").all_text_contents()
    assert headers[:4] == ["Indikator", "Definition", "Tæller", "Nævner"]
    rows = page.locator("#view tbody tr")
    assert rows.count() == 11  # the eleven indicators the warehouse follows
    for k in range(rows.count()):
        cells = rows.nth(k).locator("td").all_text_contents()
        assert all(cells[:3]), rows.nth(k).locator("th").text_content()
    smoking = page.locator("#view tbody tr", has=page.locator("th", has_text="Andel dagligrygere"))
    assert "ryger dagligt" in smoking.locator("td").first.text_content()
