"""What a publication was computed from, so a night with nothing new can skip the rebuild.

The published marts are a function of the landing files (their checksums, recorded by ingestion
in raw._ingested_files) and of the project: the dbt project and seeds, the GX suites, the
disclosure thresholds and the code of the stages that shape published output (SHAPING_CODE:
ingestion, transform, gate, publication, report; not the schedules, sensors and alerts of
operations/, nor the synthetic generator, which lives outside the package). Publication stores a
SHA-256 of each part in ``_publication.inputs_fingerprint`` ("<project>:<landing>"). The
night's plan (plan.py) compares it with the current inputs. Equal: dbt builds nothing, so the
gate, publication and report are skipped too and the nightly run takes seconds. A different
project: a full refresh, since incremental models must not keep years computed by older SQL,
and so deploying new code rebuilds everything on its first night. Different landing files
only: an incremental build of what they feed.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, SEEDS_DIR, Settings

DBT_INPUTS = ("models", "macros", "tests", "dbt_project.yml")
PACKAGE_DIR = Path(__file__).resolve().parent.parent
SHAPING_CODE = (
    "sources",
    "transform",
    "quality",
    "publication",
    "report",
    "reference_data.py",
    "settings.py",
)
# The explorer's page and the locked versions of the library it vendors: part of each release.
EXPLORER_INPUTS = ("app", "package-lock.json")


def _project_files() -> list[tuple[str, Path]]:
    """(name, path) of every file the marts, gate, publication and report are made by."""
    entries = [
        EXPECTATIONS_DIR,
        SEEDS_DIR,
        *(DBT_PROJECT_DIR / name for name in DBT_INPUTS),
        *(PACKAGE_DIR / name for name in SHAPING_CODE),
        *(PACKAGE_DIR.parent / "explorer" / name for name in EXPLORER_INPUTS),
    ]
    found = []
    for entry in entries:
        files = sorted(entry.rglob("*")) if entry.is_dir() else [entry]
        found += [
            (str(path.relative_to(entry.parent)), path)
            for path in files
            if path.is_file() and "__pycache__" not in path.parts
        ]
    return found


@dataclass(frozen=True)
class Fingerprint:
    project: str  # dbt project, seeds, suites, thresholds and this package's code
    landing: str  # every ingested landing file's checksum

    def __str__(self) -> str:
        return f"{self.project}:{self.landing}"

    @classmethod
    def parse(cls, text: str | None) -> "Fingerprint | None":
        """None for no fingerprint; one from before the split never equals a current one."""
        if not text:
            return None
        project, _, landing = text.partition(":")
        return cls(project, landing)


def project_fingerprint(settings: Settings) -> str:
    """SHA-256 over the thresholds, the engine and every file of the project."""
    # The engine is part of the project: a night on another engine than the last builds all.
    built_with = {**settings.dbt_vars(), "dbt_target": settings.dbt_target}
    project = hashlib.sha256(json.dumps(built_with, sort_keys=True).encode())
    for name, path in _project_files():
        project.update(name.encode())
        project.update(hashlib.sha256(path.read_bytes()).digest())
    return project.hexdigest()


def files_fingerprint(files: Iterable[tuple[str, str, str]]) -> str:
    """SHA-256 over (source, file name, sha256) of landing files, in sorted order."""
    return hashlib.sha256(json.dumps(sorted(files)).encode()).hexdigest()


def inputs_fingerprint(settings: Settings) -> Fingerprint:
    """What a publication made now is made from: the project and the ingested files."""
    with settings.connect(read_only=True) as conn:
        landing = conn.execute("select source, file_name, sha256 from raw._ingested_files")
        files = landing.fetchall()
    return Fingerprint(project=project_fingerprint(settings), landing=files_fingerprint(files))


def published_fingerprint(settings: Settings) -> tuple[Fingerprint | None, str | None]:
    """(fingerprint, run id) of the current publication; (None, None) when there is none."""
    if not settings.published_db.exists():
        return None, None
    with settings.connect(settings.published_db, read_only=True) as conn:
        columns = {c[0] for c in conn.execute("describe _publication").fetchall()}
        if "inputs_fingerprint" not in columns:
            return None, None
        row = conn.execute("select inputs_fingerprint, run_id from _publication").fetchone()
    text, run_id = row
    return Fingerprint.parse(text), run_id
