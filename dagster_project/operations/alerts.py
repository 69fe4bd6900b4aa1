"""Telling the data engineers when the nightly refresh fails or the warehouse falls behind.

A run-failure sensor collects the failed steps of the run (an ingestion asset with the rejected
file, dbt with the failing test, a quality gate with its failing expectations, publication) and
sends one alert; the heartbeat sensor (operations/heartbeat.py) sends one when a freshness check
starts failing. Each alert goes to a webhook (JSON POST) and/or by SMTP e-mail when configured,
and always to a log file (warehouse/alerts.log, one JSON object a line), so an unattended
failure is never silent even with nothing configured. The channels are Settings fields
(SUNDHEDSDATA_ALERT_WEBHOOK_URL, _SMTP_HOST, _SMTP_PORT, _EMAIL_FROM, _EMAIL_TO).
"""

from __future__ import annotations

import json
import re
import smtplib
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from dagster import (
    DagsterEventType,
    DefaultSensorStatus,
    RunFailureSensorContext,
    run_failure_sensor,
)

from dagster_project.operations.nightly import nightly_refresh
from dagster_project.settings import Settings

FRESHNESS = "freshness"


@dataclass
class Alert:
    """A failed run (job and run id), or failing freshness checks (job FRESHNESS, no run)."""

    job: str
    run_id: str
    failures: list[dict] = field(default_factory=list)  # {"step": ..., "reason": ...}
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def subject(self) -> str:
        steps = ", ".join(f["step"] for f in self.failures) or "the run"
        if self.job == FRESHNESS:
            return f"sundhedsdata: freshness check failing: {steps}"
        return f"sundhedsdata: {self.job} failed in {steps}"

    def body(self) -> str:
        if self.job == FRESHNESS:
            lines = [f"Freshness checks started failing at {self.at}.", ""]
        else:
            lines = [f"Run {self.run_id} of {self.job} failed at {self.at}.", ""]
        lines += [f"- {f['step']}: {f['reason']}" for f in self.failures]
        if self.job != FRESHNESS:
            lines += ["", "The published warehouse was left unchanged."]
        return "\n".join(lines)


@dataclass(frozen=True)
class AlertChannels:
    log_file: Path
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    email_from: str | None = None
    email_to: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertChannels:
        return cls(
            log_file=settings.alerts_log,
            webhook_url=settings.alert_webhook_url,
            smtp_host=settings.alert_smtp_host,
            smtp_port=settings.alert_smtp_port,
            email_from=settings.alert_email_from,
            email_to=tuple(
                a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip()
            ),
        )


def alerted_before(log_file: Path, run_id: str) -> bool:
    """Whether the alert log already holds this run's alert.

    The sensor's cursor is saved after its tick: a daemon stopped in between (a restart while
    a run fails) leaves the next daemon to act on the same failure again, as the soak saw. The
    log is written before any other channel, so it is the record of what was sent.
    """
    if not log_file.exists():
        return False
    with log_file.open(encoding="utf-8") as log:
        return any(json.loads(line).get("run_id") == run_id for line in log if line.strip())


def send_alert(alert: Alert, channels: AlertChannels, timeout_s: float = 10) -> list[str]:
    """Deliver an alert on every configured channel; returns the channels that delivered.

    The log file is written first, so a broken webhook or mail server never loses the alert.
    """
    channels.log_file.parent.mkdir(parents=True, exist_ok=True)
    with channels.log_file.open("a", encoding="utf-8") as log:
        log.write(
            json.dumps({**asdict(alert), "subject": alert.subject}, ensure_ascii=False) + "\n"
        )
    delivered = ["log"]
    if channels.webhook_url:
        request = urllib.request.Request(
            channels.webhook_url,
            data=json.dumps({"text": f"{alert.subject}\n{alert.body()}", **asdict(alert)}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=timeout_s):
            delivered.append("webhook")
    if channels.smtp_host and channels.email_to:
        message = EmailMessage()
        message["Subject"] = alert.subject
        message["From"] = channels.email_from or "sundhedsdata@localhost"
        message["To"] = ", ".join(channels.email_to)
        message.set_content(alert.body())
        with smtplib.SMTP(channels.smtp_host, channels.smtp_port, timeout=timeout_s) as smtp:
            smtp.send_message(message)
        delivered.append("email")
    return delivered


def failure_reason(error, step: str) -> str:
    """The first line of a step's error, without the exception's class (Dagster's or another
    library's): what the asset said, e.g. ingestion's file, row, column and rule."""
    if error is None:
        return f"step {step} failed"
    while error.cause is not None and error.cls_name != "Failure":
        error = error.cause
    lines = [line.strip() for line in error.message.strip().splitlines() if line.strip()]
    # dagster-dbt's error opens with the command; the failing model or test follows this line.
    marker = "Errors parsed from dbt logs:"
    if marker in lines and lines.index(marker) + 1 < len(lines):
        return f"dbt: {lines[lines.index(marker) + 1]}"
    first = lines[0]
    return re.sub(r"^[\w.]+(Error|Exception|Failure): ", "", first)


def failures_of_run(context: RunFailureSensorContext) -> list[dict]:
    """Each failed step of the run with its reason (the error message, first line kept whole)."""
    failures = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error
        user = event.step_failure_data.user_failure_data
        reason = (user.description if user and user.description else None) or failure_reason(
            error, event.step_key
        )
        failures.append({"step": event.step_key, "reason": reason})
    if not failures:
        message = context.failure_event.message or "the run failed before any step ran"
        # A run whose process was killed is failed "from outside the execution context"; the
        # code server logged the signal, which is what the engineer needs to read.
        killed = [
            record.message
            for record in context.instance.all_logs(
                context.dagster_run.run_id, of_type=DagsterEventType.ENGINE_EVENT
            )
            if "terminated by signal" in (record.message or "")
        ]
        if killed:
            message = killed[-1].removeprefix("[DagsterApiServer] ").split(". ")[0]
        failures.append({"step": "run", "reason": message})
    return failures


@run_failure_sensor(
    name="refresh_failure_alert",
    monitored_jobs=[nightly_refresh],
    description="Alerts the data engineers (log file, webhook, e-mail) when a refresh fails.",
    # On from the first start: an unattended refresh that fails must never be silent.
    default_status=DefaultSensorStatus.RUNNING,
)
def refresh_failure_alert(context: RunFailureSensorContext, settings: Settings) -> None:
    channels = AlertChannels.from_settings(settings)
    if alerted_before(channels.log_file, context.dagster_run.run_id):
        context.log.info(f"run {context.dagster_run.run_id} was alerted before: not again")
        return
    alert = Alert(job=context.dagster_run.job_name, run_id=context.dagster_run.run_id)
    alert.failures = failures_of_run(context)
    delivered = send_alert(alert, channels)
    context.log.info(f"alert sent via {', '.join(delivered)}: {alert.subject}")
