"""Telling the data engineers when the nightly refresh fails, and why.

A run-failure sensor collects the failed steps of the run (an ingestion asset with the rejected
file, dbt with the failing test, a quality gate with its failing expectations, publication) and
sends one alert: to a webhook (JSON POST) and/or by SMTP e-mail when configured, and always to a
log file (warehouse/alerts.log, one JSON object a line), so an unattended failure is never
silent even with nothing configured.

Configuration (environment):
    SUNDHEDSDATA_ALERT_WEBHOOK_URL   e.g. a Teams/Slack-compatible incoming webhook
    SUNDHEDSDATA_ALERT_SMTP_HOST, SUNDHEDSDATA_ALERT_SMTP_PORT (25),
    SUNDHEDSDATA_ALERT_EMAIL_FROM, SUNDHEDSDATA_ALERT_EMAIL_TO (comma-separated)
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from dagster_project.operations.nightly import nightly_refresh
from dagster_project.settings import Settings


@dataclass
class Alert:
    job: str
    run_id: str
    failures: list[dict] = field(default_factory=list)  # {"step": ..., "reason": ...}
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def subject(self) -> str:
        steps = ", ".join(f["step"] for f in self.failures) or "the run"
        return f"sundhedsdata: {self.job} failed in {steps}"

    def body(self) -> str:
        lines = [f"Run {self.run_id} of {self.job} failed at {self.at}.", ""]
        lines += [f"- {f['step']}: {f['reason']}" for f in self.failures]
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
    def from_env(cls, log_file: Path) -> AlertChannels:
        return cls(
            log_file=log_file,
            webhook_url=os.environ.get("SUNDHEDSDATA_ALERT_WEBHOOK_URL") or None,
            smtp_host=os.environ.get("SUNDHEDSDATA_ALERT_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("SUNDHEDSDATA_ALERT_SMTP_PORT") or 25),
            email_from=os.environ.get("SUNDHEDSDATA_ALERT_EMAIL_FROM") or None,
            email_to=tuple(
                a.strip()
                for a in os.environ.get("SUNDHEDSDATA_ALERT_EMAIL_TO", "").split(",")
                if a.strip()
            ),
        )


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


def failures_of_run(context: RunFailureSensorContext) -> list[dict]:
    """Each failed step of the run with its reason (the error message, first line kept whole)."""
    failures = []
    for event in context.get_step_failure_events():
        error = event.step_failure_data.error
        user = event.step_failure_data.user_failure_data
        reason = (user.description if user and user.description else None) or (
            error.message.strip() if error else "unknown error"
        )
        failures.append({"step": event.step_key, "reason": reason})
    if not failures:
        message = context.failure_event.message or "the run failed before any step ran"
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
    alert = Alert(job=context.dagster_run.job_name, run_id=context.dagster_run.run_id)
    alert.failures = failures_of_run(context)
    channels = AlertChannels.from_env(settings.warehouse_dir / "alerts.log")
    delivered = send_alert(alert, channels)
    context.log.info(f"alert sent via {', '.join(delivered)}: {alert.subject}")
