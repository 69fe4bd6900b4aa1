"""What a publication was computed from, so a night with nothing new can skip the rebuild.

The published marts are a function of the landing files (their checksums, recorded by ingestion
in raw._ingested_files), the dbt project and seeds, the GX suites and the disclosure thresholds.
Publication stores a SHA-256 of all of them in ``_publication.inputs_fingerprint``; the dbt step
compares it with the fingerprint of the current inputs and, when they are equal, builds nothing,
so the gate, publication and report are skipped too and the nightly run takes seconds. A change
of Python code is not part of it: after deploying one, materialise with ``force: true``.
"""

import hashlib
import json
from pathlib import Path

import duckdb

from dagster_project.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, SEEDS_DIR, Settings

DBT_INPUTS = ("models", "macros", "tests", "dbt_project.yml")


def _project_files() -> list[Path]:
    files = [EXPECTATIONS_DIR, SEEDS_DIR, *(DBT_PROJECT_DIR / name for name in DBT_INPUTS)]
    found = []
    for entry in files:
        found += sorted(p for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else [entry]
    return found


def inputs_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    with duckdb.connect(str(settings.build_db), read_only=True) as conn:
        landing = conn.execute(
            "select source, file_name, sha256 from raw._ingested_files order by all"
        ).fetchall()
    digest.update(json.dumps([landing, settings.dbt_vars()], sort_keys=True).encode())
    for path in _project_files():
        digest.update(str(path.relative_to(DBT_PROJECT_DIR.parent)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def published_fingerprint(published_db: Path) -> tuple[str | None, str | None]:
    """(fingerprint, run id) of the current publication; (None, None) when there is none."""
    if not published_db.exists():
        return None, None
    with duckdb.connect(str(published_db), read_only=True) as conn:
        columns = {c[0] for c in conn.execute("describe _publication").fetchall()}
        if "inputs_fingerprint" not in columns:
            return None, None
        return conn.execute("select inputs_fingerprint, run_id from _publication").fetchone()
