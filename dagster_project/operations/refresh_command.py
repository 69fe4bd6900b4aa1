"""`make run` (`python -m dagster_project`): the nightly refresh once, with a readable summary.

Dagster's console logger prints every event at DEBUG level (about 1,400 lines for one
refresh), which hides the few lines that matter. This command runs the same job on the same
instance as `dagster job execute`, keeps the console quiet, writes the run's full event log to
warehouse/logs/<time>-<run id>.log (and what dbt, GX and Chromium printed to
<time>-<run id>.output.log) and prints one line per stage: files loaded or skipped,
models built, checks passed or failed by name, what was published where, and how long each
stage took.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, Definitions, EventLogEntry

from dagster_project.disclosure.assets import COMPLEMENTS_KEY
from dagster_project.locking import warehouse_lock
from dagster_project.operations.alerts import failure_reason
from dagster_project.quality.scorecard import SCORECARD_ASSET, describe_protection_cost
from dagster_project.resources import FORCE_TAG
from dagster_project.settings import Settings
from dagster_project.sources.deliveries import source_deliveries

JOB = "nightly_refresh"
ENGINE_ASSET = COMPLEMENTS_KEY.to_user_string()
# Dagster asset groups -> the stage a reader knows them by, in the order they run.
STAGE_OF_GROUP = {
    "ingestion": "ingestion",
    "warehouse": "transform",
    "quality": "quality",
    "publication": "publication",
    "reporting": "report",
}
STAGES = list(dict.fromkeys(STAGE_OF_GROUP.values()))
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class Stage:
    """What one stage did in a run, gathered from its events."""

    seconds: float = 0.0
    steps: int = 0
    materialized: list[tuple[str, dict]] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def stage_of_step(defs: Definitions) -> dict[str, str]:
    """Step key -> stage; steps of asset checks alone (the GX gate, the audit) are quality."""
    stages = {}
    for assets_def in defs.resolve_asset_graph().assets_defs:
        if assets_def.is_executable:
            group = next(iter(assets_def.group_names_by_key.values()), "quality")
            stages[assets_def.node_def.name] = STAGE_OF_GROUP.get(group, "quality")
    return stages


def _value(metadata: dict, name: str):
    entry = metadata.get(name)
    return getattr(entry, "value", entry)


def stage_of(step: str, stages_by_step: dict[str, str]) -> str:
    """A step's stage. Dagster runs a multi-asset that another asset splits (the dbt project
    on both sides of another asset) as steps named <node>, <node>_2, <node>_3."""
    if step in stages_by_step:
        return stages_by_step[step]
    base, _, number = step.rpartition("_")
    return stages_by_step.get(base, "quality") if number.isdigit() else "quality"


def summarise(records: list[EventLogEntry], stages_by_step: dict[str, str]) -> dict[str, Stage]:
    stages: dict[str, Stage] = defaultdict(Stage)
    started: dict[str, float] = {}
    for record in records:
        event = record.dagster_event
        if event is None:
            continue
        step = record.step_key
        stage = stages[stage_of(step, stages_by_step)] if step else None
        kind = event.event_type
        if kind == DagsterEventType.STEP_START:
            started[step] = record.timestamp
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            stage.seconds += record.timestamp - started.get(step, record.timestamp)
            stage.steps += 1
            if kind == DagsterEventType.STEP_FAILURE:
                stage.failures.append(failure_reason(event.step_failure_data.error, step))
        elif kind == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            stage.materialized.append(
                (materialization.asset_key.to_user_string(), dict(materialization.metadata))
            )
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            name = f"{evaluation.asset_key.path[-1]}:{evaluation.check_name}"
            if evaluation.passed:
                stage.checks_passed += 1
            elif evaluation.severity.value == "WARN":
                stage.checks_warned.append(name)
            else:
                stage.checks_failed.append(name)
    return stages


def _checks(stage: Stage) -> str:
    text = f"{stage.checks_passed} checks passed"
    if stage.checks_failed:
        text += f"; FAILED: {', '.join(stage.checks_failed)}"
    if stage.checks_warned:
        text += f"; warnings: {', '.join(stage.checks_warned)}"
    return text


def describe(name: str, stage: Stage) -> str:
    """One line for a stage, from what its assets and checks reported."""
    if not stage.steps:
        return "skipped (nothing upstream changed, or an earlier stage failed)"
    if name == "ingestion":
        loaded = unchanged = 0
        per_source = []
        for key, metadata in stage.materialized:
            count = int(_value(metadata, "files_loaded_count") or 0)
            loaded += count
            unchanged += int(_value(metadata, "files_unchanged") or 0)
            if count:
                per_source.append(f"{key.removeprefix('raw/')} {count}")
            if _value(metadata, "delivered") is False:
                per_source.append(f"{key.removeprefix('raw/')} not delivered")
        detail = f" ({', '.join(per_source)})" if per_source else ""
        return (
            f"{len(stage.materialized)} sources: {loaded} files loaded, {unchanged} unchanged"
            f"{detail}; {_checks(stage)}"
        )
    if name == "transform":
        models = [(k, m) for k, m in stage.materialized if k != ENGINE_ASSET]
        kept = sum(1 for _, m in models if _value(m, "rebuilt") is False)
        built = len(models) - kept
        if not stage.materialized and not stage.failures:
            return "nothing changed since the last publication: no model built"
        engine = [
            f"disclosure engine: {_value(m, 'dagster/row_count')} complements in "
            f"{_value(m, 'indicator_years')} indicator-years, "
            f"{_value(m, 'indicator_years_as_decided_before')} as decided before "
            f"({_value(m, 'seconds')} s)"
            for k, m in stage.materialized
            if k == ENGINE_ASSET
        ]
        return "; ".join(
            [
                f"dbt: {built} models and seeds built, {kept} left as they were",
                *engine,
                _checks(stage),
            ]
        )
    if name == "quality":
        costs = [describe_protection_cost(m) for k, m in stage.materialized if k == SCORECARD_ASSET]
        return "; ".join([_checks(stage), *costs])
    if name == "publication":
        parts = []
        for key, metadata in stage.materialized:
            if key == "published_warehouse":
                parts.append(
                    f"{len(_value(metadata, 'tables') or {})} tables as release "
                    f"{str(_value(metadata, 'release'))[:22]} (DuckDB file and Parquet)"
                )
            else:
                parts.append(f"PostgreSQL schema {_value(metadata, 'schema')}")
        return "; ".join(parts) or "nothing published"
    if name == "report":
        files = [
            name
            for _, m in stage.materialized
            for name in (_value(m, "reports") or [Path(str(_value(m, "html"))).name])
            if name and name != "None"
        ]
        return f"{', '.join(files)} (HTML and PDF)" if files else "no report written"
    return ""


def delivery_summary(settings: Settings) -> str:
    """How old each source's newest landing file is, in days, for the run summary."""
    return ", ".join(
        f"{d.source} {d.age_days:.0f} d" if d.age_days is not None else f"{d.source} none"
        for d in source_deliveries(settings)
    )


def write_log(records: list[EventLogEntry], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as log:
        for record in records:
            when = datetime.fromtimestamp(record.timestamp, UTC).isoformat(timespec="milliseconds")
            kind = record.dagster_event.event_type_value if record.dagster_event else "LOG"
            step = record.step_key or "-"
            log.write(f"{when} {record.level} {kind} {step} - {record.message}\n")


@contextmanager
def output_to(path: Path) -> Iterator[None]:
    """Send this process's stdout and stderr, child processes' included, to a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with path.open("w", encoding="utf-8") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


# What `python -m dagster_project --rebuild` deletes: everything the nights derive from the
# landing folder but the releases readers hold (and the logs, alerts and reports of past nights).
DERIVED = ("build.duckdb", "build.duckdb.wal", "raw", "dbt_target", "spark")


def remove_derived_layers(settings: Settings) -> list[str]:
    """Delete the raw and build layers, under the refresh lock; returns what was there."""
    removed = []
    with warehouse_lock(settings.warehouse_dir, "rebuild from the landing folder"):
        for name in DERIVED:
            path = settings.warehouse_dir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
            else:
                continue
            removed.append(name)
    return removed


def run_once(defs: Definitions, settings: Settings, force: bool = False) -> int:
    """Run the nightly job of `defs` once and print its summary; the exit status of `make run`.

    The definitions are passed in by the entry point (dagster_project/__main__.py), which sits
    above them: this module is part of operations/, which the definitions import. ``force``
    builds every model although nothing changed (a rebuild).
    """
    job = defs.resolve_job_def(JOB)
    run_config = dict(QUIET)
    tags = {FORCE_TAG: "true"} if force else {}
    started = datetime.now(UTC)
    print(f"{JOB}: landing {settings.landing_dir}, warehouse {settings.warehouse_dir}", flush=True)
    output = settings.logs_dir / f"{started:%Y%m%dT%H%M%S}.output.log"
    with DagsterInstance.get() as instance:
        with output_to(output):
            result = job.execute_in_process(
                instance=instance, run_config=run_config, tags=tags, raise_on_error=False
            )
        records = list(instance.all_logs(result.run_id))
    log = settings.logs_dir / f"{started:%Y%m%dT%H%M%S}-{result.run_id[:8]}.log"
    write_log(records, log)
    output = output.rename(log.with_suffix(".output.log"))
    stages = summarise(records, stage_of_step(defs))
    for name in STAGES:
        stage = stages.get(name, Stage())
        print(f"  {name:<12} {stage.seconds:6.1f} s  {describe(name, stage)}")
        for failure in stage.failures:
            print(f"  {'':<12} {'':>8}  failed: {failure}")
    print(f"  {'sources':<12} {'':>8}  newest files: {delivery_summary(settings)}")
    seconds = (datetime.now(UTC) - started).total_seconds()
    verdict = "succeeded" if result.success else "FAILED"
    print(f"{JOB} {result.run_id[:8]} {verdict} in {seconds:.0f} s")
    print(f"  full event log: {log}\n  tool output:    {output}")
    return 0 if result.success else 1
