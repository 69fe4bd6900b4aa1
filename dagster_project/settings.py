"""Every path and knob of the warehouse, read once from the environment.

All variables are prefixed ``SUNDHEDSDATA_``. The dbt profile reads the same
``SUNDHEDSDATA_WAREHOUSE_DIR`` variable, so Dagster and a hand-run ``dbt`` agree on where the
build database lives without either of them hard-coding it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt"
SEEDS_DIR = REPO_ROOT / "seeds"
EXPECTATIONS_DIR = REPO_ROOT / "expectations"


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


@dataclass(frozen=True)
class Settings:
    """Where the warehouse reads and writes, and the disclosure thresholds it enforces."""

    landing_dir: Path
    quarantine_dir: Path
    warehouse_dir: Path
    min_cell_count: int = 5
    min_survey_respondents: int = 20
    # Rounds of complementary suppression (int_complementary_suppression). Each round pairs
    # what the last one left alone; a blocking dbt test and the disclosure audit fail the
    # night if a suppressed value is still exposed after them.
    suppression_passes: int = 4
    # libpq connection string or URI of a PostgreSQL publication target; None publishes only
    # the embedded DuckDB file and Parquet. Keep the password in PGPASSWORD or ~/.pgpass.
    postgres_url: str | None = None
    # DuckDB's memory cap for ingestion and dbt (a DuckDB size like "1GB"). Past it DuckDB
    # spills to disk; without it, it takes up to 80% of the machine for one hash table.
    duckdb_memory_limit: str = "1GB"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_dir=_path("SUNDHEDSDATA_LANDING_DIR", REPO_ROOT / "data" / "landing"),
            quarantine_dir=_path("SUNDHEDSDATA_QUARANTINE_DIR", REPO_ROOT / "data" / "quarantine"),
            warehouse_dir=_path("SUNDHEDSDATA_WAREHOUSE_DIR", REPO_ROOT / "warehouse"),
            min_cell_count=_int("SUNDHEDSDATA_MIN_CELL_COUNT", 5),
            min_survey_respondents=_int("SUNDHEDSDATA_MIN_SURVEY_RESPONDENTS", 20),
            suppression_passes=_int("SUNDHEDSDATA_SUPPRESSION_PASSES", 4),
            postgres_url=os.environ.get("SUNDHEDSDATA_POSTGRES_URL") or None,
            duckdb_memory_limit=os.environ.get("SUNDHEDSDATA_DUCKDB_MEMORY_LIMIT") or "1GB",
        )

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

    def dbt_vars(self) -> dict[str, int]:
        """The thresholds as dbt vars, so SQL and the GX gate enforce the same numbers."""
        return {
            "min_cell_count": self.min_cell_count,
            "min_survey_respondents": self.min_survey_respondents,
            "suppression_passes": self.suppression_passes,
        }
