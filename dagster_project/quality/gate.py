"""The publication gate: the GX suites in expectations/ as blocking Dagster asset checks.

One multi-asset check holds a blocking check per gated mart. Each mart is read from the build
database read-only into pandas (marts are small), with the values its suite refers to as
$PARAMETER (the rows it must have, the thresholds), and validated by the GX adapter
(quality/gx_adapter.py). Each result becomes an AssetCheckResult:

* an expectation of severity ``critical`` that fails → the check fails with ERROR: blocking,
  so publication does not run;
* ``warning`` → WARN, reported but not blocking;
* an expectation that raised → the check itself errors: a broken suite is not bad data.
"""

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from dagster_project.quality.gx_adapter import SuiteOutcome, load_suite, run_suites
from dagster_project.settings import Settings

MART_SCHEMA = "marts"
_INDICATOR_YEARS = (
    "(select count(*) from intermediate.int_indicators__estimates "
    "where geography_level = 'country')"
)
_EDUCATION_INDICATOR_YEARS = (
    "(select count(*) from (select distinct indicator_code, year "
    "from intermediate.int_sundhedsprofilen__education_cells union "
    "select distinct indicator_code, year from intermediate.int_labour__education_cells))"
)
# Each gated mart, and SQL for the rows it must have (its suite's $PARAMETER expected_rows):
# every geography for every indicator-year Denmark has data for, and so on.
GATED_MARTS: dict[str, str] = {
    "mart_indicator_cluster_year": (
        f"(select count(*) from reference.clusters) * {_INDICATOR_YEARS}"
    ),
    "mart_indicator_municipality_year": (
        f"(select count(*) from reference.municipalities) * {_INDICATOR_YEARS}"
    ),
    "mart_indicator_region_year": (
        f"((select count(*) from reference.regions) + 1) * {_INDICATOR_YEARS}"
    ),
    "mart_objective_progress": (
        "((select count(*) from reference.clusters) + 1)"
        " * (select count(*) from reference.indicators)"
    ),
    # The values by education and the inequality measures: every cluster, the region and
    # Denmark for every indicator-year delivered as person-level data (× the six groups).
    "mart_indicator_education_year": (
        f"((select count(*) from reference.clusters) + 2) * {_EDUCATION_INDICATOR_YEARS}"
        " * (select count(*) from reference.education_groups)"
    ),
    "mart_inequality_year": (
        f"((select count(*) from reference.clusters) + 2) * {_EDUCATION_INDICATOR_YEARS}"
    ),
    "mart_cluster_activity_status": (
        "(select count(*) from reference.clusters)"
        " * (select count(*) from reference.objectives where follow_up like '%status_survey')"
        # raw, not staging: the years are the same (staging renames), and raw is in the build
        # database whichever engine built the models (transform/spark.py).
        " * (select count(distinct year) from raw.cluster_status_activities)"
    ),
}


def gate_check_key(mart: str) -> AssetCheckKey:
    return AssetCheckKey(AssetKey([MART_SCHEMA, mart]), f"gx_{mart}")


def suite_parameters(conn: duckdb.DuckDBPyConnection, settings: Settings, mart: str) -> dict:
    """Run-time values the suites refer to with $PARAMETER."""
    return {
        "expected_rows": conn.execute(f"select {GATED_MARTS[mart]}").fetchone()[0],
        "min_survey_respondents": settings.min_survey_respondents,
        "min_cell_count": settings.min_cell_count,
    }


def validate_marts(
    settings: Settings, marts: list[str], suites: dict[str, dict] | None = None
) -> dict[str, SuiteOutcome]:
    """Validate marts.<mart> in the build database against each one's suite."""
    suites = {mart: (suites or {}).get(mart) or load_suite(mart) for mart in marts}
    with settings.connect(read_only=True) as conn:
        frames = {mart: conn.execute(f"select * from {MART_SCHEMA}.{mart}").df() for mart in marts}
        parameters = {mart: suite_parameters(conn, settings, mart) for mart in marts}
    return run_suites(settings, frames, suites, parameters)


def validate_mart(settings: Settings, mart: str, suite_json: dict | None = None) -> SuiteOutcome:
    """One mart's suite alone (validate_marts)."""
    return validate_marts(settings, [mart], {mart: suite_json} if suite_json else None)[mart]


def _check_result(mart: str, outcome: SuiteOutcome, settings: Settings, log) -> AssetCheckResult:
    metadata = {
        "expectations_evaluated": outcome.evaluated,
        "failed_critical": MetadataValue.json(outcome.failed_critical),
        "failed_warning": MetadataValue.json(outcome.failed_warning),
        "data_docs": MetadataValue.path(str(settings.data_docs_dir / "index.html")),
    }
    if outcome.failed_critical:
        log.error(outcome.describe())
    return AssetCheckResult(
        asset_key=AssetKey([MART_SCHEMA, mart]),
        check_name=gate_check_key(mart).name,
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.failed_critical else AssetCheckSeverity.WARN,
        description=outcome.describe(),
        metadata=metadata,
    )


@multi_asset_check(
    name="gx_gate",
    specs=[
        AssetCheckSpec(
            gate_check_key(mart).name,
            asset=AssetKey([MART_SCHEMA, mart]),
            blocking=True,
            description=(
                f"Great Expectations suite expectations/{mart}.json (values in range, every "
                "expected row present, disclosure thresholds, no unreviewed or "
                "person-identifier columns). Blocks publication when a critical expectation "
                "fails."
            ),
        )
        for mart in GATED_MARTS
    ],
    can_subset=True,
)
def gx_gate(context: AssetCheckExecutionContext, settings: Settings):
    """Every gated mart's suite in one step: one GX context, one Data Docs build."""
    selected = {key.name for key in context.selected_asset_check_keys}
    marts = [mart for mart in GATED_MARTS if gate_check_key(mart).name in selected]
    for mart, outcome in validate_marts(settings, marts).items():
        yield _check_result(mart, outcome, settings, context.log)


GATE_CHECKS = [gx_gate]
