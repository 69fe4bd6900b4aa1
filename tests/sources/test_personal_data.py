"""CPR numbers: replaced by a keyed hash at ingestion, never stored or published in clear."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.publication.release import publish_database
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.raw_layer import sync_source
from tests.conftest import SAMPLE_DIR, Refreshed, file_digest

CPRS = ["0101901234", "311299-4321"]


def test_cpr_numbers_become_hmac_sha256_pseudonyms_and_never_reach_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNDHEDSDATA_CPR_HMAC_KEY", "nøgle-til-test")
    frame = pd.read_parquet(SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet").head(20)
    frame.loc[[3, 7], "person_key"] = CPRS
    path = tmp_path / "landing" / "labour" / "labour_2025.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False)

    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as conn:
        sync_source(conn, LABOUR, tmp_path / "landing", tmp_path / "quarantine")
        keys = [
            k for (k,) in conn.execute("select person_key from raw.labour_person_years").fetchall()
        ]
        conn.execute("checkpoint")

    expected = [
        hmac.new(
            "nøgle-til-test".encode(), cpr.replace("-", "").encode(), hashlib.sha256
        ).hexdigest()
        for cpr in CPRS
    ]
    assert keys[3] == expected[0] and keys[7] == expected[1]
    assert (
        keys[:3] == frame["person_key"].head(3).tolist()
    )  # pseudonymous keys are kept as they are
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("build.duckdb*"))
    for cpr in CPRS:
        assert cpr.encode() not in stored and cpr.replace("-", "").encode() not in stored


@pytest.mark.slow
def test_publication_refuses_cpr_like_text_and_keeps_the_published_file(
    fresh_copy: Refreshed,
) -> None:
    before = file_digest(fresh_copy.settings.published_db)
    with duckdb.connect(str(fresh_copy.settings.build_db)) as conn:
        conn.execute(
            "update marts.mart_cluster_activity_status set activities = 'kontakt 010190-1234' "
            "where cluster_code = 'fyn' and objective_code = 'O2.1' and year = 2025"
        )
    with pytest.raises(RuntimeError, match=r"mart_cluster_activity_status\.activities holds 1 CPR"):
        publish_database(fresh_copy.settings, "run-x")
    assert file_digest(fresh_copy.settings.published_db) == before
    assert not list(fresh_copy.settings.warehouse_dir.rglob(".*.tmp"))
