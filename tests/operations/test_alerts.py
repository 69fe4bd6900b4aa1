"""Failure alerts reach the data engineers: a log file always, a webhook and e-mail when set.
The sinks are real servers on loopback."""

from __future__ import annotations

import asyncore
import json
import smtpd
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

from dagster_project.operations.alerts import Alert, AlertChannels, alerted_before, send_alert

ALERT = Alert(
    job="nightly_refresh",
    run_id="run-123",
    failures=[{"step": "raw__labour_person_years", "reason": "file x.csv, row 3: must be 0 or 1"}],
)


class _Webhook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Webhook.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class _SmtpSink(smtpd.SMTPServer):
    received: ClassVar[list[bytes]] = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        _SmtpSink.received.append(data)


def test_an_alert_goes_to_the_log_the_webhook_and_by_email(tmp_path: Path) -> None:
    webhook = HTTPServer(("127.0.0.1", 0), _Webhook)
    threading.Thread(target=webhook.serve_forever, daemon=True).start()
    smtp = _SmtpSink(("127.0.0.1", 0), None)
    threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05}, daemon=True).start()
    try:
        channels = AlertChannels(
            log_file=tmp_path / "alerts.log",
            webhook_url=f"http://127.0.0.1:{webhook.server_port}/hook",
            smtp_host="127.0.0.1",
            smtp_port=smtp.socket.getsockname()[1],
            email_to=("data@regionsyddanmark.example",),
        )
        assert send_alert(ALERT, channels) == ["log", "webhook", "email"]
    finally:
        webhook.shutdown()
        smtp.close()

    logged = json.loads((tmp_path / "alerts.log").read_text(encoding="utf-8"))
    assert logged["subject"] == "sundhedsdata: nightly_refresh failed in raw__labour_person_years"
    assert _Webhook.received[-1]["failures"] == ALERT.failures
    assert "must be 0 or 1" in _Webhook.received[-1]["text"]
    mail = _SmtpSink.received[-1].decode()
    assert "Subject: sundhedsdata: nightly_refresh failed in raw__labour_person_years" in mail
    assert "file x.csv, row 3: must be 0 or 1" in mail


def test_with_nothing_configured_the_alert_is_still_logged(tmp_path: Path) -> None:
    assert send_alert(ALERT, AlertChannels(log_file=tmp_path / "a" / "alerts.log")) == ["log"]
    assert "raw__labour_person_years" in (tmp_path / "a" / "alerts.log").read_text()


def test_the_failure_alert_ships_running(tmp_path: Path) -> None:
    from dagster import DefaultSensorStatus

    from dagster_project.definitions import build_definitions
    from tests.conftest import settings_in

    defs = build_definitions(settings_in(tmp_path))
    sensor = defs.resolve_sensor_def("refresh_failure_alert")
    assert sensor.default_status == DefaultSensorStatus.RUNNING


def test_a_run_alerted_once_is_known_from_the_log(tmp_path: Path) -> None:
    log = tmp_path / "alerts.log"
    assert not alerted_before(log, "run-123")
    send_alert(ALERT, AlertChannels(log_file=log))
    assert alerted_before(log, "run-123")
    assert not alerted_before(log, "run-124")
