"""The Dagster instance the warehouse runs on unattended: dagster.yaml, written from Settings.

`make serve` (and `make run`) write ``$DAGSTER_HOME/dagster.yaml`` with this command before
they start anything, so the instance always matches the settings:

- storage: SQLite files under DAGSTER_HOME on one machine; PostgreSQL run, event-log and
  schedule storage (dagster-postgres) when SUNDHEDSDATA_INSTANCE_POSTGRES_URL is set. The file
  refers to the variable; the URL (and its password) is never written to disk.
- run monitoring on, with a launcher that sees a run's process die (operations/run_launcher.py),
  and a run timeout (``run_timeout_minutes``);
- at most one refresh at a time: every step that writes the warehouse is in the concurrency
  pool ``warehouse`` (limit 1, claimed for the whole run), so a second run waits in the queue
  instead of failing on the warehouse lock (locking.py stays as the guard outside Dagster);
- retention of sensor and schedule ticks (runs and logs: operations/housekeeping.py);
- Dagster's usage telemetry and new-user pop-up off: a health-data server sends nothing anywhere.

A dagster.yaml someone wrote by hand (one without this module's first line) is left alone.
"""

import os
import sys
from pathlib import Path

import yaml

from dagster_project.settings import Settings

HEADER = "# Written by `python -m dagster_project.operations.instance` from the settings.\n"
INSTANCE_POSTGRES_VARIABLE = "SUNDHEDSDATA_INSTANCE_POSTGRES_URL"
# How often the daemon looks at started runs, in seconds (Dagster's default is 120).
MONITOR_EVERY_SECONDS = 30


def instance_config(settings: Settings) -> dict:
    config: dict = {
        "telemetry": {"enabled": False},
        "nux": {"enabled": False},
        "run_launcher": {
            "module": "dagster_project.operations.run_launcher",
            "class": "LocalRunLauncher",
        },
        "run_monitoring": {
            "enabled": True,
            "start_timeout_seconds": 180,
            "cancel_timeout_seconds": 180,
            "max_runtime_seconds": settings.run_timeout_minutes * 60,
            "poll_interval_seconds": MONITOR_EVERY_SECONDS,
        },
        "concurrency": {
            "pools": {"granularity": "run", "default_limit": 1},
            "runs": {"max_concurrent_runs": 4},
        },
        "retention": {
            "schedule": {"purge_after_days": settings.history_days},
            "sensor": {
                "purge_after_days": {
                    "skipped": 7,
                    "failure": settings.history_days,
                    "success": settings.history_days,
                }
            },
        },
    }
    if settings.instance_postgres_url:
        config["storage"] = {
            "postgres": {"postgres_url": {"env": INSTANCE_POSTGRES_VARIABLE}},
        }
    return config


def write_instance_config(settings: Settings, dagster_home: Path) -> str:
    """Write dagster.yaml unless a hand-written one is there; says what it did."""
    path = dagster_home / "dagster.yaml"
    if path.exists() and path.read_text().strip() and not path.read_text().startswith(HEADER):
        return f"{path} was written by hand: left as it is"
    dagster_home.mkdir(parents=True, exist_ok=True)
    storage = "PostgreSQL" if settings.instance_postgres_url else "SQLite"
    text = HEADER + yaml.safe_dump(instance_config(settings), sort_keys=False)
    if not path.exists() or path.read_text() != text:
        staged = path.with_name(".dagster.yaml.tmp")
        staged.write_text(text)
        os.replace(staged, path)
    return f"{path}: {storage} storage, run monitoring, one refresh at a time"


def dagster_home() -> Path | None:
    """The instance's folder from DAGSTER_HOME, or None after saying it is not set."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        print("DAGSTER_HOME is not set: it names the instance's folder", file=sys.stderr)
        return None
    return Path(home)


def main() -> int:
    home = dagster_home()
    if home is None:
        return 1
    print(write_instance_config(Settings.from_env(), home))
    return 0


if __name__ == "__main__":
    sys.exit(main())
