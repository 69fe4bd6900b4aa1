"""Releases for BI readers: list them, and switch back to an earlier one.

Publication keeps the current release and the two before it (publication/release.py). When a
night published something wrong - a supplier's bad file that passed every check - the region can
point readers back to the release before while the file is sorted out:

    python -m dagster_project.operations.releases              # list, newest first
    python -m dagster_project.operations.releases restore NAME # switch ``published`` to NAME

The switch is the same atomic rename publication uses, taken under the refresh lock, so it never
meets a refresh half-way. It lasts until the next publication: a night with new work publishes
from the landing folder as always, so remove or fix the file that caused the bad release first
(docs/guides/deploy-and-operate.md).
"""

import argparse
import os
import sys
from pathlib import Path

from dagster_project.locking import warehouse_lock
from dagster_project.publication.release import PUBLISHED_DB_NAME, releases_dir, switch_to
from dagster_project.settings import Settings


def list_releases(warehouse_dir: Path) -> list[tuple[str, bool]]:
    """(release, is current) for every finished release, newest first."""
    folder = releases_dir(warehouse_dir)
    link = warehouse_dir / "published"
    current = Path(os.readlink(link)).name if link.is_symlink() else None
    names = (
        sorted(
            (p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
            reverse=True,
        )
        if folder.is_dir()
        else []
    )
    return [(name, name == current) for name in names]


def restore_release(settings: Settings, name: str) -> Path:
    """Point readers at an earlier release; raises ValueError naming the releases there are."""
    release = releases_dir(settings.warehouse_dir) / name
    if not (release / PUBLISHED_DB_NAME).is_file():
        known = ", ".join(n for n, _ in list_releases(settings.warehouse_dir)) or "none"
        raise ValueError(f"no release {name!r} in {release.parent} (there are: {known})")
    with warehouse_lock(settings.warehouse_dir, f"restore of release {name}"):
        switch_to(settings.warehouse_dir, release)
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    restore = commands.add_parser("restore", help="switch the publication to an earlier release")
    restore.add_argument("release")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "restore":
        try:
            restore_release(settings, args.release)
        except (ValueError, RuntimeError) as error:
            print(f"not restored: {error}", file=sys.stderr)
            return 1
        print(f"readers now get release {args.release}")
        return 0
    for name, current in list_releases(settings.warehouse_dir):
        print(f"{'*' if current else ' '} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
