"""Fixtures that build real landing folders, real DuckDB files and run the real Dagster job."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster import DagsterInstance, Definitions, ExecuteInProcessResult, instance_for_test

from dagster_project.settings import REPO_ROOT, Settings
from dagster_project.transform.project import dbt_project

SAMPLE_DIR = REPO_ROOT / "data"


# The modules that run whole nights, longest first (fresh-clone CI's durations). pytest-xdist
# hands each worker one module at a time in collection order (--no-loadscope-reorder in
# pyproject.toml): started first, the Spark night runs beside the rest instead of after it,
# which is what keeps the workers finishing together.
SLOWEST_FIRST = (
    "tests/transform/test_spark.py",
    "tests/operations/test_soak.py",
    "tests/quality/test_gate.py",
    "tests/publication/test_crash_safety.py",
    "tests/transform/test_incremental.py",
    "tests/test_pipeline.py",
    "tests/publication/test_postgres.py",
    "tests/sources/test_undelivered_source.py",
    "tests/test_docs.py",
    "tests/operations/test_refresh_command.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    moved = [module for module in SLOWEST_FIRST if not (REPO_ROOT / module).exists()]
    assert not moved, f"SLOWEST_FIRST names modules that are gone: {moved}"
    rank = {module: position for position, module in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def pytest_configure(config: pytest.Config) -> None:
    # dagster-dbt reads the manifest when the definitions are imported (docs/stack.md).
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)


def settings_in(root: Path) -> Settings:
    return Settings.in_folders(root / "landing", root / "quarantine", root / "warehouse")


def copy_sample_landing(root: Path) -> Path:
    """A private copy of the committed synthetic sample, so tests may change it."""
    target = root / "landing"
    shutil.copytree(SAMPLE_DIR / "landing", target)
    return target


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_nightly(
    defs: Definitions,
    instance: DagsterInstance,
    job: str = "nightly_refresh",
    tags: dict[str, str] | None = None,
) -> ExecuteInProcessResult:
    return defs.resolve_job_def(job).execute_in_process(
        instance=instance, tags=tags, raise_on_error=False
    )


@dataclass
class Refreshed:
    """The sample landing folder refreshed once, end to end, by the nightly job."""

    root: Path
    settings: Settings
    defs: Definitions
    instance: DagsterInstance
    result: ExecuteInProcessResult


@pytest.fixture(scope="session")
def dagster_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterInstance]:
    with instance_for_test(temp_dir=str(tmp_path_factory.mktemp("dagster_home"))) as instance:
        yield instance


@pytest.fixture(scope="session")
def refreshed(
    tmp_path_factory: pytest.TempPathFactory, dagster_instance: DagsterInstance
) -> Refreshed:
    from dagster_project.definitions import build_definitions

    root = tmp_path_factory.mktemp("refreshed")
    copy_sample_landing(root)
    settings = settings_in(root)
    defs = build_definitions(settings)
    result = run_nightly(defs, dagster_instance)
    assert result.success, "the nightly refresh of the shipped sample failed"
    return Refreshed(root, settings, defs, dagster_instance, result)


@pytest.fixture
def fresh_copy(tmp_path: Path, refreshed: Refreshed) -> Refreshed:
    """A private copy of the refreshed warehouse and landing folder, for tests that break things."""
    from dagster_project.definitions import build_definitions

    shutil.copytree(refreshed.root / "landing", tmp_path / "landing")
    shutil.copytree(
        refreshed.settings.warehouse_dir,
        tmp_path / "warehouse",
        ignore=shutil.ignore_patterns("gx", "data_docs", "dbt_target"),
        symlinks=True,  # published and published.duckdb are relative links into releases/
    )
    settings = settings_in(tmp_path)
    return Refreshed(
        tmp_path, settings, build_definitions(settings), refreshed.instance, refreshed.result
    )


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server .ci/run starts (scripts/ci-services); required in CI."""
    url = os.environ.get("SUNDHEDSDATA_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL: .ci/run exports it from scripts/ci-services")
        pytest.skip(
            "no PostgreSQL: eval $(scripts/ci-services) sets SUNDHEDSDATA_TEST_POSTGRES_URL"
        )
    return url


@pytest.fixture
def postgres_database(postgres_admin_url: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards; yields its URL."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    name = f"sundhedsdata_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    try:
        yield make_conninfo(postgres_admin_url, dbname=name)
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True) as admin:
            # A closed bi_reader session can outlive its client for a moment, and "with
            # (force)" may not end another role's session: wait for it to go first.
            for _ in range(100):
                (sessions,) = admin.execute(
                    "select count(*) from pg_stat_activity where datname = %s", [name]
                ).fetchone()
                if not sessions:
                    break
                time.sleep(0.1)
            admin.execute(f"drop database if exists {name} with (force)")
