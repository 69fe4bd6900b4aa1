"""A corpus of hostile landing files (tests/data/hostile): every one is rejected before it
reaches the raw schema, with the exact message, and moved to quarantine with a report."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dagster_project.sources.assets import SOURCES
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source

CORPUS = Path(__file__).parent.parent / "data" / "hostile"
BY_NAME = {source.name: source for source in SOURCES}
SURVEY_HEADER = (
    "respondent_id,survey_year,kommune_kode,sex,age,weight,daily_smoker,other_nicotine,"
    "alcohol_units_week,height_cm,weight_kg,pa_moderate_min_week,pa_vigorous_min_week,mcs12"
)
# Periods within reality: dim_year runs from 2007, and nothing may lie after today.
TODAY = date.today()
YEARS = f"from 2007 to {TODAY.year} (a year of dim_year, not after the current year)"
QUARTERS = (
    f"from 2007K1 to {TODAY.year}K{(TODAY.month - 1) // 3 + 1} (a year of dim_year, not after "
    "the current quarter)"
)

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
        "file comma_delimited.csv: is comma-separated (','); this source expects "
        "semicolon-separated (';') text",
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
        "file missing_column.csv: required column 'weight' is missing; expected header "
        f"'{SURVEY_HEADER}', found '{SURVEY_HEADER.replace('weight,', '', 1)}'",
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
    # The labour register's key, municipality and person key are checked here, at ingestion,
    # and nowhere again: dbt does not re-scan the largest table for them (docs/safety.md).
    (
        "labour",
        "duplicate_person_year.parquet",
        "file duplicate_person_year.parquet, row 6 (line 7), column person_key: duplicate of "
        "row 2 in the key (person_key, year): {'person_key': '00004348fb1a', 'year': '2024'}",
    ),
    (
        "labour",
        "unknown_municipality.parquet",
        "file unknown_municipality.parquet, row 4 (line 5), column kommune_kode: must be one of "
        "the 98 municipality codes: '999'",
    ),
    (
        "labour",
        "missing_person_key.parquet",
        "file missing_person_key.parquet, row 3 (line 4), column person_key: required value is "
        "missing",
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
    # Structure first: the wrong kind of file is named before any row is read.
    (
        "sundhedsprofilen",
        "semicolon_separated.csv",
        "file semicolon_separated.csv: is semicolon-separated (';'); this source expects "
        "comma-separated (',') text",
    ),
    (
        "education",
        "semicolon_separated.csv",
        "file semicolon_separated.csv: is semicolon-separated (';'); this source expects "
        "comma-separated (',') text",
    ),
    (
        "sundhedsprofilen",
        "published_estimates.csv",
        "file published_estimates.csv: is an aggregated table (columns andel, indikator, "
        "ki_nedre, ki_oevre), but this folder takes person-level rows, one per respondent or "
        "person; published estimates and count tables are not microdata",
    ),
    (
        "sundhedsprofilen",
        "missing_two_columns.csv",
        "file missing_two_columns.csv: required columns 'weight', 'mcs12' are missing; expected "
        f"header '{SURVEY_HEADER}', found "
        f"'{SURVEY_HEADER.replace('weight,', '', 1).removesuffix(',mcs12')}'",
    ),
    (
        "labour",
        "missing_column.parquet",
        "file missing_column.parquet: required column 'attached' is missing; expected header "
        "'person_key,year,kommune_kode,sex,age,somatic_chronic,psychiatric,attached', found "
        "'person_key,year,kommune_kode,sex,age,somatic_chronic,psychiatric'",
    ),
    (
        "cluster_status",
        "missing_column.xlsx",
        "file missing_column.xlsx: required column 'status' is missing; expected header "
        "'klynge,aar,maalsaetning,titel,status,beskrivelse', found "
        "'klynge,aar,maalsaetning,titel,beskrivelse'",
    ),
    (
        "folk1a",
        "statbank_web_pivot.csv",
        "file statbank_web_pivot.csv: is a StatBank web download (a title line or periods as "
        "columns), not the API's CSV: download the table from api.statbank.dk as CSV, one "
        "column per variable plus INDHOLD",
    ),
    (
        "sundhedsprofilen",
        "utf16.csv",
        "file utf16.csv: is UTF-16 text, not UTF-8: deliver the file as UTF-8",
    ),
    (
        "sundhedsprofilen",
        "unquoted_decimal_comma.csv",
        "file unquoted_decimal_comma.csv, row 3 (line 4): has 15 fields where the header has 14 "
        "(a number written with a decimal comma splits into two fields: write decimals with a "
        "point)",
    ),
    (
        "trivsel",
        "no_final_line_break.csv",
        "file no_final_line_break.csv: does not end with a line break, so its last line may "
        "have been cut short: deliver the whole file",
    ),
    (
        "labour",
        "truncated.parquet",
        "file truncated.parquet: cannot be read as Parquet (not a Parquet file, or cut short)",
    ),
    # Complete or rejected; a population is never counted twice.
    (
        "folk1a",
        "missing_single_age.csv",
        "file missing_single_age.csv: quarter 2025K1 is incomplete: 18,676 of its 20,776 "
        "municipality × sex × age cells (98 municipalities, sexes 1 and 2, ages 0 to 105) are "
        "missing, first 101 sex 1 age 0, 101 sex 1 age 1, 101 sex 1 age 2, 101 sex 1 age 3, "
        "101 sex 1 age 4",
    ),
    (
        "folk1a",
        "duplicate_cell.csv",
        "file duplicate_cell.csv, row 3 (line 4), column OMRÅDE: duplicate of row 1 in the key "
        "(OMRÅDE, KØN, ALDER, TID): the population would be counted twice",
    ),
    (
        "folk1a",
        "civilstand_parts_do_not_add_up.csv",
        "file civilstand_parts_do_not_add_up.csv, row 6 (line 7), column CIVILSTAND: extra "
        "StatBank variable: the parts add up to 1,010 but the total row says 1,000",
    ),
    (
        "folk1a",
        "missing_value_dots.csv",
        "file missing_value_dots.csv, row 2 (line 3), column INDHOLD: is StatBank's mark for a "
        "missing value ('..'), but a population count cannot be missing: select only cells "
        "StatBank has figures for: '..'",
    ),
    # Periods within reality.
    (
        "folk1a",
        "future_quarter.csv",
        f"file future_quarter.csv, row 1 (line 2), column TID: must be a quarter {QUARTERS}: "
        "'2031K1'",
    ),
    (
        "sundhedsprofilen",
        "future_year.csv",
        f"file future_year.csv, row 4 (line 5), column survey_year: must be a year {YEARS}: '2031'",
    ),
    (
        "trivsel",
        "future_school_year.csv",
        "file future_school_year.csv, row 4 (line 5), column school_year: must be a school "
        f"year ending in a year {YEARS}: '2030/31'",
    ),
    (
        "labour",
        "future_year.parquet",
        f"file future_year.parquet, row 7 (line 8), column year: must be a year {YEARS}: '2031'",
    ),
    (
        "cluster_status",
        "future_year.xlsx",
        f"file future_year.xlsx, row 2 (line 3), column aar: must be a year {YEARS}: '2031'",
    ),
    (
        "sundhedsprofilen_estimates",
        "comma_delimited.csv",
        "file comma_delimited.csv: is comma-separated (','); this source expects "
        "semicolon-separated (';') text",
    ),
    (
        "sundhedsprofilen_estimates",
        "mixed_decimals.csv",
        "file mixed_decimals.csv, row 2 (line 3): mixes decimal commas and decimal points (one "
        "style per file): the first comma is in row 1, the first point in row 2",
    ),
    (
        "register_counts",
        "semicolon_delimited.csv",
        "file semicolon_delimited.csv: is semicolon-separated (';'); this source expects "
        "comma-separated (',') text",
    ),
    (
        "register_counts",
        "totals_do_not_add_up.csv",
        "file totals_do_not_add_up.csv, row 3 (line 4), column denominator: the sex TOT row's "
        "denominator is 170, but its known parts by sex add up to 169: parts and totals of one "
        "table must add up",
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
