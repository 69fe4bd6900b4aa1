"""Dagster resources, built from Settings in definitions.py (no module opens its own paths)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from dagster_project.locking import warehouse_lock
from dagster_project.settings import Settings


class WarehouseSettings(ConfigurableResource):
    """Paths and disclosure thresholds, visible and overridable in the Dagster UI's launchpad."""

    landing_dir: str
    quarantine_dir: str
    warehouse_dir: str
    min_cell_count: int = 5
    min_survey_respondents: int = 20
    suppression_passes: int = 4
    duckdb_memory_limit: str = "1GB"

    @classmethod
    def from_settings(cls, settings: Settings) -> WarehouseSettings:
        return cls(
            landing_dir=str(settings.landing_dir),
            quarantine_dir=str(settings.quarantine_dir),
            warehouse_dir=str(settings.warehouse_dir),
            min_cell_count=settings.min_cell_count,
            min_survey_respondents=settings.min_survey_respondents,
            suppression_passes=settings.suppression_passes,
            duckdb_memory_limit=settings.duckdb_memory_limit,
        )

    @property
    def settings(self) -> Settings:
        return Settings(
            landing_dir=Path(self.landing_dir),
            quarantine_dir=Path(self.quarantine_dir),
            warehouse_dir=Path(self.warehouse_dir),
            min_cell_count=self.min_cell_count,
            min_survey_respondents=self.min_survey_respondents,
            suppression_passes=self.suppression_passes,
            duckdb_memory_limit=self.duckdb_memory_limit,
        )


class PostgresTarget(ConfigurableResource):
    """The PostgreSQL database publication copies the marts into (publish_postgres.py)."""

    conninfo: str


class RefreshLock(ConfigurableResource):
    """Held by every step that writes the warehouse, for the whole run (see locking.py).

    With the in-process executor the resource is set up once per run, so the lock is taken
    when the run starts and released when it ends - or when its process dies.
    """

    warehouse_dir: str
    _stack: ExitStack = PrivateAttr(default_factory=ExitStack)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        holder = f"run {context.run_id}" if context.run_id else "a Dagster process"
        self._stack.enter_context(warehouse_lock(Path(self.warehouse_dir), holder))

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._stack.close()
