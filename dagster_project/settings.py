"""Every path and knob of the warehouse: one object, read once from the environment.

All variables are prefixed ``SUNDHEDSDATA_``. ``Settings.from_env()`` is called once, in
definitions.py, and the object is the Dagster resource ``settings`` every asset, check and
sensor receives, so the launchpad can override any field for one run. Each default is written
once, on its field below; dbt gets the thresholds from ``dbt_vars()`` and where and with what
it runs (the warehouse folder, DuckDB's memory cap, Spark's master) from ``dbt_profile_vars()``,
both through ``--vars`` on the command the dbt asset runs: nothing reaches dbt by changing the
process environment. The profile falls back on the same variables for dbt run by hand.

Every DuckDB connection of the product is opened by ``connect()``, which applies the memory
limit and the read-only mode in one place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb
from dagster import ConfigurableResource
from pydantic import field_validator

from dagster_project.disclosure.rule import ProtectionRule

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = REPO_ROOT / "seeds"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"

# Field -> environment variable. Unset or empty variables leave the field's default.
ENVIRONMENT = {
    "landing_folder": "SUNDHEDSDATA_LANDING_DIR",
    "quarantine_folder": "SUNDHEDSDATA_QUARANTINE_DIR",
    "warehouse_folder": "SUNDHEDSDATA_WAREHOUSE_DIR",
    "min_cell_count": "SUNDHEDSDATA_MIN_CELL_COUNT",
    "min_survey_respondents": "SUNDHEDSDATA_MIN_SURVEY_RESPONDENTS",
    "protection_level": "SUNDHEDSDATA_PROTECTION_LEVEL",
    "education_min_age": "SUNDHEDSDATA_EDUCATION_MIN_AGE",
    "survey_finite_population_correction": "SUNDHEDSDATA_SURVEY_FPC",
    "postgres_url": "SUNDHEDSDATA_POSTGRES_URL",
    "duckdb_memory_limit": "SUNDHEDSDATA_DUCKDB_MEMORY_LIMIT",
    "dbt_target": "SUNDHEDSDATA_DBT_TARGET",
    "spark_master": "SUNDHEDSDATA_SPARK_MASTER",
    "spark_driver_memory": "SUNDHEDSDATA_SPARK_DRIVER_MEMORY",
    "region_code": "SUNDHEDSDATA_REGION_CODE",
    "country_code": "SUNDHEDSDATA_COUNTRY_CODE",
    "chromium": "SUNDHEDSDATA_CHROMIUM",
    "statbank_url": "SUNDHEDSDATA_STATBANK_URL",
    "publication_max_age_hours": "SUNDHEDSDATA_PUBLICATION_MAX_AGE_HOURS",
    "delivery_grace_days": "SUNDHEDSDATA_DELIVERY_GRACE_DAYS",
    "run_timeout_minutes": "SUNDHEDSDATA_RUN_TIMEOUT_MINUTES",
    "history_days": "SUNDHEDSDATA_HISTORY_DAYS",
    "instance_postgres_url": "SUNDHEDSDATA_INSTANCE_POSTGRES_URL",
    "alert_webhook_url": "SUNDHEDSDATA_ALERT_WEBHOOK_URL",
    "alert_smtp_host": "SUNDHEDSDATA_ALERT_SMTP_HOST",
    "alert_smtp_port": "SUNDHEDSDATA_ALERT_SMTP_PORT",
    "alert_email_from": "SUNDHEDSDATA_ALERT_EMAIL_FROM",
    "alert_email_to": "SUNDHEDSDATA_ALERT_EMAIL_TO",
    "refresh_cron": "SUNDHEDSDATA_REFRESH_CRON",
    "serve_host": "SUNDHEDSDATA_SERVE_HOST",
    "serve_port": "SUNDHEDSDATA_SERVE_PORT",
}
BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
# The engines the nightly job can build the dbt models with (dbt/profiles.yml's outputs).
# PostgreSQL is a publication target and a tested dbt target, but not one the night builds on.
DBT_TARGETS = ("duckdb", "spark")


class Settings(ConfigurableResource):
    """Where the warehouse reads and writes, and the disclosure thresholds it enforces.

    Folders are strings because Dagster's config has no path type; the ``*_dir`` properties
    give them as resolved paths.
    """

    landing_folder: str = str(REPO_ROOT / "data" / "landing")
    quarantine_folder: str = str(REPO_ROOT / "data" / "quarantine")
    warehouse_folder: str = str(REPO_ROOT / "warehouse")
    # No published cell rests on fewer persons than this (docs/disclosure.md).
    min_cell_count: int = 5
    # A survey value needs at least this many respondents behind it.
    min_survey_respondents: int = 20
    # How far an attacker's interval for a suppressed small count must reach on either side of
    # the true count, in persons (sdcTable's and GaussSuppression's default 1; docs/disclosure.md).
    protection_level: int = 1
    # Values by education are for persons of at least this age: education is not finished
    # before (mart_indicator_education_year, mart_inequality_year, docs/inequality.md).
    education_min_age: int = 25
    # Survey standard errors are design-based with municipalities as strata; the
    # finite-population correction (1 - n/N per municipality, N from FOLK1A) is off, as in the
    # publisher's own intervals, unless this is set (docs/domain.md).
    survey_finite_population_correction: bool = False
    # libpq connection string or URI of a PostgreSQL publication target; None publishes only
    # the embedded DuckDB file and Parquet. Keep the password in PGPASSWORD or ~/.pgpass.
    postgres_url: str | None = None
    # DuckDB's memory cap for every connection and for dbt (a DuckDB size like "1GB"). Past it
    # DuckDB spills to disk; without it, it takes up to 80% of the machine for one hash table.
    duckdb_memory_limit: str = "1GB"
    # The engine dbt builds the models with: "duckdb" (the embedded build database) or "spark"
    # (dbt-spark; the raw layer handed over as Parquet and the built tables read back,
    # transform/spark.py and docs/spark.md).
    dbt_target: str = "duckdb"
    # Where the Spark target's driver sends work (local[2]: in the dbt process, two cores; a
    # spark:// or yarn master for a cluster, docs/spark.md) and the driver's memory.
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    # The region whose agreement the warehouse follows (Statistics Denmark's code: 083 is Region
    # Syddanmark), and the code Denmark as a whole is published under. The models, the audit
    # and the reports read them from here (dbt through dbt_vars()).
    region_code: str = "083"
    country_code: str = "000"
    # The Chromium that prints the reports' PDFs; None finds Debian's chromium on PATH.
    chromium: str | None = None
    # Statistics Denmark's StatBank API, for the fetch_statbank_folk1a job.
    statbank_url: str = "https://api.statbank.dk/v1"
    # When the nightly refresh looks for work (cron, Europe/Copenhagen): 02:00 every night.
    refresh_cron: str = "0 2 * * *"
    # Unattended operation (docs/guides/deploy-and-operate.md). The publication is stale when
    # neither a refresh nor the 02:00 schedule has confirmed it current for this long: one
    # night and two hours for its run.
    publication_max_age_hours: int = 26
    # A source whose newest landing file is older than its delivery interval and this many days
    # is overdue (a warning: suppliers are late, but someone should ask).
    delivery_grace_days: int = 61
    # A run still going after this long is stopped and marked failed by the daemon.
    run_timeout_minutes: int = 240
    # Runs, their event logs, sensor and schedule ticks and warehouse/logs files older than
    # this are deleted by the daemon's housekeeping.
    history_days: int = 90
    # PostgreSQL for the Dagster instance's own run, event and schedule storage (one URL; the
    # default is SQLite under DAGSTER_HOME). Written into dagster.yaml as a reference to the
    # variable, never as the URL itself.
    instance_postgres_url: str | None = None
    # Where alerts go besides warehouse/alerts.log (operations/alerts.py): an incoming webhook
    # (Teams/Slack style, JSON POST) and/or e-mail over SMTP, to comma-separated addresses.
    alert_webhook_url: str | None = None
    alert_smtp_host: str | None = None
    alert_smtp_port: int = 25
    alert_email_from: str | None = None
    alert_email_to: str | None = None
    # Where `make serve` has the Dagster UI listen: loopback unless told otherwise (put a
    # reverse proxy with authentication in front before opening it to a network).
    serve_host: str = "127.0.0.1"
    serve_port: int = 3000

    @field_validator("dbt_target")
    @classmethod
    def _known_target(cls, value: str) -> str:
        if value not in DBT_TARGETS:
            raise ValueError(
                f"SUNDHEDSDATA_DBT_TARGET must be one of {', '.join(DBT_TARGETS)}, got {value!r}"
            )
        return value

    @field_validator("instance_postgres_url")
    @classmethod
    def _psycopg2_url(cls, value: str | None) -> str | None:
        # Dagster's PostgreSQL storage sends NOTIFY with a bound parameter, which only psycopg2
        # accepts; SQLAlchemy 2.1 takes psycopg 3 for a plain postgresql:// URL (docs/stack.md).
        if value and not value.startswith("postgresql+psycopg2://"):
            raise ValueError(
                "SUNDHEDSDATA_INSTANCE_POSTGRES_URL must be a URL starting with "
                "postgresql+psycopg2:// (Dagster's storage needs the psycopg2 driver)"
            )
        return value

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field, variable in ENVIRONMENT.items():
            value = environ.get(variable)
            if not value:
                continue
            annotation = cls.model_fields[field].annotation
            if annotation is bool:
                if value.lower() not in BOOLEANS:
                    raise ValueError(f"{variable} must be true or false, got {value!r}")
                values[field] = BOOLEANS[value.lower()]
            elif annotation is int:
                try:
                    values[field] = int(value)
                except ValueError as exc:
                    raise ValueError(f"{variable} must be a whole number, got {value!r}") from exc
            elif field.endswith("_folder"):
                values[field] = str(Path(value).expanduser().resolve())
            else:
                values[field] = value
        return cls(**values)

    @classmethod
    def in_folders(cls, landing: Path, quarantine: Path, warehouse: Path, **knobs: Any) -> Settings:
        """Settings for explicit folders (tests, benchmarks, one-off runs)."""
        return cls(
            landing_folder=str(landing),
            quarantine_folder=str(quarantine),
            warehouse_folder=str(warehouse),
            **knobs,
        )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed; the object itself never changes."""
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self)(**{**fields, **changes})

    @property
    def landing_dir(self) -> Path:
        return Path(self.landing_folder)

    @property
    def quarantine_dir(self) -> Path:
        return Path(self.quarantine_folder)

    @property
    def warehouse_dir(self) -> Path:
        return Path(self.warehouse_folder)

    @property
    def build_db(self) -> Path:
        """The database dbt and ingestion write to; BI never opens it (DuckDB has one writer)."""
        return self.warehouse_dir / "build.duckdb"

    @property
    def published_db(self) -> Path:
        """The read-only database BI tools open; replaced atomically by publication."""
        return self.warehouse_dir / "published.duckdb"

    @property
    def published_dir(self) -> Path:
        """The same release as Parquet files, one per table; switched in with published_db."""
        return self.warehouse_dir / "published"

    @property
    def reports_dir(self) -> Path:
        """The annual status report, status_<year>.html and .pdf."""
        return self.warehouse_dir / "reports"

    @property
    def data_docs_dir(self) -> Path:
        return self.warehouse_dir / "data_docs"

    @property
    def gx_project_dir(self) -> Path:
        """GX file context: keeps validation results so Data Docs show every suite."""
        return self.warehouse_dir / "gx"

    @property
    def raw_dir(self) -> Path:
        """The raw layer: Parquet, one folder per source table (sources/raw_layer.py). DuckDB
        reads it through the build database's raw.* views, Spark directly."""
        return self.warehouse_dir / "raw"

    @property
    def spark_dir(self) -> Path:
        """Spark's own files when dbt builds on Spark: its tables and its catalog."""
        return self.warehouse_dir / "spark"

    @property
    def spark_tables_dir(self) -> Path:
        return self.spark_dir / "tables"

    @property
    def alerts_log(self) -> Path:
        """Every alert, one JSON object a line: written even when no channel is configured."""
        return self.warehouse_dir / "alerts.log"

    @property
    def heartbeat_file(self) -> Path:
        """The daemon's heartbeat and the freshness verdicts, rewritten every few minutes."""
        return self.warehouse_dir / "heartbeat.json"

    @property
    def logs_dir(self) -> Path:
        """The full Dagster event log of each `make run`, one file per run."""
        return self.warehouse_dir / "logs"

    def dbt_vars(self) -> dict[str, int | str]:
        """The thresholds (and the age values by education start at) and the geography's codes
        as dbt vars, so SQL, the GX gate and the report use the same numbers."""
        return {
            "region_code": self.region_code,
            "country_code": self.country_code,
            "min_cell_count": self.min_cell_count,
            "min_survey_respondents": self.min_survey_respondents,
            "protection_level": self.protection_level,
            "education_min_age": self.education_min_age,
            "survey_finite_population_correction": self.survey_finite_population_correction,
        }

    def protection_rule(self) -> ProtectionRule:
        """The disclosure rule these settings give the engine and the audit."""
        return ProtectionRule.from_vars(self.dbt_vars())

    def dbt_profile_vars(self) -> dict[str, str]:
        """Where dbt builds and with what (dbt/profiles.yml and the macro declare_raw_sources read
        these vars). Apart from dbt_vars(): moving the warehouse is not a change of the build."""
        return {
            "warehouse_dir": str(self.warehouse_dir),
            "duckdb_memory_limit": self.duckdb_memory_limit,
            "raw_dir": str(self.raw_dir),
            "spark_master": self.spark_master,
            "spark_driver_memory": self.spark_driver_memory,
        }

    def connect(
        self, database: Path | str | None = None, *, read_only: bool = False
    ) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection under the memory limit: the build database unless told otherwise.

        ``database=":memory:"`` gives a scratch connection (for reading files), still capped.
        """
        target = self.build_db if database is None else database
        return duckdb.connect(
            str(target),
            read_only=read_only,
            config={"memory_limit": self.duckdb_memory_limit},
        )


if __name__ == "__main__":
    # `make dbt-vars`: the thresholds as dbt --vars, for running dbt by hand.
    import json

    print(json.dumps(Settings.from_env().dbt_vars(), sort_keys=True))
