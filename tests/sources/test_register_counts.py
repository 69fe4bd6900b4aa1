"""Aggregated register count tables: blanked cells stay blanked (never zero), parts and totals
of one table must add up, and a bad table is rejected by rule and quarantined."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source
from dagster_project.sources.register_counts import REGISTER_COUNTS

HEADER = "indicator_code,year,kommune_kode,sex,age_band,numerator,denominator\n"
# Vejen (575), 2024: men and women in two age bands, their totals, and two blanked cells.
TABLE = HEADER + (
    "somatic_labour_attached,2024,575,1,25-34,120,160\n"
    "somatic_labour_attached,2024,575,2,25-34,<5,9\n"
    "somatic_labour_attached,2024,575,TOT,25-34,124,169\n"
    "somatic_labour_attached,2024,575,1,35-44,210,260\n"
    "somatic_labour_attached,2024,575,2,35-44,190,\n"
)


def _sync(tmp_path: Path, text: str) -> list[tuple]:
    folder = tmp_path / "landing" / "register_counts"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "counts_2024.csv").write_text(text, encoding="utf-8")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        sync_source(conn, REGISTER_COUNTS, tmp_path / "landing", tmp_path / "quarantine")
        return conn.execute(
            "select sex_code, age_band_code, numerator, denominator, is_numerator_blanked, "
            "is_denominator_blanked from raw.register_counts_cells order by _source_row"
        ).fetchall()


def test_blanked_cells_are_kept_as_blanked_and_never_zero(tmp_path: Path) -> None:
    rows = _sync(tmp_path, TABLE)

    assert rows == [
        ("1", "25-34", 120, 160, False, False),
        ("2", "25-34", None, 9, True, False),  # <5: unknown, not 0
        ("TOT", "25-34", 124, 169, False, False),
        ("1", "35-44", 210, 260, False, False),
        ("2", "35-44", 190, None, False, True),  # empty: blanked too
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            # 120 + 9 = 129, not 169: a total that is not the sum of its known parts.
            TABLE.replace("TOT,25-34,124,169", "TOT,25-34,124,170"),
            "row 3 (line 4), column denominator: the sex TOT row's denominator is 170, but its "
            "known parts by sex add up to 169",
        ),
        (
            # A blanked part may hide at most the difference, never make the parts exceed it.
            TABLE.replace("TOT,25-34,124,169", "TOT,25-34,119,169"),
            "the sex TOT row's numerator is 119, but its known parts by sex add up to 120 "
            "(1 blanked)",
        ),
        (
            TABLE.replace("2,35-44,190", "2,35-44,-3"),
            "column numerator: must be a whole number of at least 0, or blanked (empty or <5)",
        ),
        (
            TABLE.replace("575,1,35-44", "575,3,35-44"),
            "column sex: must be 1, 2 or TOT: '3'",
        ),
        (
            TABLE.replace("daily_smoking", "x").replace(
                "somatic_labour_attached,2024,575,1,35-44", "daily_smoking,2024,575,1,35-44"
            ),
            "column indicator_code: must be a register indicator of seeds/indicators.csv",
        ),
    ],
)
def test_a_count_table_that_does_not_add_up_is_rejected_by_rule_and_quarantined(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(LandingFileError) as raised:
        _sync(tmp_path, text)
    assert message in str(raised.value)
    assert len(list((tmp_path / "quarantine" / "register_counts").glob("*_counts_2024.csv"))) == 1
