"""Incremental nights: one new year's extract rebuilds what depends on it, and only that.

Each night's publication is compared with benchmarks/floor.sql computed from scratch over the
same landing files, so "incremental" can never drift from "full".
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import duckdb
import pytest

from dagster_project.sources.labour import LABOUR
from dagster_project.sources.raw_layer import sync_source
from dagster_project.transform.plan import night_plan, reference_tests, unaffected_nodes
from dagster_project.transform.project import dbt_project
from tests.benchmark_commands import compare, export_platform_values, run_implementation
from tests.conftest import Refreshed, run_nightly

pytestmark = pytest.mark.slow

EDUCATION_GROUPS = (
    "grundskole",
    "gymnasial_erhvervsfaglig",
    "kort_mellemlang_videregaaende",
    "lang_videregaaende",
    "under_uddannelse",
    "ukendt",
)


# The labour models incremental by year: each keeps the years it did not re-sum as they were.
INCREMENTAL = ("int_labour__indicator_cells", "int_labour__education_cells")


def _summed_at(refreshed: Refreshed) -> dict[tuple[str, int], object]:
    """(model, year) -> when that year was summed, for each incremental labour model."""
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:
        return {
            (model, year): summed_at
            for model in INCREMENTAL
            for year, summed_at in conn.execute(
                f"select year, max(summed_at) from intermediate.{model} group by year"
            ).fetchall()
        }


def _agrees_with_floor(refreshed: Refreshed, work: Path) -> None:
    platform, floor = work / "platform.parquet", work / "floor.parquet"
    export_platform_values(refreshed.settings.published_db, platform)
    run_implementation("benchmarks.floor", refreshed.settings.landing_dir, floor)
    agreement = compare("floor from scratch", platform, floor)
    assert agreement["agrees"], agreement["summary"]


def _rebuilt(result, asset: str) -> bool:
    events = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    return "rebuilt" not in events[asset]


def _withheld_by_education(refreshed: Refreshed, year: int) -> dict[tuple[str, str], set]:
    """Per cluster × indicator of the year: the groups published, and whether any is said to
    be empty ("no data")."""
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        rows = conn.execute(
            "select geography_code, indicator_code, education_group, is_suppressed, value_note "
            "from mart_indicator_education_year where year = ? and geography_level = 'cluster'",
            [year],
        ).fetchall()
    shown: dict[tuple[str, str], set] = {}
    for cluster, indicator, group, suppressed, note in rows:
        cells = shown.setdefault((cluster, indicator), set())
        if not suppressed:
            cells.add(group)
        elif "no data" in (note or ""):
            cells.add(f"{group}: no data")
    return shown


def test_a_new_or_redelivered_labour_year_re_sums_that_year_only_and_removal_removes_it(
    fresh_copy: Refreshed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new year arrives in the register's older form, without education_group: everyone is
    of unknown education, so a withheld unknown group can have no complement with persons.

    The process's environment points dbt's profile somewhere else: the settings reach dbt as
    arguments, so the build lands in the settings' warehouse and the environment is untouched."""
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("SUNDHEDSDATA_WAREHOUSE_DIR", str(elsewhere))
    labour = fresh_copy.settings.landing_dir / "labour"
    newest = max(labour.glob("labour_*.parquet"))
    year = int(newest.stem.split("_")[1]) + 1
    added = labour / f"labour_{year}.parquet"
    duckdb.execute(
        f"copy (select * exclude (education_group) replace ({year} as year) "
        f"from read_parquet('{newest}')) to '{added}' (format parquet)"
    )
    before = _summed_at(fresh_copy)

    result = run_nightly(fresh_copy.defs, fresh_copy.instance)

    assert result.success
    after = _summed_at(fresh_copy)
    assert set(after) == set(before) | {(model, year) for model in INCREMENTAL}
    assert {key: after[key] for key in before} == before, "an unchanged year was summed again"
    assert _rebuilt(result, "intermediate/int_labour__indicator_cells")
    assert _rebuilt(result, "intermediate/int_labour__education_cells")
    assert _rebuilt(result, "marts/mart_indicator_cluster_year")
    assert not _rebuilt(result, "intermediate/int_sundhedsprofilen__indicator_cells")
    assert not _rebuilt(result, "marts/mart_cluster_activity_status")
    assert "published_warehouse" in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    _agrees_with_floor(fresh_copy, tmp_path)
    assert not elsewhere.exists()
    assert os.environ["SUNDHEDSDATA_WAREHOUSE_DIR"] == str(elsewhere)
    # The night passed the disclosure audit. A file without the education column puts every
    # person in the unknown group, so each cluster's unknown group holds all its adults - a
    # count far above the threshold that the published cells give away anyway - and nothing
    # by education is sensitive: every cluster shows its unknown group beside five known-empty
    # groups, Vejen's two clusters included (the disclosure engine withholds nothing here).
    empty = {f"{g}: no data" for g in EDUCATION_GROUPS if g != "ukendt"}
    shown = _withheld_by_education(fresh_copy, year)
    assert set(map(frozenset, shown.values())) == {frozenset({"ukendt"} | empty)}

    # One night later: a corrected re-delivery of an existing year re-sums that year only, and
    # the new year's file is withdrawn, which removes its year.
    redelivered = int(newest.stem.split("_")[1])
    corrected = tmp_path / newest.name
    duckdb.execute(
        f"copy (select * from read_parquet('{newest}') where hash(person_key) % 10 <> 0) "
        f"to '{corrected}' (format parquet)"
    )
    shutil.move(corrected, newest)
    added.unlink()
    result = run_nightly(fresh_copy.defs, fresh_copy.instance)

    assert result.success
    resummed = _summed_at(fresh_copy)
    assert set(resummed) == set(before), "the withdrawn year is gone"
    assert {key for key in before if resummed[key] != after[key]} == {
        (model, redelivered) for model in INCREMENTAL
    }
    _agrees_with_floor(fresh_copy, tmp_path)


def test_a_labour_change_leaves_out_every_model_the_labour_register_does_not_feed() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    left_out = set(unaffected_nodes(manifest, ("labour_person_years",)))
    assert {
        "int_sundhedsprofilen__indicator_cells",
        "stg_education__cohorts",
        "dim_region",
    } <= left_out
    feeds = {"stg_labour__person_years", "int_labour__indicator_cells", "int_indicators__cells"}
    assert not feeds & left_out
    assert not {n for n in left_out if n.startswith("mart_indicator")}
    # Seeds are never left out: tests between a rebuilt model and a seed must still run.
    seeds = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "seed"}
    assert not seeds & left_out
    assert set(unaffected_nodes(manifest, ())) >= {"int_labour__indicator_cells"}


def test_the_build_plan_follows_what_changed(fresh_copy: Refreshed) -> None:
    settings = fresh_copy.settings
    assert night_plan(settings).current, "the copy is exactly what was published"
    assert night_plan(settings, force=True).full_refresh

    stricter = settings.replace(min_cell_count=settings.min_cell_count + 1)
    assert night_plan(stricter).full_refresh, "thresholds are part of the project"

    labour = settings.landing_dir / "labour"
    newest = max(labour.glob("labour_*.parquet"))
    with duckdb.connect() as conn:  # a corrected re-delivery: one person-year fewer
        conn.execute(
            f"copy (select * from '{newest}' order by all offset 1) to '{labour}/corrected.parquet'"
        )
    (labour / "corrected.parquet").replace(newest)
    before_ingestion = night_plan(settings)
    assert before_ingestion.to_ingest and not before_ingestion.current
    with duckdb.connect(str(settings.build_db)) as conn:
        sync_source(conn, LABOUR, settings.landing_dir, settings.quarantine_dir)
    plan = night_plan(settings)
    assert not plan.to_ingest and plan.to_build and not plan.full_refresh
    assert plan.changed_tables == ("labour_person_years",)
    args = plan.dbt_args()
    assert args[:3] == ["--exclude-resource-type", "unit_test", "--exclude"]
    excluded = args[3].split()
    assert "int_sundhedsprofilen__indicator_cells" in excluded  # not fed by the labour register
    assert "int_sundhedsprofilen__indicator_cells" in plan.unaffected_models
    assert "unique_indicators_indicator_code" in excluded  # a seed's test: passed with this project
    assert not [name for name in excluded if "mart_indicator_cluster_year" in name]
    assert night_plan(settings, force=True).dbt_args() == [
        "--full-refresh",
        "--exclude-resource-type",
        "unit_test",
    ]
    with pytest.raises(FrozenInstanceError):
        plan.changed_tables = None  # type: ignore[misc]

    with duckdb.connect(str(settings.build_db)) as conn:
        conn.execute("drop table raw._dbt_built_files")
    assert night_plan(settings).full_refresh, "without a record of the last build, all of it"


def test_the_reference_tests_are_those_no_raw_table_feeds() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    reference = set(reference_tests(manifest))
    # A literal sample of each kind: a seed's key, a dimension built from seeds alone, and tests
    # on models that read the raw layer, which every night must run.
    assert "unique_indicators_indicator_code" in reference
    assert "unique_dim_municipality_kommune_kode" in reference
    assert not [name for name in reference if "mart_indicator_cluster_year" in name]
    assert not [name for name in reference if "stg_sundhedsprofilen__respondents" in name]
    assert "assert_no_published_total_reveals_a_suppressed_part" not in reference
