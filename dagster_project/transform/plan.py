"""Tonight's plan: one read of the warehouse's state, one immutable answer to "what changed?".

The schedule, the landing-folder sensor and the dbt asset ask the same question and get their
answer from ``night_plan()``: the schedule and the sensor before a run (is there work at all?),
the dbt step after ingestion (what does dbt build, with which tests, what does Spark get?).

The state is read once per question (``read_state``): the landing folder's files and their
checksums, and from the build database in one read-only connection raw._ingested_files (what
ingestion loaded) and raw._dbt_built_files (what the last successful dbt build read), and the
publication's fingerprint (transform/fingerprint.py). From that:

- landing files that differ from the ingested ones are work for ingestion;
- a publication whose fingerprint equals the current inputs' is current: nothing to build;
- a different project (dbt, seeds, suites, thresholds, code), a first build or a build database
  without the record of its last build is a full refresh;
- otherwise dbt builds the descendants of the raw tables whose files changed since the last
  build (the incremental models among them re-sum only the changed years), and Spark is handed
  those tables again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from dagster_project.settings import Settings
from dagster_project.sources.assets import SOURCES
from dagster_project.sources.landing import scan_source_folder
from dagster_project.transform.fingerprint import (
    Fingerprint,
    files_fingerprint,
    project_fingerprint,
    published_fingerprint,
)
from dagster_project.transform.project import dbt_project

BUILT_FILES_DDL = """
create table if not exists raw._dbt_built_files as
select source, file_name, sha256 from raw._ingested_files where false
"""
RAW_TABLE_OF_SOURCE = {source.name: source.table for source in SOURCES}
# No night runs the unit tests: they test the project on fixed rows, not the data, so their
# answer changes only with the project, and every change of the project passes them in
# `make test` before it ships (tests/transform/test_dbt_unit_tests.py; dbt Labs advises leaving
# them out of production builds).
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")

Files = frozenset[tuple[str, str, str]]  # (source, file name, sha256)


@dataclass(frozen=True)
class WarehouseState:
    """What a plan is made from, read in one go."""

    delivered: Files  # the landing folder now
    ingested: Files | None  # raw._ingested_files; None when the build database cannot be read
    built: Files | None  # raw._dbt_built_files; None when there is no record of a build
    unreadable: str | None  # why the build database cannot be read
    project: str  # the project's fingerprint (transform/fingerprint.py)
    published: Fingerprint | None
    published_run: str | None

    @property
    def current(self) -> Fingerprint | None:
        """The fingerprint a publication of the ingested files would carry."""
        if self.ingested is None:
            return None
        return Fingerprint(self.project, files_fingerprint(self.ingested))


def delivered_files(settings: Settings) -> Files:
    return frozenset(
        (source.name, file.name, file.sha256)
        for source in SOURCES
        for file in scan_source_folder(settings.landing_dir / source.name, source.patterns)
    )


def read_state(settings: Settings) -> WarehouseState:
    delivered = delivered_files(settings)
    ingested = built = unreadable = None
    try:
        with settings.connect(read_only=True) as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "select table_name from duckdb_tables() where schema_name = 'raw'"
                ).fetchall()
            }

            def files(table: str) -> Files | None:
                if table not in tables:
                    return None
                query = f"select source, file_name, sha256 from raw.{table}"
                return frozenset(conn.execute(query).fetchall())

            ingested = files("_ingested_files") or frozenset()
            built = files("_dbt_built_files")
    except duckdb.Error as error:
        unreadable = str(error).splitlines()[0]
    published, run_id = published_fingerprint(settings)
    return WarehouseState(
        delivered, ingested, built, unreadable, project_fingerprint(settings), published, run_id
    )


@dataclass(frozen=True)
class NightPlan:
    """What tonight does: ingest, build (all or part), or nothing."""

    reason: str
    to_ingest: bool  # landing files are new, changed or removed since ingestion
    to_build: bool  # the publication is not made from the ingested files with this project
    full_refresh: bool = False
    changed_tables: tuple[str, ...] | None = None  # None: every raw table
    # What dbt leaves out tonight: models no changed raw table feeds (current as they are),
    # and the reference tests, which passed with this very project before.
    unaffected_models: tuple[str, ...] = ()
    reference_tests: tuple[str, ...] = ()

    @property
    def current(self) -> bool:
        """Nothing to do: every landing file is in the publication."""
        return not (self.to_ingest or self.to_build)

    def dbt_args(self) -> list[str]:
        """The flags tonight's `dbt build` adds to dbt_build_args(): a full refresh runs every
        data test; a partial night leaves out the models no changed raw table feeds and the
        reference tests, which passed with this very project before (reference_tests())."""
        if self.full_refresh:
            return ["--full-refresh", *NO_UNIT_TESTS]
        excluded = [*self.unaffected_models, *self.reference_tests]
        return [*NO_UNIT_TESTS, *(["--exclude", " ".join(excluded)] if excluded else [])]


def night_plan(
    settings: Settings, force: bool = False, state: WarehouseState | None = None
) -> NightPlan:
    """Tonight's plan from the warehouse's state (read now unless given)."""
    state = read_state(settings) if state is None else state
    to_ingest = state.unreadable is not None or state.delivered != state.ingested
    ingest_reason = (
        f"the build database cannot be read ({state.unreadable})"
        if state.unreadable
        else "landing files are new, changed or removed since they were ingested"
    )
    if force:
        return NightPlan("forced: full refresh of every model", to_ingest, True, True)
    if state.ingested is None:
        return NightPlan(ingest_reason, True, True, True)
    if state.published == state.current:
        reason = ingest_reason if to_ingest else "every landing file is in the publication"
        return NightPlan(reason, to_ingest, False)
    if state.published is None or state.published.project != state.project:
        reason = (
            "the dbt project, seeds, suites, thresholds or code differ from the last "
            f"publication ({state.published_run or 'none'}): full refresh of every model"
        )
        return NightPlan(reason, to_ingest, True, True)
    if state.built is None:
        reason = "no record of the last build: full refresh of every model"
        return NightPlan(reason, to_ingest, True, True)
    changed = tuple(
        sorted({RAW_TABLE_OF_SOURCE[source] for source, _, _ in state.ingested ^ state.built})
    )
    reference = tuple(reference_tests(dbt_manifest()))
    if not changed:
        reason = "built from these files but not published yet: building every model"
        return NightPlan(reason, to_ingest, True, False, None, (), reference)
    reason = (
        f"landing files changed for raw.{', raw.'.join(changed)}: building what depends on "
        "them (incremental models re-sum only the changed years)"
    )
    unaffected = tuple(unaffected_nodes(dbt_manifest(), changed))
    return NightPlan(reason, to_ingest, True, False, changed, unaffected, reference)


@cache
def _manifest_at(path: str, mtime_ns: int) -> dict:
    return json.loads(Path(path).read_text())


def dbt_manifest() -> dict:
    """The dbt manifest, read again only when `make manifest` wrote a new one."""
    path = dbt_project.manifest_path
    return _manifest_at(str(path), path.stat().st_mtime_ns)


def record_built_files(settings: Settings) -> None:
    """After a successful build: what dbt has now built from."""
    with settings.connect() as conn:
        conn.execute("begin transaction")
        conn.execute(BUILT_FILES_DDL)
        conn.execute("delete from raw._dbt_built_files")
        conn.execute(
            "insert into raw._dbt_built_files select source, file_name, sha256 "
            "from raw._ingested_files"
        )
        conn.execute("commit")


def _fed_by(manifest: dict, tables: tuple[str, ...] | None) -> set[str]:
    """Every node downstream of the raw tables (all of them for None)."""
    todo = [
        uid
        for uid, node in manifest["sources"].items()
        if node["source_name"] == "raw" and (tables is None or node["name"] in tables)
    ]
    affected: set[str] = set()
    while todo:
        for child in manifest["child_map"].get(todo.pop(), []):
            if child not in affected:
                affected.add(child)
                todo.append(child)
    return affected


def reference_tests(manifest: dict) -> list[str]:
    """dbt data tests that no raw table feeds: on the seeds and the models built from them alone.

    Their answer changes with the repository (a seed, a model's SQL), never with a night's
    data: a full refresh, which every change of the project is, runs them; a night with new
    data only leaves them out (NightPlan.dbt_args), as it leaves out the unit tests.
    """
    fed = _fed_by(manifest, None)
    return sorted(
        node["name"]
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and uid not in fed
    )


def unaffected_nodes(manifest: dict, changed_tables: tuple[str, ...]) -> list[str]:
    """Models that no changed raw table feeds: dbt excludes them and their tests.

    Seeds stay in (a second each): a test that compares an affected model with a seed, like a
    relationships test, is only selected when all its parents are.
    """
    affected = _fed_by(manifest, changed_tables)
    return sorted(
        node["name"]
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and uid not in affected
    )
