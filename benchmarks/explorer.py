"""How fast the explorer's first view opens from the file system, and how large it is.

Usage: .venv/bin/python -m benchmarks.explorer [warehouse] [--runs N]

Each run opens ``<warehouse>/explorer/index.html`` in a fresh headless Chromium page (Debian's
Chromium through Playwright, every non-file request refused) and times from navigation to the
moment the view is drawn (the page sets ``body[data-ready]``), for the overview and for each
other view. The browser is started once: its start is not part of opening a page. Prints the
minimum, median and maximum per view and the folder's size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from dagster_project.report.browser import offline_page
from dagster_project.report.explorer import explorer_bytes

VIEWS = ["overblik", "profil", "sammenlign", "udvikling", "lighed", "definitioner"]


def measure(warehouse: Path, runs: int) -> dict[str, list[float]]:
    index = (warehouse / "explorer" / "index.html").resolve()
    timings: dict[str, list[float]] = {view: [] for view in VIEWS}
    refused: list[str] = []
    with offline_page(refused) as page:
        for _ in range(runs):
            for view in VIEWS:
                page.goto("about:blank")
                start = time.perf_counter()
                page.goto(f"{index.as_uri()}#vis={view}")
                page.wait_for_selector("body[data-ready]")
                timings[view].append(time.perf_counter() - start)
    if refused:
        raise RuntimeError(f"the explorer asked for files outside its folder: {refused}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", nargs="?", type=Path, default=Path("warehouse"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    timings = measure(args.warehouse, args.runs)
    folder = (args.warehouse / "explorer").resolve()
    size = explorer_bytes(folder)
    print(f"| view | min s | median s | max s |  ({args.runs} runs)")
    print("|---|---:|---:|---:|")
    for view, seconds in timings.items():
        print(
            f"| {view} | {min(seconds):.2f} | {statistics.median(seconds):.2f} "
            f"| {max(seconds):.2f} |"
        )
    print(f"explorer folder: {size / 1e6:.2f} MB (release {folder.parent.name})")


if __name__ == "__main__":
    main()
