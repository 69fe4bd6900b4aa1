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
# The stamps too, the landing file by its name without the suffix (the forms differ in it).
RAW = ", ".join([*COLUMNS, "split_part(_source_file, '.', 1)", "_source_row", "_is_synthetic"])
WHOLE_NUMBERS = ["year", "sex", "age", "somatic_chronic", "psychiatric", "attached"]


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def _write(frame: pd.DataFrame, path: Path, form: str) -> None:
    """The frame as CSV, as Parquet the way pandas writes it (64-bit integers), or as Parquet
    of the raw layer's own types (32-bit integers, every contract column): "delivered"."""
    if form == "csv":
        frame.to_csv(path, index=False)
    elif form == "parquet":
        frame.to_parquet(path, index=False)
    else:
        typed = frame.astype(dict.fromkeys(WHOLE_NUMBERS, "int32"))
        typed["education_group"] = "grundskole"
        typed.to_parquet(path, index=False)


def _load(tmp: Path, frame: pd.DataFrame, form: str) -> tuple[list, str | None]:
    """(raw rows, None) or ([], the error) for the frame delivered as one file."""
    landing = tmp / form / "landing"
    (landing / "labour").mkdir(parents=True)
    path = landing / "labour" / f"labour_2024.{'csv' if form == 'csv' else 'parquet'}"
    _write(frame, path, form)
    with duckdb.connect(str(tmp / form / "build.duckdb")) as conn:
        try:
            sync_source(conn, LABOUR, landing, tmp / form / "quarantine")
        except LandingFileError as error:
            return [], str(error).replace(path.name, "<file>")
        rows = conn.execute(f"select {RAW} from raw.labour_person_years order by all").fetchall()
    delivered = list((tmp / form / "raw").rglob("*.delivered.parquet"))
    # The raw layer's types in one year: stored as the file came, and only then.
    assert bool(delivered) == (form == "delivered" and frame["year"].nunique() == 1)
    return rows, None


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
    csv = _load(tmp, frame, "csv")
    assert _load(tmp, frame, "parquet") == csv
    assert _load(tmp, frame, "delivered") == csv


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


def _person_years(keys: list[str], year: int = 2024) -> pd.DataFrame:
    rows = [[key, year, "461", 2, 40, 0, 1, 1] for key in keys]
    return _frame([dict(zip(COLUMNS, row, strict=True)) for row in rows])


def _sync_labour(tmp: Path, cpr_key: str | None = None) -> list[tuple]:
    with duckdb.connect(str(tmp / "build.duckdb")) as conn:
        sync_source(conn, LABOUR, tmp / "landing", tmp / "quarantine", cpr_key=cpr_key)
        return conn.execute(
            # The load time: the manifest's, to the minute (a rewritten file's is its write's).
            "select person_key, year, _source_file, _source_row, _is_synthetic, abs(epoch("
            "_loaded_at) - epoch((select loaded_at from raw._ingested_files "
            "where file_name = _source_file))) < 60 "
            "from raw.labour_person_years order by _source_file, _source_row"
        ).fetchall()


def test_a_file_of_the_raw_layers_types_is_stored_as_delivered_and_stamped_by_the_view(
    tmp_path: Path,
) -> None:
    """Its bytes copied, not encoded again and not linked (a landing file overwritten in place
    must not change the raw layer); the stamps it lacks come from the folder's stamps table."""
    (tmp_path / "landing" / "labour").mkdir(parents=True)
    landing = tmp_path / "landing" / "labour" / "labour_2024.parquet"
    _write(_person_years(["p1", "p2", "p3"]), landing, "delivered")

    rows = _sync_labour(tmp_path)

    stored = list((tmp_path / "raw" / "labour_person_years").rglob("*.parquet"))
    assert [p.parent.name for p in stored] == ["year=2024"]
    assert stored[0].read_bytes() == landing.read_bytes()
    assert stored[0].stat().st_ino != landing.stat().st_ino
    assert rows == [
        ("p1", 2024, "labour_2024.parquet", 1, False, True),
        ("p2", 2024, "labour_2024.parquet", 2, False, True),
        ("p3", 2024, "labour_2024.parquet", 3, False, True),
    ]


def test_a_delivered_file_stays_as_it_is_when_another_year_arrives(tmp_path: Path) -> None:
    """The next night links the stored file as it is, and both files keep their own stamps."""
    (tmp_path / "landing" / "labour").mkdir(parents=True)
    first = tmp_path / "landing" / "labour" / "labour_2023.parquet"
    _write(_person_years(["p1", "p2"], 2023), first, "delivered")
    _sync_labour(tmp_path)
    folder = tmp_path / "raw" / "labour_person_years"
    (stored,) = folder.rglob("*.delivered.parquet")
    inode = stored.stat().st_ino
    second = tmp_path / "landing" / "labour" / "labour_2024.csv"
    _write(_person_years(["p1"]), second, "csv")  # a rewritten file beside a delivered one

    rows = _sync_labour(tmp_path)

    assert (folder / stored.relative_to(folder)).stat().st_ino == inode
    assert rows == [
        ("p1", 2023, "labour_2023.parquet", 1, False, True),
        ("p2", 2023, "labour_2023.parquet", 2, False, True),
        ("p1", 2024, "labour_2024.csv", 1, False, True),
    ]


def test_cpr_numbers_in_a_file_of_the_raw_layers_types_are_replaced_in_a_rewritten_copy(
    tmp_path: Path,
) -> None:
    (tmp_path / "landing" / "labour").mkdir(parents=True)
    landing = tmp_path / "landing" / "labour" / "labour_2024.parquet"
    _write(_person_years(["0102031234", "p2"]), landing, "delivered")

    rows = _sync_labour(tmp_path, cpr_key="nøgle-til-test")

    folder = tmp_path / "raw" / "labour_person_years"
    assert not list(folder.rglob("*.delivered.parquet"))
    assert all(b"0102031234" not in p.read_bytes() for p in folder.rglob("*.parquet"))
    assert [row[0] for row in rows][1] == "p2" and len(rows[0][0]) == 64  # a SHA-256 in hex


def test_a_delivered_redelivery_under_another_name_is_rejected_naming_both_rows(
    tmp_path: Path,
) -> None:
    (tmp_path / "landing" / "labour").mkdir(parents=True)
    _write(
        _person_years(["p1", "p2"]), tmp_path / "landing/labour/labour_2024.parquet", "delivered"
    )
    _sync_labour(tmp_path)
    again = tmp_path / "landing" / "labour" / "labour_2024_rettet.parquet"
    _write(_person_years(["p9", "p2"]), again, "delivered")

    with pytest.raises(LandingFileError) as raised:
        _sync_labour(tmp_path)

    assert str(raised.value) == (
        "file labour_2024_rettet.parquet, row 2 (line 3): has the key (person_key, year) of row "
        "2 of labour_2024.parquet: the rows would be counted twice (a re-delivery under another "
        "name? remove the file it replaces)"
    )
    assert not again.exists()
    assert len(_sync_labour(tmp_path)) == 2
