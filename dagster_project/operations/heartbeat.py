"""The daemon's heartbeat: freshness evaluated every few minutes, alerts, and a file outside.

Inside Dagster, ``warehouse_heartbeat`` (a sensor, on by default) evaluates the freshness checks
(operations/freshness.py) every five minutes. It records a check evaluation on the asset when a
verdict changes (and once a day, so the UI shows when it was last looked at), and sends an alert
through the same channels as a failed run when a check starts failing - once, not every tick.

Outside Dagster, nothing inside it can report that the daemon itself has stopped. So every
tick also rewrites warehouse/heartbeat.json (written to a temporary file and renamed): the time
and every verdict. ``python -m dagster_project.operations.heartbeat`` reads it and exits 1 when
it is older than three ticks or a check of severity ERROR fails; a systemd timer, cron or any
monitoring agent runs that (docs/guides/deploy-and-operate.md).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from dagster_project.operations.alerts import FRESHNESS, Alert, AlertChannels, send_alert
from dagster_project.operations.freshness import Verdict, freshness_verdicts
from dagster_project.settings import Settings

TICK_SECONDS = 300
# An evaluation is recorded again after this long even if nothing changed.
RECORD_EVERY = timedelta(days=1)
# The heartbeat file is stale after three missed ticks.
STALE_AFTER = timedelta(seconds=3 * TICK_SECONDS)


def _name(verdict: Verdict) -> str:
    return verdict.key.to_user_string()


def write_heartbeat(path: Path, verdicts: list[Verdict], now: datetime) -> None:
    body = {
        "at": now.isoformat(timespec="seconds"),
        "checks": [
            {
                "check": _name(v),
                "passed": v.passed,
                "severity": v.severity.value,
                "description": v.description,
            }
            for v in verdicts
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(staged, path)


def beat(
    context: SensorEvaluationContext, settings: Settings, now: datetime | None = None
) -> SensorResult:
    """One tick: evaluate, write the file, record what changed, alert on what started failing."""
    now = now or datetime.now(UTC)
    previous = json.loads(context.cursor) if context.cursor else {}
    since = datetime.fromisoformat(previous.get("watching_since") or now.isoformat())
    verdicts = freshness_verdicts(context.instance, settings, now, since)
    write_heartbeat(settings.heartbeat_file, verdicts, now)

    before: dict[str, bool] = previous.get("passed", {})
    recorded_at = previous.get("recorded_at")
    due = recorded_at is None or now - datetime.fromisoformat(recorded_at) >= RECORD_EVERY
    changed = [v for v in verdicts if before.get(_name(v)) != v.passed]
    record = verdicts if due else changed
    newly_failing = [v for v in changed if not v.passed]
    if newly_failing:
        alert = Alert(
            job=FRESHNESS,
            run_id="",
            failures=[
                {"step": _name(v), "reason": f"{v.severity.value}: {v.description}"}
                for v in newly_failing
            ],
        )
        delivered = send_alert(alert, AlertChannels.from_settings(settings))
        context.log.info(f"alert sent via {', '.join(delivered)}: {alert.subject}")
    cursor = {
        "watching_since": since.isoformat(),
        "passed": {_name(v): v.passed for v in verdicts},
        "recorded_at": now.isoformat() if due else recorded_at,
    }
    return SensorResult(
        asset_events=[v.evaluation() for v in record],
        cursor=json.dumps(cursor, sort_keys=True),
    )


@sensor(
    name="warehouse_heartbeat",
    minimum_interval_seconds=TICK_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Every five minutes: the publication's and the sources' freshness as check evaluations, "
        "an alert when one starts failing, and warehouse/heartbeat.json for outside monitoring."
    ),
)
def warehouse_heartbeat(context: SensorEvaluationContext, settings: Settings) -> SensorResult:
    return beat(context, settings)


def check_heartbeat(path: Path, now: datetime | None = None) -> list[str]:
    """What is wrong according to the heartbeat file; empty when the warehouse is healthy."""
    now = now or datetime.now(UTC)
    if not path.exists():
        return [f"{path} does not exist: the Dagster daemon has never run the heartbeat sensor"]
    body = json.loads(path.read_text(encoding="utf-8"))
    at = datetime.fromisoformat(body["at"])
    problems = []
    if now - at > STALE_AFTER:
        problems.append(
            f"the heartbeat is {int((now - at).total_seconds() // 60)} minutes old: the Dagster "
            "daemon or its heartbeat sensor has stopped"
        )
    problems += [
        f"{check['check']}: {check['description']}"
        for check in body["checks"]
        if not check["passed"] and check["severity"] == "ERROR"
    ]
    return problems


def main() -> int:
    """`python -m dagster_project.operations.heartbeat`: exit 0 when healthy, 1 with reasons."""
    problems = check_heartbeat(Settings.from_env().heartbeat_file)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("sundhedsdata: heartbeat current, publication fresh")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
