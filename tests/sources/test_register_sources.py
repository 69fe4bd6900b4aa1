"""Børnedatabasen, Trivsel, the labour and education registers and the status workbooks:
a good file loads, a malformed one is rejected with the exact message and nothing loads."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook

from dagster_project.sources.boernedatabasen import BOERNEDATABASEN
from dagster_project.sources.cluster_status import CLUSTER_STATUS
from dagster_project.sources.education import EDUCATION
from dagster_project.sources.labour import LABOUR
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import RawSource, sync_source
from dagster_project.sources.trivsel import TRIVSEL
from synthetic.cluster_status import HEADER, SHEET
from tests.conftest import SAMPLE_DIR


def _landing_with(tmp_path: Path, source: RawSource, name: str) -> Path:
    landing = tmp_path / "landing"
    (landing / source.name).mkdir(parents=True)
    shutil.copy(SAMPLE_DIR / "landing" / source.name / name, landing / source.name / name)
    return landing


def _sync(tmp_path: Path, source: RawSource) -> int:
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        return sync_source(conn, source, tmp_path / "landing", tmp_path / "quarantine").total_rows


def _edit_cell(path: Path, row: int, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("source", "name", "row", "column", "value", "message"),
    [
        (
            BOERNEDATABASEN,
            "boernedatabasen_2023-24.csv",
            5,
            "n_overweight",
            "9999",
            "column n_overweight: must not exceed n_measured: '9999'",
        ),
        (
            BOERNEDATABASEN,
            "boernedatabasen_2023-24.csv",
            2,
            "school_year",
            "2023/25",
            "column school_year: must be a school year like 2023/24: '2023/25'",
        ),
        (
            BOERNEDATABASEN,
            "boernedatabasen_2023-24.csv",
            3,
            "school_stage",
            "mellemtrin",
            "column school_stage: must be indskoling or udskoling: 'mellemtrin'",
        ),
        (
            TRIVSEL,
            "trivsel_2023-24.csv",
            4,
            "n_high_wellbeing",
            "100000",
            "column n_high_wellbeing: must not exceed n_respondents: '100000'",
        ),
        (
            TRIVSEL,
            "trivsel_2023-24.csv",
            1,
            "kommune_kode",
            "411",
            "column kommune_kode: must be one of the 98 municipality codes: '411'",
        ),
        (
            EDUCATION,
            "education_2025.csv",
            7,
            "completed_youth_education",
            "yes",
            "column completed_youth_education: must be 0 or 1: 'yes'",
        ),
    ],
)
def test_a_malformed_register_file_is_rejected_naming_row_column_and_value(
    tmp_path: Path, source: RawSource, name: str, row: int, column: str, value: str, message: str
) -> None:
    landing = _landing_with(tmp_path, source, name)
    assert _sync(tmp_path, source) > 0  # the good file loads
    _edit_cell(landing / source.name / name, row, column, value)
    with pytest.raises(LandingFileError) as raised:
        _sync(tmp_path, source)
    assert str(raised.value) == f"file {name}, row {row} (line {row + 1}), {message}"
    assert not (landing / source.name / name).exists()
    assert list((tmp_path / "quarantine" / source.name).glob(f"*_{name}.report.txt"))


def test_labour_loads_the_same_from_parquet_and_csv(tmp_path: Path) -> None:
    parquet = SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet"
    as_csv = tmp_path / "csv" / "landing" / "labour" / "labour_2025.csv"
    as_csv.parent.mkdir(parents=True)
    pd.read_parquet(parquet).to_csv(as_csv, index=False)
    as_parquet = tmp_path / "parquet" / "landing" / "labour"
    as_parquet.mkdir(parents=True)
    shutil.copy(parquet, as_parquet)

    def rows(root: Path) -> list:
        with duckdb.connect(str(root / "build.duckdb")) as conn:
            sync_source(conn, LABOUR, root / "landing", root / "quarantine")
            return conn.execute(
                "select * exclude (_source_file, _loaded_at, _is_synthetic, _source_row) "
                "from raw.labour_person_years order by person_key"
            ).fetchall()

    from_parquet = rows(tmp_path / "parquet")
    assert len(from_parquet) > 100_000
    assert rows(tmp_path / "csv") == from_parquet


def test_a_parquet_delivery_with_a_repeated_person_year_is_rejected(tmp_path: Path) -> None:
    frame = pd.read_parquet(SAMPLE_DIR / "landing" / "labour" / "labour_2025.parquet").head(50)
    frame = pd.concat([frame, frame.iloc[[10]]], ignore_index=True)
    path = tmp_path / "landing" / "labour" / "labour_2025.parquet"
    path.parent.mkdir(parents=True)
    frame.to_parquet(path, index=False)
    with pytest.raises(LandingFileError) as raised:
        _sync(tmp_path, LABOUR)
    assert str(raised.value).startswith(
        "file labour_2025.parquet, row 51 (line 52), column person_key: "
        "duplicate of row 11 in the key (person_key, year)"
    )


def _workbook(path: Path, rows: list[list], sheet: str = SHEET) -> None:
    workbook = Workbook()
    workbook.active.title = sheet
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


GOOD_ROW = ["fyn", 2025, "O2.1", "Opfølgende hjemmebesøg", "Igangsat", "Tekst"]


def test_a_status_workbook_loads_with_danish_status_words_as_codes(tmp_path: Path) -> None:
    _workbook(
        tmp_path / "landing" / "cluster_status" / "fyn_2025.xlsx",
        [GOOD_ROW, [None] * 6, ["fyn", 2025, "O4.2", "Brobygning", "implemented", None]],
    )
    assert _sync(tmp_path, CLUSTER_STATUS) == 2
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        statuses = conn.execute(
            "select status_code from raw.cluster_status_activities order by objective_code"
        ).fetchall()
    assert statuses == [("in_progress",), ("implemented",)]


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("klynge", "nordjylland", "must be a cluster code"),
        ("maalsaetning", "O3.1", "must be an objective followed up by status survey"),
        ("status", "paused", "must be planned, in progress, implemented or stopped"),
    ],
)
def test_a_status_workbook_with_an_unknown_value_is_rejected(
    tmp_path: Path, column: str, value: str, rule: str
) -> None:
    bad = list(GOOD_ROW)
    bad[HEADER.index(column)] = value
    _workbook(tmp_path / "landing" / "cluster_status" / "fyn_2025.xlsx", [GOOD_ROW, bad])
    with pytest.raises(LandingFileError) as raised:
        _sync(tmp_path, CLUSTER_STATUS)
    assert (
        str(raised.value)
        == f"file fyn_2025.xlsx, row 2 (line 3), column {column}: {rule}: '{value}'"
    )


def test_a_workbook_without_the_activity_sheet_is_rejected(tmp_path: Path) -> None:
    _workbook(tmp_path / "landing" / "cluster_status" / "fyn_2025.xlsx", [GOOD_ROW], sheet="Ark1")
    with pytest.raises(
        LandingFileError, match=r"sheet 'aktiviteter' is missing \(found \['Ark1'\]\)"
    ):
        _sync(tmp_path, CLUSTER_STATUS)
