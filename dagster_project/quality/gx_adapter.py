"""Great Expectations 1.x as the gate uses it: a thin adapter, apart from what the gate expects.

dagster-ge needs GX < 1, so this is our own (docs/stack.md). Each suite's JSON from
expectations/ is registered in one GX file context under warehouse/gx (which keeps results, so
Data Docs show every suite), each frame is validated with a pandas data source (GX's SQL
datasource on DuckDB fails every expectation), and each result becomes a SuiteOutcome: failed
expectations by severity, or SuiteRaisedError when an expectation could not be evaluated (a
broken suite is not bad data).

``great_expectations`` is imported inside the functions (it costs seconds), not at module
import. What is validated, with which parameters, and what a result means for publication is
the gate's (quality/gate.py).
"""

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from dagster_project.settings import EXPECTATIONS_DIR, Settings

DATA_DOCS_SITE = "warehouse"
# Validation results kept per suite (a month of nights). GX re-reads every stored result to
# build the Data Docs index, so unbounded history makes each night's gate slower: 300 stored
# results cost a suite about a second more.
KEEP_VALIDATIONS = 30


def load_suite(name: str, expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    return json.loads((expectations_dir / f"{name}.json").read_text(encoding="utf-8"))


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


def run_suites(
    settings: Settings,
    frames: dict[str, pd.DataFrame],
    suites: dict[str, dict],
    parameters: dict[str, dict],
) -> dict[str, SuiteOutcome]:
    """Validate each frame against its suite with its $PARAMETER values; build Data Docs.

    One GX context, one pandas data source and one run id serve every suite, and Data Docs are
    built once after the last one, for tonight's results and the index only: GX's set-up and a
    full Data Docs rebuild (which renders every stored result again) cost more than validating
    the few thousand rows of a mart. Each result is stored, as a checkpoint would store it.
    """
    from great_expectations.core.run_identifier import RunIdentifier

    context = gx_context(settings)
    source = _pandas_source(context)
    run_id = RunIdentifier(run_time=datetime.now(UTC))
    outcomes = {}
    for name, frame in frames.items():
        validation = _validation_definition(context, source, name, suites[name])
        prune_validation_history(settings, suites[name]["name"], KEEP_VALIDATIONS - 1)
        # BASIC keeps what the gate reports and Data Docs show: observed values, counts of
        # unexpected rows and up to 20 of their values. SUMMARY adds counts of those sampled
        # values and their positions in the frame, at 40% of the gate's validation time.
        result = validation.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters[name],
            result_format="BASIC",
            run_id=run_id,
        )
        outcomes[name] = _outcome(name, suites[name]["name"], result)
    # Only tonight's pages and the index: rendering every stored result again cost seconds.
    tonight = [
        key
        for key in context.validation_results_store.list_keys()
        if key.run_id.to_tuple() == run_id.to_tuple()
    ]
    context.build_data_docs(site_names=[DATA_DOCS_SITE], resource_identifiers=tonight)
    return outcomes
