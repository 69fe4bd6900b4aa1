"""CPR numbers: replaced by a keyed hash at ingestion, never stored or published in clear."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import instance_for_test, materialize

from dagster_project.definitions import build_definitions
from dagster_project.publication.release import publish_database
from dagster_project.sources.assets import INGESTION_ASSETS
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.raw_layer import sync_source
from tests.conftest import SAMPLE_DIR, Refreshed, file_digest, settings_in

CPRS = ["0101901234", "311299-4321"]


def test_cpr_numbers_become_hmac_sha256_pseudonyms_and_never_reach_the_database(
    tmp_path: Path,
) -> None:
    frame = pd.read_parquet(SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet").head(20)
    frame.loc[[3, 7], "person_key"] = CPRS
    path = tmp_path / "landing" / "labour" / "labour_2025.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False)

    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as conn:
        sync_source(
            conn, LABOUR, tmp_path / "landing", tmp_path / "quarantine", cpr_key="nøgle-til-test"
        )
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


def test_the_ingestion_asset_takes_the_cpr_key_from_the_environment_and_logs_it_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key reaches ingestion as the Dagster resource cpr_key, built from the variable
    when the definitions are; no event of the run holds it."""
    key = "hemmelig-nøgle-42"
    monkeypatch.setenv("SUNDHEDSDATA_CPR_HMAC_KEY", key)
    frame = pd.read_parquet(SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet").head(10)
    frame.loc[[2], "person_key"] = CPRS[0]
    path = tmp_path / "landing" / "labour" / "labour_2025.csv"
    path.parent.mkdir(parents=True)
    frame.to_csv(path, index=False)
    settings = settings_in(tmp_path)
    defs = build_definitions(settings)
    (labour,) = (a for a in INGESTION_ASSETS if a.key.to_user_string() == "raw/labour_person_years")
    with instance_for_test() as instance:
        result = materialize([labour], resources=defs.resources, instance=instance)
        assert result.success
        logged = " ".join(str(entry) for entry in instance.all_logs(result.run_id))
    assert key not in logged and CPRS[0] not in logged
    with duckdb.connect(str(settings.build_db), read_only=True) as conn:
        (stored,) = conn.execute(
            "select person_key from raw.labour_person_years where _source_row = 3"
        ).fetchone()
    assert stored == hmac.new(key.encode(), CPRS[0].encode(), hashlib.sha256).hexdigest()

    monkeypatch.delenv("SUNDHEDSDATA_CPR_HMAC_KEY")
    (tmp_path / "warehouse" / "build.duckdb").unlink()
    without = materialize(
        [labour], resources=build_definitions(settings).resources, raise_on_error=False
    )
    assert not without.success, "without the key a CPR-bearing file is refused"


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
