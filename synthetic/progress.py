"""Progress of a long generation: a line per file written, with rows/s, percent done and ETA.

At scale 1 the generator writes about a hundred files over several minutes; a silent terminal is
indistinguishable from a hung one. Percent is of the files planned (known before the first is
written); rows/s is for the file just written, the ETA from the average pace so far.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

BAR_WIDTH = 24


class GenerationProgress:
    def __init__(self, total_files: int, report: Callable[[str], None] | None = None):
        self.total = total_files
        self.done = 0
        self.report = report or (lambda line: print(line, file=sys.stderr, flush=True))
        self.started = self.last = time.perf_counter()

    def file_written(self, path: Path, rows: int | None) -> None:
        now = time.perf_counter()
        self.done += 1
        seconds, self.last = now - self.last, now
        share = self.done / self.total
        filled = round(share * BAR_WIDTH)
        elapsed = now - self.started
        eta = elapsed / self.done * (self.total - self.done)
        pace = f"{rows:,} rows ({rows / max(seconds, 1e-6):,.0f} rows/s)" if rows else "written"
        self.report(
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} "
            f"{self.done}/{self.total} {path.name}: {pace}; eta {eta:.0f} s"
        )
