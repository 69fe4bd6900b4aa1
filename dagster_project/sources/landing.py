"""Files in the landing folder: discovery, checksums, synthetic labels and quarantine.

Ingestion is keyed on file content (SHA-256), not modification times: a re-delivered file with
the same bytes is not loaded again, and a changed file replaces exactly the rows it brought.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SYNTHETIC_MANIFEST = "_synthetic_manifest.json"


class LandingFileError(Exception):
    """A landing file breaks its contract. The message names file, row, column, rule and value."""

    def __init__(
        self,
        file: str,
        rule: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ):
        self.file, self.rule, self.row, self.column, self.value = file, rule, row, column, value
        where = [f"file {file}"]
        if row is not None:
            where.append(f"row {row} (line {row + 1})")
        if column is not None:
            where.append(f"column {column}")
        detail = f": {value!r}" if value is not None else ""
        super().__init__(f"{', '.join(where)}: {rule}{detail}")


@dataclass(frozen=True)
class LandingFile:
    path: Path
    name: str  # path relative to the source folder: the key rows are recorded under
    sha256: str
    size_bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_source_folder(folder: Path, patterns: tuple[str, ...]) -> list[LandingFile]:
    """The source's files, sorted by name, with their checksums."""
    if not folder.is_dir():
        return []
    paths = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
    return [
        LandingFile(
            path=p,
            name=p.relative_to(folder).as_posix(),
            sha256=sha256_of(p),
            size_bytes=p.stat().st_size,
        )
        for p in paths
    ]


def synthetic_checksums(landing_dir: Path) -> dict[str, str]:
    """{source/file: sha256} of files the generator wrote, from its manifest (if any).

    A file counts as synthetic only while its bytes match what the generator wrote, so a real
    delivery that happens to reuse a file name is never mislabelled.
    """
    manifest = landing_dir / SYNTHETIC_MANIFEST
    if not manifest.is_file():
        return {}
    return dict(json.loads(manifest.read_text(encoding="utf-8")).get("files", {}))


def quarantine(file: LandingFile, source: str, error: Exception, quarantine_dir: Path) -> Path:
    """Move a rejected file out of landing, with a report beside it naming what was wrong."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_dir = quarantine_dir / source
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{stamp}_{file.path.name}"
    shutil.move(str(file.path), target)
    target.with_name(target.name + ".report.txt").write_text(
        f"source: {source}\nfile: {file.name}\nsha256: {file.sha256}\nrejected: {stamp}\n"
        f"reason: {error}\n",
        encoding="utf-8",
    )
    return target
