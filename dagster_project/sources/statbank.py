"""Fetching FOLK1A live from Statistics Denmark's StatBank API into the landing folder.

StatBank is public and CC BY 4.0 but, like any remote service, slow or down at times. The
client retries timeouts, dropped connections and 5xx answers with exponential backoff, never a
4xx (a wrong request will not get better), and validates what came back with the very contract
ingestion uses (header, codes, quarter) before it replaces anything: the new file is written
beside the old one and renamed over it, so landing never holds a partial or unchecked file. The
landing-folder sensor then starts the refresh.
"""

from __future__ import annotations

import os
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from dagster_project.settings import Settings
from dagster_project.sources.folk1a import FOLK1A, check_quarters_complete, load_folk1a_file
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.raw_layer import LoadOptions, RawTarget, file_stem, raw_columns


class StatBankError(RuntimeError):
    """StatBank could not deliver a valid FOLK1A file; landing was left as it was."""


@dataclass(frozen=True)
class StatBankClient:
    base_url: str
    timeout_s: float = 60.0
    attempts: int = 4
    backoff_s: float = 2.0

    @classmethod
    def of(cls, settings: Settings) -> StatBankClient:
        return cls(base_url=settings.statbank_url)

    def folk1a_url(self, quarter: str) -> str:
        query = urlencode(
            {"OMRÅDE": "*", "KØN": "*", "ALDER": "*", "TID": quarter, "valuePresentation": "Code"}
        )
        return f"{self.base_url.rstrip('/')}/data/FOLK1A/CSV?{query}"

    def get(self, url: str) -> bytes:
        last = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            try:
                with urllib.request.urlopen(url, timeout=self.timeout_s) as response:
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code < 500:
                    detail = error.read(300).decode("utf-8", "replace")
                    raise StatBankError(
                        f"StatBank answered {error.code} for {url}: {detail}"
                    ) from error
                last = f"HTTP {error.code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                last = f"{type(error).__name__}: {getattr(error, 'reason', error)}"
            if attempt < self.attempts:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        raise StatBankError(
            f"StatBank did not answer {url} after {self.attempts} attempts (last: {last})"
        )


def validate_folk1a(settings: Settings, path: Path, quarter: str) -> int:
    """Check a downloaded file with ingestion's own FOLK1A contract; return its row count.

    The rows are written as ingestion writes them, to a scratch raw folder that is then gone.
    """
    with tempfile.TemporaryDirectory() as scratch, settings.connect(":memory:") as conn:
        conn.execute("create schema raw")
        file = LandingFile(path=path, name=path.name, sha256="", size_bytes=path.stat().st_size)
        target = RawTarget(Path(scratch), file_stem(file), raw_columns(FOLK1A))
        try:
            rows = load_folk1a_file(conn, file, LoadOptions(target=target))
            if not rows:
                raise StatBankError(f"StatBank's answer for {quarter} holds no population rows")
            written = (Path(scratch) / "*.parquet").as_posix().replace("'", "''")
            conn.execute(
                f"create view raw.folk1a_population as select * from read_parquet('{written}')"
            )
            found = conn.execute("select distinct quarter_code from raw.folk1a_population")
            quarters = [q for (q,) in found.fetchall()]
            if quarters != [quarter]:
                raise StatBankError(
                    f"asked StatBank for {quarter} but the answer holds quarters {quarters}"
                )
            check_quarters_complete(conn, [quarter], {quarter: file.name})
        except LandingFileError as error:
            raise StatBankError(f"StatBank's answer breaks the FOLK1A contract: {error}") from error
    return rows


def fetch_folk1a(client: StatBankClient, quarter: str, settings: Settings) -> tuple[Path, bool]:
    """Download FOLK1A for a quarter into landing/folk1a/; returns (path, whether it changed)."""
    target = settings.landing_dir / "folk1a" / f"FOLK1A_{quarter}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = client.get(client.folk1a_url(quarter))
    if target.exists() and target.read_bytes() == payload:
        return target, False
    partial = target.with_name(f".{target.name}.download")  # not *.csv: ingestion ignores it
    try:
        partial.write_bytes(payload)
        validate_folk1a(settings, partial, quarter)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, True
