"""A corpus of hostile landing files (tests/data/hostile): every one is rejected before it
reaches the raw schema, with the exact message, and moved to quarantine with a report."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.sources.assets import SOURCES
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source

CORPUS = Path(__file__).parent / "data" / "hostile"
BY_NAME = {source.name: source for source in SOURCES}

# (source folder, file, the exact error)
HOSTILE = [
    (
        "folk1a",
        "latin1_labels.csv",
        "file latin1_labels.csv: is not UTF-8 text (line 1, byte b'\\xc5'); "
        "read as Latin-1 the line says 'OMRÅDE;KØN;ALDER;TID;INDHOLD': deliver the file as UTF-8",
    ),
    (
        "folk1a",
        "comma_delimited.csv",
        "file comma_delimited.csv: required column 'OMRÅDE' is missing (the header was read as one "
        "column 'OMRÅDE,KØN,ALDER,TID,INDHOLD': wrong delimiter?)",
    ),
    (
        "folk1a",
        "unknown_area.csv",
        "file unknown_area.csv, row 3 (line 4), column OMRÅDE: unknown area "
        "(not a StatBank code or label of Denmark, a region or a municipality): 'Odensee'",
    ),
    (
        "folk1a",
        "bad_quarter.csv",
        "file bad_quarter.csv, row 2 (line 3), column TID: must be a quarter like 2024K1: '2017Q1'",
    ),
    (
        "folk1a",
        "negative_count.csv",
        "file negative_count.csv, row 4 (line 5), column INDHOLD: must be a whole number of at "
        "least 0: '-5'",
    ),
    (
        "sundhedsprofilen",
        "flag_out_of_range.csv",
        "file flag_out_of_range.csv, row 2 (line 3), column daily_smoker: must be 0 or 1 (empty "
        "when not answered): '2'",
    ),
    (
        "sundhedsprofilen",
        "decimal_comma.csv",
        "file decimal_comma.csv, row 3 (line 4), column weight: must be a number with a decimal "
        "point above 0: '12,5'",
    ),
    (
        "sundhedsprofilen",
        "duplicate_respondent.csv",
        "file duplicate_respondent.csv, row 8 (line 9), column respondent_id: "
        "duplicate of row 2 in the key (respondent_id, survey_year): "
        "{'respondent_id': 'SP2021-101-00001', "
        "'survey_year': '2021'}",
    ),
    (
        "sundhedsprofilen",
        "missing_column.csv",
        "file missing_column.csv: required column 'weight' is missing",
    ),
    ("sundhedsprofilen", "empty.csv", "file empty.csv: file is empty (0 bytes)"),
    (
        "sundhedsprofilen",
        "header_only.csv",
        "file header_only.csv: file has a header but no data rows",
    ),
    (
        "sundhedsprofilen",
        "implausible_height.csv",
        "file implausible_height.csv, row 5 (line 6), column height_cm: must be a number with a "
        "decimal point from 80 to 250: '30'",
    ),
    (
        "sundhedsprofilen",
        "zero_weight.csv",
        "file zero_weight.csv, row 4 (line 5), column weight: "
        "must be a number with a decimal point above 0: '0'",
    ),
    (
        "trivsel",
        "truncated_last_line.csv",
        "file truncated_last_line.csv, row 5 (line 6): has 3 fields where the header has 4 (the "
        "last line is truncated)",
    ),
    (
        "trivsel",
        "more_thriving_than_respondents.csv",
        "file more_thriving_than_respondents.csv, row 2 (line 3), column n_high_wellbeing: "
        "must not exceed n_respondents: '99999'",
    ),
    (
        "boernedatabasen",
        "bad_school_year.csv",
        "file bad_school_year.csv, row 1 (line 2), column school_year: must be a school year like "
        "2023/24: '2024/26'",
    ),
    (
        "boernedatabasen",
        "severe_above_overweight.csv",
        "file severe_above_overweight.csv, row 3 (line 4), column n_severe_overweight: must not "
        "exceed n_overweight: '500'",
    ),
    (
        "labour",
        "cpr_without_key.csv",
        "file cpr_without_key.csv, row 3 (line 4), column person_key: "
        "holds CPR numbers (1 rows) but SUNDHEDSDATA_CPR_HMAC_KEY is not set, "
        "so they cannot be replaced by a keyed hash; set the key and deliver the file again",
    ),
    (
        "labour",
        "bad_flag.parquet",
        "file bad_flag.parquet, row 5 (line 6), column attached: must be 0 or 1: '2'",
    ),
    (
        "education",
        "unknown_municipality.csv",
        "file unknown_municipality.csv, row 2 (line 3), column kommune_kode: must be one of the 98 "
        "municipality codes: '999'",
    ),
    (
        "cluster_status",
        "unknown_status.xlsx",
        "file unknown_status.xlsx, row 2 (line 3), column status: must be planned, in progress, "
        "implemented or stopped: 'afventer'",
    ),
    (
        "cluster_status",
        "missing_sheet.xlsx",
        "file missing_sheet.xlsx: sheet 'aktiviteter' is missing (found ['Ark1'])",
    ),
]


def test_the_corpus_covers_every_file_and_every_source() -> None:
    on_disk = {(p.parent.name, p.name) for p in CORPUS.rglob("*") if p.is_file()}
    assert on_disk == {(source, name) for source, name, _ in HOSTILE}
    assert {source for source, _, _ in HOSTILE} == set(BY_NAME)


@pytest.mark.parametrize(("source", "name", "expected"), HOSTILE, ids=[h[1] for h in HOSTILE])
def test_a_hostile_file_is_rejected_with_the_exact_error_and_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, name: str, expected: str
) -> None:
    monkeypatch.delenv("SUNDHEDSDATA_CPR_HMAC_KEY", raising=False)
    landing = tmp_path / "landing"
    (landing / source).mkdir(parents=True)
    shutil.copy(CORPUS / source / name, landing / source / name)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        with pytest.raises(LandingFileError) as raised:
            sync_source(conn, BY_NAME[source], landing, tmp_path / "quarantine")
        loaded = conn.execute(f"select count(*) from raw.{BY_NAME[source].table}").fetchone()[0]
    assert str(raised.value) == expected
    assert loaded == 0
    assert not (landing / source / name).exists()
    (report,) = (tmp_path / "quarantine" / source).glob(f"*_{name}.report.txt")
    assert expected in report.read_text(encoding="utf-8")
    assert "0101901234" not in report.read_text(encoding="utf-8")
