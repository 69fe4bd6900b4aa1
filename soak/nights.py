"""What happens on each night of the soak, and what the morning after should find.

A night changes the landing folder the way suppliers do (a new survey round or register year, a
re-delivery, a removal, a file that breaks its contract, nothing at all) and may add trouble on
the server (the run killed with SIGKILL, the daemon restarted while a run is going, the instance
moved to PostgreSQL storage). Each says what the morning should find: a new publication, the
previous one unchanged, or a failed run with its alert.
"""

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dagster_project.sources.landing import SYNTHETIC_MANIFEST

# What a morning expects.
PUBLISHED = "published"  # a new release, holding exactly the landing folder's files
UNCHANGED = "unchanged"  # the same release, byte for byte
# A night with nothing new publishes only when an earlier night left its work undone (a killed
# or restarted run); the driver decides which from the nights before.
CATCH_UP = "published if work was left, else unchanged"
FAILED = "failed"  # a failed run, one alert, the release unchanged
EITHER = "published or failed"  # a daemon restart may or may not take the run with it

# Trouble on the server, beside the night's files.
KILL_RUN = "kill the run with SIGKILL"
RESTART_DAEMON = "restart the daemon during the run"
POSTGRES = "move the instance to PostgreSQL storage"

# The newest file of these sources is held back from the first delivery and delivered one a
# night: new survey rounds, register years and status surveys.
HELD_BACK = (
    "trivsel/trivsel_2024-25.csv",
    "boernedatabasen/boernedatabasen_2024-25.csv",
    "labour/labour_2025.parquet",
    "education/education_2025.csv",
    "register_counts/labour_counts_2024.csv",
    "sundhedsprofilen/sundhedsprofilen_2025.csv",
    "cluster_status/fyn_2025.xlsx",
    "cluster_status/lillebaelt_2025.xlsx",
    "cluster_status/soenderjylland_2025.xlsx",
    "cluster_status/sydvestjylland_2025.xlsx",
)
# Files a night may remove and a later one deliver again.
REMOVABLE = ("trivsel/trivsel_2021-22.csv", "boernedatabasen/boernedatabasen_2021-22.csv")
# CSV files a night may re-deliver with the same rows in another order.
REDELIVERABLE = ("trivsel/trivsel_2023-24.csv", "boernedatabasen/boernedatabasen_2023-24.csv")


@dataclass(frozen=True)
class Night:
    """One night: what it does to the landing folder, what trouble it adds, what to expect."""

    event: str
    change: Callable[[Path, Path], None]  # (sample landing, scratch landing)
    expect: str
    trouble: str | None = None
    same_figures: bool = False  # a re-delivery of the same rows publishes the same figures
    hostile_file: str | None = None  # the file the quarantine report must name


def _copy(sample: Path, landing: Path, name: str) -> None:
    target = landing / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample / name, target)  # a new modification time: delivered tonight


def first_delivery(sample: Path, landing: Path) -> None:
    shutil.copytree(sample, landing, dirs_exist_ok=True, copy_function=shutil.copyfile)
    for name in HELD_BACK:
        (landing / name).unlink()


def nothing(sample: Path, landing: Path) -> None:
    """No supplier wrote anything."""


def delivery(name: str) -> Callable[[Path, Path], None]:
    return lambda sample, landing: _copy(sample, landing, name)


def removal(name: str) -> Callable[[Path, Path], None]:
    return lambda sample, landing: (landing / name).unlink()


def redelivery(name: str) -> Callable[[Path, Path], None]:
    """The same file again with its rows in reverse order: new bytes, the same rows.

    The rows are the generator's, so the new file is entered in the landing folder's synthetic
    manifest as the generator would: a file missing from it is taken for real data, and its
    figures would lose their synthetic label (which the morning would see as changed figures).
    """

    def change(sample: Path, landing: Path) -> None:
        header, *rows = (landing / name).read_text(encoding="utf-8").splitlines()
        (landing / name).write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
        manifest_path = landing / SYNTHETIC_MANIFEST
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest["files"][name] = hashlib.sha256((landing / name).read_bytes()).hexdigest()
        manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")

    return change


HOSTILE = "trivsel/trivsel_2030-31.csv"


def hostile(sample: Path, landing: Path) -> None:
    """A well-being file whose third row has a word for a count: the contract refuses it."""
    (landing / HOSTILE).write_text(
        "school_year,kommune_kode,n_respondents,n_high_wellbeing\n"
        "2030/31,101,1835,1589\n2030/31,147,327,285\n2030/31,155,many,12\n",
        encoding="utf-8",
    )


def plan(count: int, postgres: bool) -> list[Night]:
    """``count`` nights: the first delivery, then a fixed cycle of what suppliers and servers do.

    Deliveries take the held-back files in turn; once they are all in, removals and
    re-deliveries of older files carry on. The PostgreSQL night comes last, when asked for.
    """
    held = list(HELD_BACK)
    removed: list[str] = []
    removable = list(REMOVABLE)
    redeliverable = list(REDELIVERABLE)

    def new_file() -> tuple[str, Callable[[Path, Path], None]]:
        if held:
            name = held.pop(0)
            return f"delivery of {name}", delivery(name)
        if removed:
            name = removed.pop(0)
            return f"delivery again of {name}", delivery(name)
        name = removable[0]
        removed.append(name)
        return f"removal of {name}", removal(name)

    def gone_file() -> tuple[str, Callable[[Path, Path], None]]:
        if removable and removable[0] not in removed:
            name = removable.pop(0)
            removed.append(name)
            return f"removal of {name}", removal(name)
        return new_file()

    cycle = (
        lambda: Night("nothing new", nothing, CATCH_UP),
        lambda: Night(*new_file(), PUBLISHED),
        lambda: Night(
            f"a file breaking its contract ({HOSTILE})",
            hostile,
            FAILED,
            hostile_file=HOSTILE,
        ),
        lambda: Night("nothing new (the rejected file is in quarantine)", nothing, CATCH_UP),
        lambda: Night(*new_file(), PUBLISHED),
        lambda: Night(
            f"re-delivery of {redeliverable[0]} (same rows, new order)",
            redelivery(redeliverable.append(redeliverable.pop(0)) or redeliverable[-1]),
            PUBLISHED,
            same_figures=True,
        ),
        lambda: Night(*new_file(), FAILED, trouble=KILL_RUN),
        lambda: Night("nothing new (last night's work is still to do)", nothing, CATCH_UP),
        lambda: Night(*gone_file(), PUBLISHED),
        lambda: Night(*new_file(), EITHER, trouble=RESTART_DAEMON),
        lambda: Night("nothing new (after the restart)", nothing, CATCH_UP),
    )
    nights = [
        Night("first delivery (the sample, newest files held back)", first_delivery, PUBLISHED)
    ]
    while len(nights) < count - (1 if postgres else 0):
        nights.append(cycle[(len(nights) - 1) % len(cycle)]())
    if postgres:
        nights.append(Night(*new_file(), PUBLISHED, trouble=POSTGRES))
    return nights[:count]
