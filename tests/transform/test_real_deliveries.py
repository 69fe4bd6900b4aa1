"""Published estimates and aggregated count tables in the marts, on the shipped sample's real
files: the 2010 survey round as the publisher's municipal estimates, the 2021 round both as
respondents and as the publisher's estimates, the labour register as count tables for
2022-2024 (2024 also person-level). Expected values are computed here from the
landing files with plain Python, never read from the warehouse's own intermediate tables."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

Z = 1.959964
# The clusters as the agreement names them (Vejen, 575, in both Lillebælt and Sydvestjylland).
CLUSTERS = {
    "fyn": ["461", "420", "430", "440", "450", "479", "480", "482", "492"],
    "lillebaelt": ["410", "607", "621", "630", "575"],
    "sydvestjylland": ["561", "563", "573", "530", "575"],
    "soenderjylland": ["510", "540", "550", "580"],
}
VEJEN = "575"


@pytest.fixture(scope="module")
def published(refreshed: Refreshed) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        yield conn


def _estimates(
    landing: Path, publisher_name: str, year: int = 2010
) -> dict[str, tuple[float, float, float]]:
    """{area name: (share, lower, upper)} in percent, as the file says, decimal commas read."""
    path = landing / "sundhedsprofilen_estimates" / f"sundhedsprofilen_estimates_{year}.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [
            r for r in csv.DictReader(handle, delimiter=";") if r["indikator"] == publisher_name
        ]

    def number(text: str) -> float:
        return float(text.replace(",", "."))

    return {
        r["kommune"]: (number(r["andel"]), number(r["ki_nedre"]), number(r["ki_oevre"]))
        for r in rows
    }


def _population_16_plus(landing: Path) -> dict[str, int]:
    """Residents aged 16 and over per area code on 1 January 2010, summed from FOLK1A."""
    totals: dict[str, int] = {}
    with (landing / "folk1a" / "FOLK1A_2010K1.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["KØN"] in ("1", "2") and row["ALDER"].isdigit() and int(row["ALDER"]) >= 16:
                totals[row["OMRÅDE"]] = totals.get(row["OMRÅDE"], 0) + int(row["INDHOLD"])
    return totals


def _names(published: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        published.execute("select kommune_kode, kommune_name_da from dim_municipality").fetchall()
    )


def test_cluster_values_and_intervals_are_the_population_weighted_combination(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    landing = refreshed.settings.landing_dir
    shares = _estimates(landing, "Andel der ryger dagligt")
    population = _population_16_plus(landing)
    names = _names(published)
    for cluster, members in CLUSTERS.items():
        weights = [population[k] for k in members]
        total = sum(weights)
        p = sum(w * shares[names[k]][0] for w, k in zip(weights, members, strict=True)) / total
        se = math.sqrt(
            sum(
                (w / total) ** 2 * ((shares[names[k]][2] - shares[names[k]][1]) / (2 * Z)) ** 2
                for w, k in zip(weights, members, strict=True)
            )
        )
        # A plain average of the members' shares is not the cluster's value.
        average = sum(shares[names[k]][0] for k in members) / len(members)
        value, low, high, kind = published.execute(
            "select value, ci_lower, ci_upper, source_kind from mart_indicator_cluster_year "
            "where indicator_code = 'daily_smoking' and year = 2010 and cluster_code = ?",
            [cluster],
        ).fetchone()
        assert kind == "published_estimate"
        assert value == pytest.approx(p, abs=0.051), cluster
        assert low == pytest.approx(max(p - Z * se, 0), abs=0.051), cluster
        assert high == pytest.approx(min(p + Z * se, 100), abs=0.051), cluster
        if abs(average - p) > 0.2:
            assert abs(value - average) > 0.1, cluster


def test_vejen_weighs_in_both_of_its_clusters(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    landing = refreshed.settings.landing_dir
    shares = _estimates(landing, "Svær overvægt")
    population = _population_16_plus(landing)
    names = _names(published)

    def combined(members: list[str]) -> float:
        total = sum(population[k] for k in members)
        return sum(population[k] * shares[names[k]][0] for k in members) / total

    for cluster in ("lillebaelt", "sydvestjylland"):
        (value,) = published.execute(
            "select value from mart_indicator_cluster_year where indicator_code = "
            "'severe_obesity' and year = 2010 and cluster_code = ?",
            [cluster],
        ).fetchone()
        with_vejen = combined(CLUSTERS[cluster])
        without = combined([k for k in CLUSTERS[cluster] if k != VEJEN])
        assert value == pytest.approx(with_vejen, abs=0.051), cluster
        assert abs(with_vejen - without) > 0.1  # Vejen's share moves the cluster: a real check


def test_municipalities_region_and_denmark_show_the_publishers_own_figures(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    landing = refreshed.settings.landing_dir
    smoking = _estimates(landing, "Andel der ryger dagligt")
    assert (
        published.execute(
            "select value, ci_lower, ci_upper from mart_indicator_municipality_year "
            "where indicator_code = 'daily_smoking' and year = 2010 and kommune_kode = '461'"
        ).fetchone()
        == smoking["Odense"]
    )
    for code, name in (("083", "Region Syddanmark"), ("000", "Hele landet")):
        assert (
            published.execute(
                "select value, ci_lower, ci_upper from mart_indicator_region_year "
                "where indicator_code = 'daily_smoking' and year = 2010 and geography_code = ?",
                [code],
            ).fetchone()
            == smoking[name]
        )
    # Published as the share not meeting the recommendations: physically active is 100 minus it.
    inactive = _estimates(landing, "Opfylder ikke WHOs anbefalinger for fysisk aktivitet")
    share, low, high = inactive["Region Syddanmark"]
    value, ci_lower, ci_upper = published.execute(
        "select value, ci_lower, ci_upper from mart_indicator_region_year "
        "where indicator_code = 'physically_active' and year = 2010 and geography_code = '083'"
    ).fetchone()
    assert (value, ci_lower, ci_upper) == pytest.approx((100 - share, 100 - high, 100 - low))


def _count_rows(landing: Path, year: int) -> list[dict]:
    path = landing / "register_counts" / f"labour_counts_{year}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_blanked_total_is_withheld_in_every_total_it_belongs_to(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    rows = _count_rows(refreshed.settings.landing_dir, 2022)
    blanked = [
        r
        for r in rows
        if r["sex"] == r["age_band"] == "TOT"
        and "<5" in (r["numerator"], r["denominator"])
        and any(r["kommune_kode"] in m for m in CLUSTERS.values())
    ]
    assert blanked, "the sample has a Syddanmark municipality whose total is blanked"
    for row in blanked:
        indicator, kommune = row["indicator_code"], row["kommune_kode"]
        suppressed, value, note = published.execute(
            "select is_suppressed, value, value_note from mart_indicator_municipality_year "
            "where indicator_code = ? and year = 2022 and kommune_kode = ?",
            [indicator, kommune],
        ).fetchone()
        assert suppressed and value is None and "blanked by the publisher" in note
        for cluster, members in CLUSTERS.items():
            if kommune in members:
                assert published.execute(
                    "select is_suppressed and value is null from mart_indicator_cluster_year "
                    "where indicator_code = ? and year = 2022 and cluster_code = ?",
                    [indicator, cluster],
                ).fetchone() == (True,), cluster
        assert published.execute(
            "select bool_and(is_suppressed) from mart_indicator_region_year "
            "where indicator_code = ? and year = 2022 and geography_code in ('083', '000')",
            [indicator],
        ).fetchone() == (True,)
        assert published.execute(
            "select count(numerator) from fct_indicator_observation "
            "where indicator_code = ? and year = 2022 and kommune_kode = ?",
            [indicator, kommune],
        ).fetchone() == (0,)


def test_a_blanked_part_stays_withheld_and_the_known_total_is_published(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    rows = _count_rows(refreshed.settings.landing_dir, 2023)
    by_key = {(r["indicator_code"], r["kommune_kode"], r["sex"], r["age_band"]): r for r in rows}
    cases = [
        r
        for r in rows
        if r["sex"] != "TOT"
        and r["age_band"] != "TOT"
        and r["numerator"] == "<5"
        and by_key[(r["indicator_code"], r["kommune_kode"], "TOT", "TOT")]["numerator"] != "<5"
    ]
    assert len(cases) > 10
    for part in cases[:25]:
        indicator, kommune = part["indicator_code"], part["kommune_kode"]
        total = by_key[(indicator, kommune, "TOT", "TOT")]
        numerator, denominator, value = published.execute(
            "select numerator, denominator, value from mart_indicator_municipality_year "
            "where indicator_code = ? and year = 2023 and kommune_kode = ?",
            [indicator, kommune],
        ).fetchone()
        if value is None:
            continue  # withheld for another reason (a small total, or to protect another)
        assert (numerator, denominator) == (int(total["numerator"]), int(total["denominator"]))
        # The blanked part's table level (sex × age band) is not what is published: a coarser
        # level without a blanked cell is, so the part cannot be had by subtraction either.
        published_cells = published.execute(
            "select sex_code, age_band_code from fct_indicator_observation "
            "where indicator_code = ? and year = 2023 and kommune_kode = ? "
            "and numerator is not null",
            [indicator, kommune],
        ).fetchall()
        sexes = {sex for sex, _ in published_cells}
        bands = {band for _, band in published_cells}
        assert sexes == {"T"} or len(bands) == 1, (part, published_cells)


def test_person_level_data_win_over_a_count_table_of_the_same_year(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    rows = _count_rows(refreshed.settings.landing_dir, 2024)
    odense = {
        r["indicator_code"]: int(r["denominator"])
        for r in rows
        if r["kommune_kode"] == "461" and r["sex"] == r["age_band"] == "TOT"
    }
    for indicator, persons in odense.items():
        kind, denominator, note = published.execute(
            "select source_kind, denominator, value_note from mart_indicator_municipality_year "
            "where indicator_code = ? and year = 2024 and kommune_kode = '461'",
            [indicator],
        ).fetchone()
        assert kind == "microdata"
        assert denominator == persons  # the same persons once, not twice
        assert "person-level data used; the aggregated count table for the year is not" in note
    # Years only the count tables cover are published from them.
    kinds = published.execute(
        "select year, list(distinct source_kind) from mart_indicator_cluster_year "
        "where indicator_code = 'somatic_labour_attached' group by year order by year"
    ).fetchall()
    assert kinds == [
        (2022, ["aggregated_counts"]),
        (2023, ["aggregated_counts"]),
        (2024, ["microdata"]),
        (2025, ["microdata"]),
    ]


def test_respondents_win_over_the_publishers_estimates_of_the_same_year(
    refreshed: Refreshed, published: duckdb.DuckDBPyConnection
) -> None:
    """2021 comes both ways: the value is the respondents' weighted share, never the estimate."""
    landing = refreshed.settings.landing_dir
    published_share = _estimates(landing, "Andel der ryger dagligt", 2021)["Odense"][0]
    with (landing / "sundhedsprofilen" / "sundhedsprofilen_2021.csv").open(newline="") as handle:
        answered = [
            r
            for r in csv.DictReader(handle)
            if r["kommune_kode"] == "461" and r["daily_smoker"] != "" and int(r["age"]) >= 16
        ]
    weight = sum(float(r["weight"]) for r in answered)
    smokers = sum(float(r["weight"]) for r in answered if r["daily_smoker"] == "1")
    respondents_share = round(100 * smokers / weight, 1)
    assert respondents_share != published_share  # else the test could not tell them apart

    kind, value, n, note = published.execute(
        "select source_kind, value, n_unweighted, value_note from mart_indicator_municipality_year "
        "where indicator_code = 'daily_smoking' and year = 2021 and kommune_kode = '461'"
    ).fetchone()
    assert (kind, value, n) == ("microdata", respondents_share, len(answered))
    assert "person-level data used; the published estimates for the year are not" in note
    # No geography's 2021 survey value comes from the estimates; 2010's all do.
    for mart in ("mart_indicator_municipality_year", "mart_indicator_cluster_year"):
        kinds = published.execute(
            f"select year, list(distinct source_kind) from {mart} "
            "where indicator_code = 'daily_smoking' and year in (2010, 2021) "
            "group by year order by year"
        ).fetchall()
        assert kinds == [(2010, ["published_estimate"]), (2021, ["microdata"])], mart


def test_every_published_row_says_where_it_came_from(
    published: duckdb.DuckDBPyConnection,
) -> None:
    for mart in (
        "mart_indicator_cluster_year",
        "mart_indicator_municipality_year",
        "mart_indicator_region_year",
    ):
        kinds = dict(
            published.execute(
                f"select source_kind, count(*) from {mart} group by source_kind"
            ).fetchall()
        )
        assert set(kinds) == {"microdata", "aggregated_counts", "published_estimate"}, mart
    assert published.execute(
        "select distinct source_kind from mart_indicator_cluster_year where year = 2010"
    ).fetchall() == [("published_estimate",)]
    assert published.execute(
        "select count(*) from mart_objective_progress "
        "where latest_year is not null and source_kind is null"
    ).fetchone() == (0,)
