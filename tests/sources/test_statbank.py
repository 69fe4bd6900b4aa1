"""The live FOLK1A fetcher against a replaying StatBank on loopback that injects faults."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dagster_project.settings import Settings
from dagster_project.sources.statbank import StatBankClient, StatBankError, fetch_folk1a
from tests.conftest import SAMPLE_DIR, file_digest

QUARTER = "2023K1"
GOOD = (SAMPLE_DIR / "landing" / "folk1a" / f"FOLK1A_{QUARTER}.csv").read_bytes()


class ReplayingStatBank:
    """Answers each request with the next scripted fault, then the recorded file."""

    def __init__(self, script: list, payload: bytes = GOOD) -> None:
        self.script, self.payload, self.requests = list(script), payload, []
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                replay.requests.append(parse_qs(urlparse(self.path).query))
                fault = replay.script.pop(0) if replay.script else 200
                if fault == "slow":
                    time.sleep(1.0)
                    fault = 200
                try:
                    self.send_response(fault)
                    self.end_headers()
                    self.wfile.write(replay.payload if fault == 200 else b"fejl")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def _settings(landing: Path) -> Settings:
    return Settings.in_folders(landing, landing.parent / "quarantine", landing.parent / "warehouse")


def _client(url: str) -> StatBankClient:
    return StatBankClient(base_url=url, timeout_s=0.3, attempts=4, backoff_s=0.01)


def test_timeouts_and_server_errors_are_retried_until_a_valid_file_arrives(landing: Path) -> None:
    statbank = ReplayingStatBank([503, "slow", 502])
    try:
        path, changed = fetch_folk1a(_client(statbank.url), QUARTER, _settings(landing))
    finally:
        statbank.close()
    assert changed and path.read_bytes() == GOOD
    assert len(statbank.requests) == 4
    assert statbank.requests[0]["TID"] == [QUARTER] and statbank.requests[0]["OMRÅDE"] == ["*"]
    assert [p.name for p in (landing / "folk1a").iterdir()] == [f"FOLK1A_{QUARTER}.csv"]


def test_a_client_error_is_not_retried(landing: Path) -> None:
    statbank = ReplayingStatBank([404])
    try:
        with pytest.raises(StatBankError, match="StatBank answered 404"):
            fetch_folk1a(_client(statbank.url), QUARTER, _settings(landing))
    finally:
        statbank.close()
    assert len(statbank.requests) == 1


def test_giving_up_after_the_last_attempt_leaves_landing_alone(landing: Path) -> None:
    existing = landing / "folk1a" / f"FOLK1A_{QUARTER}.csv"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(GOOD)
    statbank = ReplayingStatBank([500, 500, 500, 500])
    try:
        with pytest.raises(StatBankError, match="after 4 attempts"):
            fetch_folk1a(_client(statbank.url), QUARTER, _settings(landing))
    finally:
        statbank.close()
    assert existing.read_bytes() == GOOD


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (b"<html>Service midlertidigt utilg\xc3\xa6ngelig</html>", "breaks the FOLK1A contract"),
        (GOOD.replace(QUARTER.encode(), b"2022K4"), "holds quarters ['2022K4']"),
        (GOOD.replace(b"Odense", b"Odensee"), "unknown area"),
        # A well-formed answer for one area only: too low a population, refused.
        (b"\n".join(GOOD.splitlines()[:40]) + b"\n", f"quarter {QUARTER} is incomplete"),
    ],
)
def test_an_invalid_answer_never_replaces_the_landing_file(
    landing: Path, payload: bytes, error: str
) -> None:
    existing = landing / "folk1a" / f"FOLK1A_{QUARTER}.csv"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"OMR\xc3\x85DE;K\xc3\x98N;ALDER;TID;INDHOLD\n000;TOT;IALT;2023K1;1\n")
    before = file_digest(existing)
    statbank = ReplayingStatBank([], payload=payload)
    try:
        with pytest.raises(StatBankError, match=error.replace("[", r"\[").replace("]", r"\]")):
            fetch_folk1a(_client(statbank.url), QUARTER, _settings(landing))
    finally:
        statbank.close()
    assert file_digest(existing) == before
    assert sorted(p.name for p in existing.parent.iterdir()) == [existing.name]
