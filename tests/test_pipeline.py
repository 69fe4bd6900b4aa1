"""The nightly refresh of the shipped sample, end to end: what it builds and publishes."""

from __future__ import annotations

import duckdb
import pytest
from dagster import AssetKey

from dagster_project.quality import GATED_MARTS
from dagster_project.reference_data import read_seed

from .conftest import SAMPLE_DIR, Refreshed, run_nightly

CLUSTERS = {"fyn", "lillebaelt", "sydvestjylland", "soenderjylland"}
SURVEY_INDICATORS = {
    "daily_smoking",
    "other_nicotine",
    "alcohol_over_10_units",
    "severe_obesity",
    "physically_active",
    "young_good_mental_health",
}
TRUTH = SAMPLE_DIR / "synthetic_truth" / "sundhedsprofilen_true_prevalence.csv"
pytestmark = pytest.mark.slow


def _published(refreshed: Refreshed) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(refreshed.settings.published_db), read_only=True)


def test_the_nightly_job_materialises_every_asset_and_runs_every_check(
    refreshed: Refreshed,
) -> None:
    repository = refreshed.defs.get_repository_def()
    all_assets = set(repository.asset_graph.get_all_asset_keys()) - {
        key
        for key in repository.asset_graph.get_all_asset_keys()
        if not repository.asset_graph.get(key).is_materializable
    }
    materialised = {e.asset_key for e in refreshed.result.get_asset_materialization_events()}
    assert materialised == all_assets
    assert AssetKey("published_warehouse") in materialised
    evaluated = {e.asset_check_key for e in refreshed.result.get_asset_check_evaluations()}
    assert evaluated == set(repository.asset_graph.asset_check_keys)
    assert all(e.passed for e in refreshed.result.get_asset_check_evaluations())


def test_every_cluster_indicator_and_survey_year_is_published(refreshed: Refreshed) -> None:
    with _published(refreshed) as conn:
        rows = conn.execute(
            "select cluster_code, indicator_code, year from mart_indicator_cluster_year"
        ).fetchall()
        years = {
            y
            for (y,) in conn.execute(
                "select distinct survey_year from read_csv(?)",
                [str(SAMPLE_DIR / "landing" / "sundhedsprofilen" / "*.csv")],
            ).fetchall()
        }
    assert len(rows) == len(set(rows)) == len(CLUSTERS) * len(SURVEY_INDICATORS) * len(years)
    assert {(c, i, y) for c, i, y in rows} == {
        (c, i, y) for c in CLUSTERS for i in SURVEY_INDICATORS for y in years
    }


def test_published_values_recover_the_generators_true_prevalences(refreshed: Refreshed) -> None:
    """95% intervals cover the truth about 95% of the time; region and Denmark within 3.5 SE."""
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:
        conn.execute(
            "create temp table truth as "
            "select * from read_csv(?, types = {'kommune_kode': 'varchar'})",
            [str(TRUTH)],
        )
        geography_truth = """
            with memberships as (
                select 'cluster' as level, cluster_code as code, kommune_kode
                from marts.dim_cluster_membership where is_current
                union all
                select 'municipality', kommune_kode, kommune_kode from marts.dim_municipality
                union all select 'region', region_code, kommune_kode from marts.dim_municipality
                union all select 'country', '000', kommune_kode from marts.dim_municipality
            )
            select level, code, indicator_code, year,
                   sum(population * true_prevalence) / sum(population) as p
            from truth join memberships using (kommune_kode) group by all
        """
        rows = conn.execute(
            f"""
            select e.geography_level, e.proportion,
                   e.proportion_ci_lower, e.proportion_ci_upper, t.p
            from intermediate.int_indicator_estimates e
            join ({geography_truth}) t
              on t.level = e.geography_level and t.code = e.geography_code
             and t.indicator_code = e.indicator_code and t.year = e.year
            where not e.is_suppressed
            """
        ).fetchall()
    by_level: dict[str, list] = {}
    for level, *values in rows:
        by_level.setdefault(level, []).append(values)
    assert set(by_level) == {"municipality", "cluster", "region", "country"}
    for level in ("municipality", "cluster"):
        covered = [low <= p <= high for _, low, high, p in by_level[level]]
        assert len(covered) > 100 and sum(covered) / len(covered) >= 0.9, level
    for estimate, low, high, p in by_level["region"] + by_level["country"]:
        standard_error = (high - low) / (2 * 1.959964)
        assert abs(estimate - p) <= 3.5 * standard_error


def test_vejen_counts_in_both_clusters_and_once_in_the_region(refreshed: Refreshed) -> None:
    syddanmark = {
        m["kommune_kode"] for m in read_seed("municipalities") if m["region_code"] == "083"
    }
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:

        def persons(level: str, codes: set[str]) -> int:
            return conn.execute(
                "select sum(n_persons) from intermediate.int_indicator_geography_sums "
                "where indicator_code = 'daily_smoking' and year = 2021 and geography_level = ? "
                f"and geography_code in ({', '.join('?' * len(codes))})",
                [level, *sorted(codes)],
            ).fetchone()[0]

        members = dict(
            conn.execute(
                "select cluster_code, list(kommune_kode) from marts.dim_cluster_membership "
                "where is_current group by 1"
            ).fetchall()
        )
        vejen = persons("municipality", {"575"})
        for cluster in ("lillebaelt", "sydvestjylland"):
            assert "575" in members[cluster]
            assert persons("cluster", {cluster}) == persons("municipality", set(members[cluster]))
        region = persons("region", {"083"})
        assert vejen > 0
        assert region == persons("municipality", syddanmark)
        assert persons("cluster", CLUSTERS) == region + vejen


def test_no_person_identifier_or_small_cell_is_published(refreshed: Refreshed) -> None:
    with _published(refreshed) as conn:
        columns = conn.execute("select table_name, column_name from duckdb_columns()").fetchall()
        assert not [c for c in columns if any(w in c[1] for w in ("respondent", "person", "cpr"))]
        for mart in GATED_MARTS:
            small = conn.execute(
                f"select count(*) from {mart} where value is not null and n_unweighted < 20"
            ).fetchone()[0]
            assert small == 0
            hidden = conn.execute(
                "select count(*), count(value), count(numerator), count(n_unweighted), "
                f"count(value_note) "
                f"from {mart} where is_suppressed"
            ).fetchone()
            assert hidden[0] > 0 and hidden[1:4] == (0, 0, 0) and hidden[4] == hidden[0]
        unsuppressed_small = conn.execute(
            "select count(*) from fct_indicator_observation "
            "where not is_suppressed and n_unweighted < 20"
        ).fetchone()[0]
    assert unsuppressed_small == 0


def test_synthetic_figures_are_labelled_synthetic(refreshed: Refreshed) -> None:
    with _published(refreshed) as conn:
        labelled = conn.execute(
            "select bool_and(is_synthetic), bool_and(value_note like 'synthetic data%') "
            "from mart_indicator_cluster_year"
        ).fetchone()
    assert labelled == (True, True)


def test_a_second_run_on_unchanged_files_loads_nothing_and_publishes_the_same_marts(
    refreshed: Refreshed,
) -> None:
    def mart_contents() -> list:
        with _published(refreshed) as conn:
            return conn.execute("select * from mart_indicator_cluster_year order by all").fetchall()

    before = mart_contents()
    result = run_nightly(refreshed.defs, refreshed.instance)
    assert result.success
    ingestion = [
        e for e in result.get_asset_materialization_events() if e.asset_key.path[0] == "raw"
    ]
    assert len(ingestion) == 2
    assert all(e.materialization.metadata["skipped_unchanged"].value for e in ingestion)
    assert mart_contents() == before
    with _published(refreshed) as conn:
        assert conn.execute("select run_id from _publication").fetchone()[0] == result.run_id
