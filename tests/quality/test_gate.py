"""The quality gate: a failed suite stops publication and leaves the published file untouched."""

from __future__ import annotations

import copy
import json
import shutil
import time

import duckdb
import pytest
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetSelection,
    Definitions,
    asset_check,
    build_run_status_sensor_context,
    define_asset_job,
)

from dagster_project.disclosure import assets as engine_asset
from dagster_project.disclosure.assets import COMPLEMENTS_KEY, described_tables
from dagster_project.disclosure.engine import Protection, Table
from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.operations.alerts import refresh_failure_alert
from dagster_project.quality.disclosure_audit import (
    AUDIT_READS,
    AUDITED_ASSET,
    DISCLOSURE_AUDIT_KEY,
)
from dagster_project.quality.gate import GATED_MARTS, gate_check_key, validate_mart
from dagster_project.quality.gx_adapter import KEEP_VALIDATIONS, SuiteRaisedError, load_suite
from dagster_project.resources import FORCE_TAG
from tests.conftest import Refreshed, file_digest, run_nightly

pytestmark = pytest.mark.slow


def _gate_and_publish(refreshed: Refreshed) -> Definitions:
    """The nightly job's last two stages alone: the gate checks and the publish asset."""
    job = define_asset_job(
        "gate_and_publish",
        selection=AssetSelection.assets("published_warehouse")
        | AssetSelection.checks(*(gate_check_key(m) for m in GATED_MARTS), DISCLOSURE_AUDIT_KEY),
    )
    return Definitions.merge(refreshed.defs, Definitions(jobs=[job]))


def test_a_broken_mart_fails_the_gate_and_keeps_the_published_file(fresh_copy: Refreshed) -> None:
    published = fresh_copy.settings.published_db
    before = file_digest(published)
    with duckdb.connect(str(fresh_copy.settings.build_db)) as conn:
        conn.execute(
            "update marts.mart_indicator_cluster_year set value = 150 "
            "where cluster_code = 'fyn' and indicator_code = 'daily_smoking' and year = 2021"
        )
    result = run_nightly(_gate_and_publish(fresh_copy), fresh_copy.instance, "gate_and_publish")

    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.asset_check_key for e in failed] == [gate_check_key("mart_indicator_cluster_year")]
    description = failed[0].description
    assert "expect_column_values_to_be_between(value)" in description
    assert "expect_column_pair_values_a_to_be_greater_than_b(ci_upper)" in description
    assert not result.get_asset_materialization_events()
    assert file_digest(published) == before
    # What the data engineer is shown: how many rows broke the rule and which values, in the
    # check's metadata and on the night's Data Docs page.
    found = failed[0].metadata["failed_critical"].data
    between = next(f for f in found if f["expectation"] == "expect_column_values_to_be_between")
    assert (between["unexpected_count"], between["sample_values"]) == (1, ["150.0"])
    pages = fresh_copy.settings.data_docs_dir / "validations" / "mart_indicator_cluster_year"
    page = max(pages.rglob("*.html"), key=lambda p: p.stat().st_mtime).read_text()
    assert "150.0" in page


def test_a_delivery_missing_a_cluster_fails_the_nightly_run_and_keeps_the_publication(
    fresh_copy: Refreshed,
) -> None:
    published = fresh_copy.settings.published_db
    before = file_digest(published)
    # The school well-being survey of 2023/24 without Sønderjylland's four municipalities.
    wellbeing = fresh_copy.settings.landing_dir / "trivsel" / "trivsel_2023-24.csv"
    soenderjylland = {"510", "540", "550", "580"}
    lines = wellbeing.read_text().splitlines()
    kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[1] not in soenderjylland]
    assert len(kept) < len(lines)
    wellbeing.write_text("\n".join(kept) + "\n")

    result = run_nightly(fresh_copy.defs, fresh_copy.instance)

    assert not result.success
    failed = {
        e.asset_check_key.name: e.description
        for e in result.get_asset_check_evaluations()
        if not e.passed
    }
    assert (
        "expect_column_values_to_not_match_regex(value_note)"
        in failed["gx_mart_indicator_cluster_year"]
    )
    assert "published_warehouse" not in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    assert file_digest(published) == before


def test_publishing_alone_is_refused_without_a_gate_in_the_same_run(fresh_copy: Refreshed) -> None:
    before = file_digest(fresh_copy.settings.published_db)
    job = define_asset_job("publish_only", selection=AssetSelection.assets("published_warehouse"))
    defs = Definitions.merge(fresh_copy.defs, Definitions(jobs=[job]))
    result = run_nightly(defs, fresh_copy.instance, "publish_only")
    assert not result.success
    failure = result.failure_data_for_node("published_warehouse")
    assert "did not run in this run" in failure.user_failure_data.description
    assert file_digest(fresh_copy.settings.published_db) == before


def test_an_expectation_that_raises_is_an_error_of_the_check_not_bad_data(
    fresh_copy: Refreshed,
) -> None:
    suite = load_suite("mart_indicator_cluster_year")
    suite["expectations"].append(
        {
            "type": "expect_column_values_to_be_between",
            "kwargs": {"column": "no_such_column", "min_value": 0},
        }
    )
    with pytest.raises(SuiteRaisedError, match=r"no_such_column.*does not exist"):
        validate_mart(fresh_copy.settings, "mart_indicator_cluster_year", suite)


def test_a_hostile_file_fails_the_run_but_other_sources_load_and_nothing_is_published(
    fresh_copy: Refreshed,
) -> None:
    settings = fresh_copy.settings
    before = file_digest(settings.published_db)
    hostile = settings.landing_dir / "sundhedsprofilen" / "sundhedsprofilen_2026.csv"
    hostile.write_text("respondent_id,survey_year\nx,2026\n", encoding="utf-8")
    trivsel = settings.landing_dir / "trivsel" / "trivsel_2024-25.csv"
    lines = trivsel.read_text(encoding="utf-8").splitlines()
    trivsel.write_text(
        "\n".join(lines[:-1]) + "\n", encoding="utf-8"
    )  # a re-delivery, one row less

    result = run_nightly(fresh_copy.defs, fresh_copy.instance)

    assert not result.success
    failure = result.failure_data_for_node("raw__sundhedsprofilen_respondents")
    assert "sundhedsprofilen_2026.csv: required columns 'kommune_kode', 'sex', 'age'" in (
        failure.user_failure_data.description
    )
    assert (settings.quarantine_dir / "sundhedsprofilen").is_dir() and not hostile.exists()
    with duckdb.connect(str(settings.build_db), read_only=True) as conn:
        trivsel_rows = conn.execute(
            "select count(*) from raw.trivsel_wellbeing where _source_file = 'trivsel_2024-25.csv'"
        ).fetchone()[0]
    assert trivsel_rows == len(lines) - 2  # header and the dropped row
    assert file_digest(settings.published_db) == before
    # The re-delivery lost a municipality for its year: a warning check, never a silent drop.
    (coverage,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_check_key.name == "municipality_coverage"
        and e.asset_key.to_user_string() == "raw/trivsel_wellbeing"
    ]
    delivered = len({line.split(",")[1] for line in lines[1:]})
    assert not coverage.passed and coverage.severity.value == "WARN"
    assert coverage.description == (
        f"2025: {delivered - 1} municipalities where the previous delivery had {delivered}"
    )

    # The failure sensor tells the data engineers which asset failed and why.
    context = build_run_status_sensor_context(
        sensor_name="refresh_failure_alert",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=fresh_copy.instance,
        dagster_run=fresh_copy.instance.get_run_by_id(result.run_id),
        resources={"settings": settings},
    ).for_run_failure()
    refresh_failure_alert(context)
    # A daemon restarted before the sensor saved its cursor acts on the same failure again
    # (seen in the soak): the run is alerted once.
    refresh_failure_alert(context)
    alert = json.loads((settings.warehouse_dir / "alerts.log").read_text(encoding="utf-8"))
    assert alert["failures"][0]["step"] == "raw__sundhedsprofilen_respondents"
    assert (
        "sundhedsprofilen_2026.csv: required columns 'kommune_kode', 'sex', 'age'"
        in alert["failures"][0]["reason"]
    )


def test_the_quality_scorecard_records_rows_and_suppressed_share_of_every_gated_mart(
    refreshed: Refreshed,
) -> None:
    [event] = [
        e
        for e in refreshed.result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "mart_quality_scorecard"
    ]
    metadata = {k: v.value for k, v in event.materialization.metadata.items()}
    # The rows, counted by hand from what the sample delivers. Indicator-years: six survey
    # indicators in five rounds (2013-2025) = 30, four of them in 2010's published estimates
    # = 4, overweight children, thriving pupils and the two labour-attachment indicators in
    # 2022-2025 = 16, youth education 2024-2025 = 2; 52 in all. Values by education: five
    # survey indicators in five rounds (young people's mental health has no education groups,
    # they are under 25) and the two labour indicators' person-level years 2024-2025: 29.
    assert {m: metadata[f"{m}.rows"] for m in GATED_MARTS if not m.endswith("activity_status")} == {
        "mart_indicator_cluster_year": 4 * 52,  # 4 clusters
        "mart_indicator_municipality_year": 98 * 52,  # every Danish municipality
        "mart_indicator_region_year": (5 + 1) * 52,  # 5 regions and Denmark
        "mart_objective_progress": (4 + 1) * 11,  # the clusters and the region, 11 indicators
        "mart_indicator_education_year": (4 + 2) * 29 * 6,  # + region, Denmark; 6 groups
        "mart_inequality_year": (4 + 2) * 29,
    }
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        for mart in GATED_MARTS:
            rows = conn.execute(f"select count(*) from {mart}").fetchone()[0]
            assert metadata[f"{mart}.rows"] == rows
        withheld = conn.execute(
            "select avg(case when is_suppressed then 1.0 else 0 end) "
            "from mart_indicator_municipality_year"
        ).fetchone()[0]
    assert metadata["mart_indicator_municipality_year.suppressed_share"] == round(withheld, 4)
    # What protection cost: every cell published as "disclosure control" was withheld by the
    # rule or as a complement.
    with duckdb.connect(str(refreshed.settings.published_db), read_only=True) as conn:
        (controlled,) = conn.execute(
            "select count(*) from fct_indicator_observation "
            "where suppression_code = 'disclosure_control'"
        ).fetchone()
    assert metadata["protection.cells_primary"] + metadata["protection.cells_complement"] == (
        controlled
    )
    assert metadata["protection.cells_complement"] > 0
    # Before complements were sized for protection the sample withheld 11 cluster values and 1
    # region value as complements (the release of 2026-12-03, notes "protects a suppressed
    # cell"); the sized complements must not cost more.
    assert metadata["protection.values_lost.cluster"] <= 11
    assert metadata["protection.values_lost.region"] <= 1
    assert 0 < withheld < 1
    # How old each source's newest landing file is, from the files' own modification times.
    folders = sorted(p for p in refreshed.settings.landing_dir.iterdir() if p.is_dir())
    assert len(folders) == 9
    for folder in folders:
        newest = max(f.stat().st_mtime for f in folder.iterdir() if f.is_file())
        age_days = metadata[f"delivery.{folder.name}.age_days"]
        # Measured when the fixture's night ran, minutes ago at most: well within 0.1 day.
        assert age_days == pytest.approx((time.time() - newest) / 86400, abs=0.1)


def test_the_gate_keeps_a_bounded_history_of_validation_results(fresh_copy: Refreshed) -> None:
    """GX re-reads every stored result for the Data Docs index: history must not grow forever."""
    settings = fresh_copy.settings
    mart = "mart_objective_progress"
    suite = load_suite(mart)["name"]
    results = settings.gx_project_dir / "gx" / "uncommitted" / "validations" / suite / "__none__"
    validate_mart(settings, mart)
    newest = max(results.iterdir())
    for night in range(KEEP_VALIDATIONS + 5):
        shutil.copytree(newest, results / f"20200101T{night:06d}.000000Z")

    outcome = validate_mart(settings, mart)

    assert outcome.passed
    runs = sorted(p.name for p in results.iterdir())
    assert len(runs) == KEEP_VALIDATIONS
    assert runs[-1] > newest.name, "the run just made is kept"
    assert newest.name in runs
    pages = settings.data_docs_dir / "validations" / suite / "__none__"
    assert {p.name for p in pages.iterdir()} <= set(runs)


def test_a_suite_is_registered_once_and_again_whenever_it_changes(fresh_copy: Refreshed) -> None:
    """GX's store keeps the suite between nights; an edited suite is the one validated."""
    settings = fresh_copy.settings
    mart = "mart_objective_progress"
    suite = load_suite(mart)
    stored = settings.gx_project_dir / "gx" / "expectations" / f"{suite['name']}.json"
    assert validate_mart(settings, mart).passed
    registered = stored.stat().st_mtime_ns

    assert validate_mart(settings, mart).passed
    assert stored.stat().st_mtime_ns == registered, "the unchanged suite was registered again"

    edited = copy.deepcopy(suite)
    edited["expectations"].append(
        {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0}}
    )
    outcome = validate_mart(settings, mart, edited)
    assert [f["expectation"] for f in outcome.failed_critical] == [
        "expect_table_row_count_to_equal"
    ]
    assert validate_mart(settings, mart).passed, "the suite in expectations/ is back"


def _primaries_only(table: Table, rule: ProtectionRule) -> Protection:
    """The engine with its complement step removed: what the rule withholds, nothing more."""
    return Protection(
        codes={k: v.primary for k, v in table.values.items() if v.primary and v.publishable}
    )


def _without_the_education_link(conn, schema="intermediate"):
    """The description without the sums that tie a municipality's adult cells to its education
    groups: the engine protects the cells and the values by education as if they were apart."""
    for indicator, year, table, kinds in described_tables(conn, schema):
        sums = [s for s in table.sums if not s.total.startswith("adults ")]
        yield indicator, year, Table(table.values, sums), kinds


@pytest.mark.parametrize(
    ("switch_off", "named"),
    [
        # No complements at all: a lone withheld cell is its total minus the published cells.
        (("protect", _primaries_only), "the cell of municipality"),
        # The engine without the link between the tables: a value by education or a cell it
        # protects within its own table is given back by the two together.
        (("described_tables", _without_the_education_link), "education groups = its adult cells"),
    ],
    ids=["cells", "across-tables"],
)
def test_a_leaking_release_fails_the_audit_names_the_cell_and_keeps_the_publication(
    fresh_copy: Refreshed, monkeypatch: pytest.MonkeyPatch, switch_off: tuple, named: str
) -> None:
    """A night whose disclosure engine leaves out a step while the audit keeps the rule: the
    audit fails naming the unprotected count and what binds it, and nothing is published."""
    from dagster_project.definitions import build_definitions

    published = fresh_copy.settings.published_db
    before = file_digest(published)
    monkeypatch.setattr(engine_asset, *switch_off)
    # The night from the engine on: what the engine reads is the copy's, built by the nightly
    # job; forced, the engine decides every indicator-year again and dbt applies its decisions.
    job = define_asset_job(
        "from_the_engine_on", selection=AssetSelection.assets(COMPLEMENTS_KEY).downstream()
    )
    defs = Definitions.merge(build_definitions(fresh_copy.settings), Definitions(jobs=[job]))
    result = run_nightly(defs, fresh_copy.instance, "from_the_engine_on", {FORCE_TAG: "true"})

    assert not result.success
    (audit,) = [
        e for e in result.get_asset_check_evaluations() if e.asset_check_key == DISCLOSURE_AUDIT_KEY
    ]
    assert not audit.passed and audit.severity == AssetCheckSeverity.ERROR
    assert "which does not cover" in audit.description
    findings = audit.metadata["findings"].value
    assert any(named in finding for finding in findings), findings[:3]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "published_warehouse" not in materialized
    assert file_digest(published) == before


def _stand_in_audit(passed: bool, severity: AssetCheckSeverity):
    """A disclosure audit that ran and came out as given, without blocking: what publication
    itself decides after it is what these tests hold."""

    @asset_check(
        asset=AUDITED_ASSET,
        name=DISCLOSURE_AUDIT_KEY.name,
        blocking=False,
        additional_deps=AUDIT_READS,
    )
    def disclosure_audit() -> AssetCheckResult:
        return AssetCheckResult(
            passed=passed, severity=severity, description="stand-in: a cell of municipality 661"
        )

    return disclosure_audit


def _gate_and_publish_with(fresh_copy: Refreshed, audit) -> Definitions:
    from dagster_project.definitions import build_definitions

    job = define_asset_job(
        "gate_and_publish",
        selection=AssetSelection.assets("published_warehouse")
        | AssetSelection.checks(*(gate_check_key(m) for m in GATED_MARTS), DISCLOSURE_AUDIT_KEY),
    )
    return Definitions.merge(
        build_definitions(fresh_copy.settings, audit_check=audit), Definitions(jobs=[job])
    )


def test_publication_refuses_after_an_audit_that_ran_and_failed_with_error(
    fresh_copy: Refreshed,
) -> None:
    before = file_digest(fresh_copy.settings.published_db)
    defs = _gate_and_publish_with(fresh_copy, _stand_in_audit(False, AssetCheckSeverity.ERROR))
    result = run_nightly(defs, fresh_copy.instance, "gate_and_publish")
    assert not result.success
    failure = result.failure_data_for_node("published_warehouse")
    assert "disclosure_audit: stand-in: a cell of municipality 661" in (
        failure.user_failure_data.description
    )
    assert file_digest(fresh_copy.settings.published_db) == before


def test_publication_goes_ahead_after_an_audit_that_only_warned(fresh_copy: Refreshed) -> None:
    before = file_digest(fresh_copy.settings.published_db)
    defs = _gate_and_publish_with(fresh_copy, _stand_in_audit(False, AssetCheckSeverity.WARN))
    result = run_nightly(defs, fresh_copy.instance, "gate_and_publish")
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "published_warehouse" in materialized
    assert file_digest(fresh_copy.settings.published_db) != before
