"""One refresh at a time: an exclusive lock on the warehouse folder for the whole run.

DuckDB allows one writer process, and two refreshes publishing at once could swap in each
other's half-checked files. The lock is flock(2) on warehouse/.refresh.lock: the kernel
releases it when the holder exits, even after kill -9, so a crashed run never blocks the next
one. What a killed holder was half-way through writing (a release being published) is
garbage once the lock is taken again, and is removed then, at the start of every run - a night
with nothing to build included. A second refresh does not wait: it stops at once, names the run
that holds the lock, and changes nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = ".refresh.lock"
RELEASES = "releases"
# What publication writes before its atomic renames (publication/release.py): a release folder being
# filled, releases/.<release>.tmp, and a link about to replace another, .<name>.link.tmp.
STAGED_RELEASE = ".*.tmp"
STAGED_LINK = ".*.link.tmp"


class WarehouseLockedError(RuntimeError):
    """Another refresh holds the warehouse."""


@contextmanager
def warehouse_lock(warehouse_dir: Path, holder: str) -> Iterator[Path]:
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            current = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "unknown"
            raise WarehouseLockedError(
                f"another refresh holds {path} ({current}); this run stopped before changing "
                "anything - start it again when that one has finished"
            ) from None
        stamp = json.dumps(
            {
                "holder": holder,
                "pid": os.getpid(),
                "since": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        os.ftruncate(fd, 0)
        os.pwrite(fd, stamp.encode(), 0)
        remove_leftovers(warehouse_dir)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def remove_leftovers(warehouse_dir: Path) -> None:
    """Delete what a killed publication left half-written; only call while holding the lock."""
    for leftover in (warehouse_dir / RELEASES).glob(STAGED_RELEASE):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in warehouse_dir.glob(STAGED_LINK):
        leftover.unlink()
