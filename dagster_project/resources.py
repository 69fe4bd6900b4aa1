"""Dagster resources besides Settings, built in definitions.py (no module opens its own paths)."""

from __future__ import annotations

from contextlib import ExitStack

from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from dagster_project.locking import warehouse_lock
from dagster_project.settings import Settings


class PostgresTarget(ConfigurableResource):
    """The PostgreSQL database publication copies the marts into (publication/postgres.py)."""

    conninfo: str


class RefreshLock(ConfigurableResource):
    """Held by every step that writes the warehouse, for the whole run (see locking.py).

    With the in-process executor the resource is set up once per run, so the lock is taken
    when the run starts and released when it ends - or when its process dies.
    """

    settings: Settings
    _stack: ExitStack = PrivateAttr(default_factory=ExitStack)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        holder = f"run {context.run_id}" if context.run_id else "a Dagster process"
        self._stack.enter_context(warehouse_lock(self.settings.warehouse_dir, holder))

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        self._stack.close()
