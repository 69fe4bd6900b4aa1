"""Dagster resources besides Settings, built in definitions.py (no module opens its own paths)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from contextlib import ExitStack
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path

from dagster import ConfigurableResource, EnvVar, InitResourceContext
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import PrivateAttr

from dagster_project.locking import warehouse_lock
from dagster_project.settings import Settings
from dagster_project.sources.pseudonymise import KEY_VARIABLE as CPR_KEY_VARIABLE


class CprKey(ConfigurableResource):
    """The key ingestion replaces CPR numbers with (sources/pseudonymise.py), kept out of
    Settings: a secret. Built from SUNDHEDSDATA_CPR_HMAC_KEY as Dagster's EnvVar, so the UI and
    the run's config show the variable's name and never the key. None: no key, and a file that
    carries CPR numbers is refused."""

    key: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CprKey:
        environ = os.environ if environ is None else environ
        return cls(key=EnvVar(CPR_KEY_VARIABLE)) if environ.get(CPR_KEY_VARIABLE) else cls()


class PostgresTarget(ConfigurableResource):
    """The PostgreSQL database publication copies the marts into (publication/postgres.py)."""

    conninfo: str


# The Dagster concurrency pool of every step that writes the warehouse (the steps that take
# RefreshLock). The instance limits it to one run at a time (operations/instance.py), so a
# second refresh waits in Dagster's queue; the lock stays the guard for runs outside it.
WAREHOUSE_POOL = "warehouse"
# The run tag that forces a night to build everything again, the disclosure engine's decisions
# included, even where nothing it reads has changed.
FORCE_TAG = "sundhedsdata/force"


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


# The dbt installed beside this Python, so an unactivated .venv/bin/dagster finds it.
DBT_BESIDE_PYTHON = Path(sys.executable).with_name("dbt")


def dbt_executable() -> str:
    return str(DBT_BESIDE_PYTHON) if DBT_BESIDE_PYTHON.exists() else "dbt"


class DbtCli(DbtCliResource):
    """dagster-dbt's DbtCliResource, told the version of the dbt beside it instead of asking,
    and without a dbt adapter in this process.

    DbtCliResource learns dbt's version by running `dbt --version` once per run, and that
    command imports dbt and asks PyPI for the newest dbt-core and adapters (three requests with
    a one-second timeout each): about 3 s of every nightly run, more on a server without
    internet. The dbt beside this Python is the dbt-core package installed with it, so its
    version is that package's; any other executable is asked as before.

    Before each dbt command DbtCliResource also loads the dbt project and profile and opens
    the adapter in this process, which only its row counts and column metadata use
    (fetch_row_counts, fetch_column_metadata): this project asks for neither, and it cost 1.8 s
    in the first dbt step of a night and 0.5 s in the second. Without it, dagster-dbt runs the
    command as before, with no adapter handle.
    """

    def _initialize_dbt_core_adapter(self, args):
        return None

    @cached_property
    def _cli_version(self) -> Version:
        if Path(self.dbt_executable) == DBT_BESIDE_PYTHON:
            return Version(installed_version("dbt-core"))
        return DbtCliResource._cli_version.func(self)
