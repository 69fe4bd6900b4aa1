"""Which part of the dbt project a night has to build, from what changed since the last build.

A night that adds one year's labour extract must not rebuild the survey, school and status
models: nothing they read changed. After each successful dbt build, the build database keeps
raw._dbt_built_files, a copy of raw._ingested_files as dbt saw it. The next night compares the
two: the raw tables whose files changed are the changed sources, and dbt builds their
descendants only (the incremental models among them re-sum only the changed years). Anything
else - a changed project (dbt, seeds, suites, thresholds, code), a first build, a build
database without the record - is a full build.
"""

from dataclasses import dataclass

from dagster_project.settings import Settings
from dagster_project.sources.assets import SOURCES
from dagster_project.transform.fingerprint import inputs_fingerprint, published_fingerprint

BUILT_FILES_DDL = """
create table if not exists raw._dbt_built_files as
select source, file_name, sha256 from raw._ingested_files where false
"""
RAW_TABLE_OF_SOURCE = {source.name: source.table for source in SOURCES}


@dataclass(frozen=True)
class BuildPlan:
    """How to run dbt this night: everything, or the descendants of some raw tables."""

    full_refresh: bool
    changed_tables: tuple[str, ...] | None  # None: build everything
    reason: str

    def unaffected_models(self, manifest: dict) -> list[str]:
        if self.changed_tables is None:
            return []
        return unaffected_nodes(manifest, self.changed_tables)

    def dbt_args(self, unaffected: list[str], reference: list[str]) -> list[str]:
        """The flags for `dbt build`, given unaffected_models() and reference_tests().

        No night runs the unit tests: they test the project on fixed rows, not the data, so
        their answer changes only with the project, and every change of the project passes
        them in `make test` before it ships (tests/transform/test_dbt_unit_tests.py; dbt Labs
        advises leaving them out of production builds). A full refresh - a changed project,
        its first night, a forced build - runs every data test. A night whose project is the
        one last published runs only the data tests whose answer can have changed: not the
        reference tests (seeds and the models built from them alone), which passed with this
        very project before.
        """
        flags = ["--exclude-resource-type", "unit_test"]
        if self.full_refresh:
            return ["--full-refresh", *flags]
        excluded = [*unaffected, *reference]
        return flags + (["--exclude", " ".join(excluded)] if excluded else [])


def changed_raw_tables(settings: Settings) -> tuple[str, ...] | None:
    """Raw tables whose landing files differ from the last successful build; None if unknown."""
    if not settings.build_db.exists():
        return None
    with settings.connect(read_only=True) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw'"
            ).fetchall()
        }
        if "_dbt_built_files" not in tables or "_ingested_files" not in tables:
            return None
        changed = conn.execute(
            "select distinct source from ("
            "(select source, file_name, sha256 from raw._ingested_files "
            "except select source, file_name, sha256 from raw._dbt_built_files) union all "
            "(select source, file_name, sha256 from raw._dbt_built_files "
            "except select source, file_name, sha256 from raw._ingested_files))"
        ).fetchall()
    return tuple(sorted(RAW_TABLE_OF_SOURCE[row[0]] for row in changed))


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
    data only leaves them out (BuildPlan.dbt_args), as it leaves out the unit tests.
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


def build_plan(settings: Settings, force: bool = False) -> BuildPlan | None:
    """Tonight's dbt build, or None when nothing changed since the last publication."""
    if force:
        return BuildPlan(True, None, "forced: full refresh of every model")
    current = inputs_fingerprint(settings)
    published, run_id = published_fingerprint(settings)
    if published == current:
        return None
    if published is None or published.project != current.project:
        return BuildPlan(
            True,
            None,
            "the dbt project, seeds, suites, thresholds or code differ from the last publication "
            f"({run_id or 'none'}): full refresh of every model",
        )
    changed = changed_raw_tables(settings)
    if changed is None:
        return BuildPlan(True, None, "no record of the last build: full refresh of every model")
    if not changed:
        return BuildPlan(
            False, None, "built from these files but not published yet: building every model"
        )
    return BuildPlan(
        False,
        changed,
        f"landing files changed for raw.{', raw.'.join(changed)}: building what depends on "
        "them (incremental models re-sum only the changed years)",
    )
