"""education_group, a later column of the person-level files: optional, checked, and added to a
raw table that was created before it existed."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.sources.labour import LABOUR
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source
from dagster_project.sources.sundhedsprofilen import SUNDHEDSPROFILEN
from tests.conftest import SAMPLE_DIR

SURVEY_FILE = "sundhedsprofilen_2023.csv"


def _survey_landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing" / "sundhedsprofilen"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE_DIR / "landing" / "sundhedsprofilen" / SURVEY_FILE, folder)
    return folder / SURVEY_FILE


def _sync(tmp_path: Path, source=SUNDHEDSPROFILEN) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(tmp_path / "build.duckdb"))
    sync_source(conn, source, tmp_path / "landing", tmp_path / "quarantine")
    return conn


def test_a_survey_file_without_the_column_loads_with_education_unknown(tmp_path: Path) -> None:
    path = _survey_landing(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns="education_group").to_csv(path, index=False, lineterminator="\n")
    with _sync(tmp_path) as conn:
        rows, with_education = conn.execute(
            "select count(*), count(education_group) from raw.sundhedsprofilen_respondents"
        ).fetchone()
    assert rows == len(frame) and with_education == 0


def test_the_sample_carries_education_and_an_empty_field_is_unknown(tmp_path: Path) -> None:
    _survey_landing(tmp_path)
    with _sync(tmp_path) as conn:
        groups = dict(
            conn.execute(
                "select coalesce(education_group, '(empty)'), count(*) "
                "from raw.sundhedsprofilen_respondents group by 1"
            ).fetchall()
        )
    assert set(groups) == {
        "grundskole",
        "gymnasial_erhvervsfaglig",
        "kort_mellemlang_videregaaende",
        "lang_videregaaende",
        "under_uddannelse",
        "(empty)",
    }


def test_an_unknown_education_group_is_rejected_naming_row_and_value(tmp_path: Path) -> None:
    path = _survey_landing(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[6, "education_group"] = "ph.d."
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(LandingFileError) as raised:
        _sync(tmp_path).close()
    assert str(raised.value) == (
        f"file {SURVEY_FILE}, row 7 (line 8), column education_group: must be one of "
        "grundskole, gymnasial_erhvervsfaglig, kort_mellemlang_videregaaende, "
        "lang_videregaaende, under_uddannelse (empty when unknown): 'ph.d.'"
    )


def test_a_raw_table_from_before_the_column_gets_it_and_keeps_its_rows(tmp_path: Path) -> None:
    """An existing warehouse: its labour table was created without education_group."""
    folder = tmp_path / "landing" / "labour"
    folder.mkdir(parents=True)
    frame = pd.read_parquet(SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet").head(200)
    frame.to_parquet(folder / "labour_2025.parquet", index=False)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        conn.execute("create schema raw")
        conn.execute(
            "create table raw.labour_person_years (person_key varchar, year integer, "
            "kommune_kode varchar, sex integer, age integer, somatic_chronic integer, "
            "psychiatric integer, attached integer, _source_file varchar not null, "
            "_source_row bigint not null, _is_synthetic boolean not null, "
            "_loaded_at timestamp not null)"
        )
    with _sync(tmp_path, LABOUR) as conn:
        loaded = conn.execute(
            "select count(*), count(education_group) from raw.labour_person_years"
        ).fetchone()
    assert loaded == (200, frame["education_group"].notna().sum())
    assert loaded[1] > 150  # most persons have a known education
