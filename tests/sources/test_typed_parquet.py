"""A typed Parquet delivery is judged on its typed columns, exactly as the same rows in CSV.

Ingestion keeps a Parquet column's type where the type can only hold the contract's values
(readers.parquet_select) instead of printing every value and parsing it again. That is only
safe if the verdict cannot change: the same rows delivered as CSV and as typed Parquet must load
the same raw rows or be rejected with the same message.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.sources.labour import CONTRACT, LABOUR
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.raw_layer import sync_source
from dagster_project.sources.readers import read_parquet_file

COLUMNS = ["person_key", "year", "kommune_kode", "sex", "age", *("somatic_chronic",)]
COLUMNS += ["psychiatric", "attached"]
RAW = ", ".join(COLUMNS)


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def _load(tmp: Path, frame: pd.DataFrame, suffix: str) -> tuple[list, str | None]:
    """(raw rows, None) or ([], the error) for the frame delivered as one file."""
    landing = tmp / suffix / "landing"
    (landing / "labour").mkdir(parents=True)
    path = landing / "labour" / f"labour_2024.{suffix}"
    if suffix == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    with duckdb.connect(str(tmp / suffix / "build.duckdb")) as conn:
        try:
            sync_source(conn, LABOUR, landing, tmp / suffix / "quarantine")
        except LandingFileError as error:
            return [], str(error).replace(path.name, "<file>")
        return conn.execute(
            f"select {RAW} from raw.labour_person_years order by all"
        ).fetchall(), None


person = st.fixed_dictionaries(
    {
        "person_key": st.sampled_from(["p1", "p2", "p3", "p4"]),
        "year": st.sampled_from([2023, 2024, 2031, 1999]),
        "kommune_kode": st.sampled_from(["101", "461", "999"]),
        "sex": st.sampled_from([1, 2, 3, 0]),
        "age": st.integers(-2, 125),
        "somatic_chronic": st.sampled_from([0, 1, 2]),
        "psychiatric": st.sampled_from([0, 1]),
        "attached": st.sampled_from([0, 1, -1]),
    }
)


@settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(person, min_size=1, max_size=6))
def test_typed_parquet_and_csv_give_the_same_verdict_and_rows(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict]
) -> None:
    tmp = tmp_path_factory.mktemp("typed")
    frame = _frame(rows)
    assert _load(tmp, frame, "parquet") == _load(tmp, frame, "csv")


def test_integer_columns_stay_typed_and_others_are_read_as_text(tmp_path: Path) -> None:
    frame = _frame([dict(zip(COLUMNS, ["p1", 2024, "101", 1, 40, 0, 1, 1], strict=True))])
    frame["age"] = frame["age"].astype("float64")  # a double cannot stand for a whole number
    frame["extra"] = pd.Timestamp("2024-01-01")  # not in the contract: not read at all
    path = tmp_path / "labour_2024.parquet"
    frame.to_parquet(path, index=False)
    with duckdb.connect() as conn:
        read_parquet_file(conn, LandingFile(path, path.name, "-", 1), (), CONTRACT.columns)
        types = dict(
            conn.execute("select column_name, column_type from (describe _landing)").fetchall()
        )
    assert types == {
        "source_row": "BIGINT",
        "person_key": "VARCHAR",
        "year": "BIGINT",
        "kommune_kode": "VARCHAR",
        "sex": "BIGINT",
        "age": "VARCHAR",
        "somatic_chronic": "BIGINT",
        "psychiatric": "BIGINT",
        "attached": "BIGINT",
    }


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_a_fraction_is_rejected_not_rounded(tmp_path: Path, suffix: str) -> None:
    """A whole-number column holding 40.5 (a double in Parquet, text in CSV) is an error."""
    frame = _frame([dict(zip(COLUMNS, ["p1", 2024, "101", 1, 40.5, 0, 1, 1], strict=True))])
    rows, error = _load(tmp_path, frame, suffix)
    assert (
        error
        == "file <file>, row 1 (line 2), column age: must be a whole number from 0 to 120: '40.5'"
    )
    assert rows == []
