"""The publication gate: GX 1.x suites from expectations/ as blocking Dagster asset checks.

dagster-ge needs GX < 1, so this is a thin wrapper (docs/stack.md). One multi-asset check holds a
blocking check per mart. Each suite's JSON is loaded into one GX file context under warehouse/gx
(which keeps results so Data Docs show every suite), each mart is read from the build database
read-only into pandas (marts are small; GX's SQL datasource on DuckDB fails every expectation),
and each result becomes an AssetCheckResult:

* an expectation of severity ``critical`` that fails → the check fails with ERROR: blocking,
  so publication does not run;
* ``warning`` → WARN, reported but not blocking;
* an expectation that raised → the check itself errors: a broken suite is not bad data.

``great_expectations`` is imported inside the check (it costs seconds), not at module import.
"""

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

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

from dagster_project.settings import EXPECTATIONS_DIR, Settings

MART_SCHEMA = "marts"
DATA_DOCS_SITE = "warehouse"
# Validation results kept per suite (a month of nights). GX re-reads every stored result to
# build the Data Docs index, so unbounded history makes each night's gate slower: 300 stored
# results cost a suite about a second more.
KEEP_VALIDATIONS = 30
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


class SuiteRaisedError(RuntimeError):
    """An expectation could not be evaluated (a broken suite or a missing column type)."""


@dataclass
class SuiteOutcome:
    suite: str
    evaluated: int = 0
    failed_critical: list[dict] = field(default_factory=list)
    failed_warning: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failed_critical and not self.failed_warning

    def describe(self) -> str:
        if self.passed:
            return f"{self.suite}: all {self.evaluated} expectations passed"
        parts = [f"{f['expectation']}({f['column'] or ''})" for f in self.failed_critical]
        parts += [f"warning {f['expectation']}({f['column'] or ''})" for f in self.failed_warning]
        return f"{self.suite}: failed " + "; ".join(parts)


def gate_check_key(mart: str) -> AssetCheckKey:
    return AssetCheckKey(AssetKey([MART_SCHEMA, mart]), f"gx_{mart}")


def load_suite(name: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    return json.loads((expectations_dir / f"{name}.json").read_text(encoding="utf-8"))


def suite_parameters(conn: duckdb.DuckDBPyConnection, settings: Settings, mart: str) -> dict:
    """Run-time values the suites refer to with $PARAMETER."""
    return {
        "expected_rows": conn.execute(f"select {GATED_MARTS[mart]}").fetchone()[0],
        "min_survey_respondents": settings.min_survey_respondents,
        "min_cell_count": settings.min_cell_count,
    }


def _summarise(result) -> dict:
    config = result.expectation_config
    details = result.result or {}
    return {
        "expectation": config.type,
        "column": config.kwargs.get("column") or config.kwargs.get("column_A"),
        "notes": (config.meta or {}).get("notes"),
        "unexpected_count": details.get("unexpected_count"),
        "sample_values": [str(v) for v in (details.get("partial_unexpected_list") or [])[:10]],
        "observed_value": str(details.get("observed_value"))
        if "observed_value" in details
        else None,
    }


def _raised_message(exception_info: dict | None) -> str | None:
    """GX reports an exception either flat or per metric; return its message, if any."""
    if not exception_info:
        return None
    entries = [exception_info] if "raised_exception" in exception_info else exception_info.values()
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message"))
    return None


def prune_validation_history(settings: Settings, suite: str, keep: int = KEEP_VALIDATIONS) -> int:
    """Delete all but the newest `keep` stored results of a suite, with their Data Docs pages.

    Results are folders named by their UTC run time, so name order is age order. Returns how
    many were deleted.
    """
    results = settings.gx_project_dir / "gx" / "uncommitted" / "validations" / suite / "__none__"
    pages = settings.data_docs_dir / "validations" / suite / "__none__"
    runs = sorted(p.name for p in results.iterdir() if p.is_dir()) if results.is_dir() else []
    old = runs[: max(len(runs) - keep, 0)]
    for run in old:
        shutil.rmtree(results / run)
        shutil.rmtree(pages / run, ignore_errors=True)
    return len(old)


def gx_context(settings: Settings):
    """The GX file context under warehouse/gx, with the Data Docs site the gate builds."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=str(settings.gx_project_dir))
    context.variables.progress_bars = {"globally": False}
    if DATA_DOCS_SITE not in (context.get_config().data_docs_sites or {}):
        context.add_data_docs_site(
            site_name=DATA_DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(settings.data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


# The suite JSON's digest, kept in the stored suite's meta: a stored validation whose suite
# carries tonight's digest is the suite in expectations/ and is used as it is.
SUITE_DIGEST = "sundhedsdata_suite_sha256"


def suite_digest(suite_json: dict) -> str:
    return hashlib.sha256(json.dumps(suite_json, sort_keys=True).encode()).hexdigest()


def _pandas_source(context):
    """The warehouse's pandas data source, as stored: its assets and batch definitions stay.

    Adding it again each night would drop every asset and make each suite's validation be
    registered anew (GX rewrites its whole project file for each asset it adds).
    """
    if "warehouse" in context.data_sources.all():
        return context.data_sources.get("warehouse")
    return context.data_sources.add_pandas("warehouse")


def _validation_definition(context, source, mart: str, suite_json: dict):
    """The mart's suite, as stored in expectations/, and its validation over a whole frame.

    Registered once per version of the suite: GX stores suites and validations in its file
    store, and registering the same ones every night cost about a second of the gate.
    """
    import great_expectations as gx
    from great_expectations.exceptions import DataContextError
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    digest = suite_digest(suite_json)
    try:
        stored = context.validation_definitions.get(mart)
    except DataContextError:
        stored = None
    if stored is not None and (stored.suite.meta or {}).get(SUITE_DIGEST) == digest:
        return stored
    expectations = [
        ExpectationConfiguration(
            type=e["type"],
            kwargs=e["kwargs"],
            meta=e.get("meta"),
            severity=e.get("severity", "critical"),
        ).to_domain_obj()
        for e in suite_json["expectations"]
    ]
    if suite_json["name"] in [s.name for s in context.suites.all()]:
        context.suites.delete(suite_json["name"])
    suite = context.suites.add(
        gx.ExpectationSuite(
            name=suite_json["name"],
            expectations=expectations,
            meta={**(suite_json.get("meta") or {}), SUITE_DIGEST: digest},
        )
    )
    asset = next((a for a in source.assets if a.name == mart), None) or source.add_dataframe_asset(
        mart
    )
    batch = next((b for b in asset.batch_definitions if b.name == "whole"), None)
    batch = batch or asset.add_batch_definition_whole_dataframe("whole")
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=mart, data=batch, suite=suite)
    )


def _outcome(mart: str, suite: str, validation_result) -> SuiteOutcome:
    outcome = SuiteOutcome(suite=suite)
    for result in validation_result.results:
        outcome.evaluated += 1
        message = _raised_message(result.exception_info)
        if message:
            raise SuiteRaisedError(
                f"{mart}: expectation {result.expectation_config.type} raised {message}"
            )
        if not result.success:
            severity = str(getattr(result.expectation_config.severity, "value", "critical"))
            target = outcome.failed_warning if severity == "warning" else outcome.failed_critical
            target.append(_summarise(result))
    return outcome


def validate_marts(
    settings: Settings, marts: list[str], suites: dict[str, dict] | None = None
) -> dict[str, SuiteOutcome]:
    """Validate marts.<mart> in the build database against each one's suite; build Data Docs.

    One GX context, one pandas data source and one run id serve every suite, and Data Docs are
    built once after the last one, for tonight's results and the index only: GX's set-up and a
    full Data Docs rebuild (which renders every stored result again) cost more than validating
    the few thousand rows of a mart. Each result is stored, as a checkpoint would store it.
    """
    suites = {mart: (suites or {}).get(mart) or load_suite(mart) for mart in marts}
    with settings.connect(read_only=True) as conn:
        frames = {mart: conn.execute(f"select * from {MART_SCHEMA}.{mart}").df() for mart in marts}
        parameters = {mart: suite_parameters(conn, settings, mart) for mart in marts}
    from great_expectations.core.run_identifier import RunIdentifier

    context = gx_context(settings)
    source = _pandas_source(context)
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    outcomes = {}
    for mart in marts:
        validation = _validation_definition(context, source, mart, suites[mart])
        prune_validation_history(settings, suites[mart]["name"], KEEP_VALIDATIONS - 1)
        # BASIC keeps what the gate reports and Data Docs show: observed values, counts of
        # unexpected rows and up to 20 of their values. SUMMARY adds counts of those sampled
        # values and their positions in the frame, at 40% of the gate's validation time.
        result = validation.run(
            batch_parameters={"dataframe": frames[mart]},
            expectation_parameters=parameters[mart],
            result_format="BASIC",
            run_id=run_id,
        )
        outcomes[mart] = _outcome(mart, suites[mart]["name"], result)
    # Only tonight's pages and the index: rendering every stored result again cost seconds.
    tonight = [
        key
        for key in context.validation_results_store.list_keys()
        if key.run_id.to_tuple() == run_id.to_tuple()
    ]
    context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=tonight)
    return outcomes


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
