"""The survey's standard errors against R's survey package, on the refreshed sample.

Sundhedsprofilen samples every municipality separately, so its standard errors are design-based:
Taylor linearisation of the weighted share with municipalities as strata. The warehouse computes
them from summed cells (Σw·y, Σw, Σw², Σw²·y and the stratum's size per municipality); here the
same respondents go to R's `svydesign(ids = ~1, strata = ~kommune, weights = ~weight)` and
`svymean` on each geography's domain, and every standard error the warehouse computed for a
municipality, cluster, the region and Denmark, and for the values by education, must equal R's
to a relative 1e-6. R comes from Debian's r-base-core and r-cran-survey (scripts/ci-services).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

RESPONDENT_COLUMNS = ["indicator", "year", "kommune", "weight", "y", "group"]
REFERENCE = Path(__file__).with_name("survey_design_reference.R")
TOLERANCE = 1e-6  # relative
# The surveyed rounds checked: every indicator of two rounds keeps R's run to seconds.
ROUNDS = "year in (select max(year) from {table}) or year = (select min(year) from {table})"

# Every respondent of a round, with the indicator's outcome where the respondent has one. Those
# without (outside the indicator's ages) enter as rows with no outcome, one per respondent, so
# that R's strata have the survey's sizes.
RESPONDENTS = """
with outcomes as (
    select indicator_code, year, kommune_kode, survey_weight, outcome, age_years,
        education_group_code
    from intermediate.int_sundhedsprofilen__outcomes
),
strata as (
    select year, kommune_kode, count(*) as respondents
    from staging.stg_sundhedsprofilen__respondents group by year, kommune_kode
),
rows_per_stratum as (
    select indicator_code, year, kommune_kode, count(*) as rows
    from outcomes group by indicator_code, year, kommune_kode
),
missing as (
    select r.indicator_code, r.year, r.kommune_kode, s.respondents - r.rows as n
    from rows_per_stratum as r join strata as s using (year, kommune_kode)
)
select indicator_code as indicator, year, kommune_kode as kommune, survey_weight as weight,
    outcome as y,
    case when age_years >= {min_age} then education_group_code else '' end as "group"
from outcomes
union all
select indicator_code, year, kommune_kode, 1.0, null, ''
from missing, range(n)
"""


def _respondents(conn: duckdb.DuckDBPyConnection, min_age: int) -> list[tuple]:
    rounds = ROUNDS.format(table="staging.stg_sundhedsprofilen__respondents")
    return conn.sql(
        f"select * from ({RESPONDENTS.format(min_age=min_age)}) where {rounds}"
    ).fetchall()


def _write(path: Path, rows: list[tuple], header: list[str]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)


def _r_estimates(folder: Path) -> dict[tuple[str, int, str], tuple[float, float]]:
    rscript = shutil.which("Rscript")
    assert rscript, "R is not installed: scripts/ci-services installs r-base-core, r-cran-survey"
    subprocess.run([rscript, str(REFERENCE), str(folder)], check=True, capture_output=True)
    with (folder / "estimates.csv").open() as f:
        return {
            (row["indicator"], int(row["year"]), row["domain"]): (
                float(row["mean"]),
                float(row["se"]),
            )
            for row in csv.DictReader(f)
        }


def _domains(conn: duckdb.DuckDBPyConnection, groups: list[str]) -> list[tuple]:
    members = conn.sql(
        "select parent_level || ':' || parent_code, kommune_kode"
        " from intermediate.int_geography__memberships"
        " union all select 'municipality:' || kommune_kode, kommune_kode"
        " from (select distinct kommune_kode from staging.stg_sundhedsprofilen__respondents)"
    ).fetchall()
    return [(name, kommune, group) for name, kommune in members for group in groups]


def _compare(ours: dict, theirs: dict) -> list[str]:
    assert ours, "the warehouse computed no design-based standard error"
    wrong = []
    for key, (p, se) in ours.items():
        assert key in theirs, f"R has no estimate for {key}"
        r_p, r_se = theirs[key]
        assert p == pytest.approx(r_p, rel=1e-9), key
        if abs(se - r_se) > TOLERANCE * r_se:
            wrong.append(f"{key}: warehouse {se:.9f}, R {r_se:.9f}")
    return wrong


@pytest.fixture(scope="module")
def sample(refreshed: Refreshed) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(refreshed.settings.build_db), read_only=True)
    yield conn
    conn.close()


def test_every_geographys_survey_standard_error_equals_rs_survey_package(
    sample: duckdb.DuckDBPyConnection, refreshed: Refreshed, tmp_path: Path
) -> None:
    rows = _respondents(sample, refreshed.settings.education_min_age)
    _write(
        tmp_path / "respondents.csv", rows, ["indicator", "year", "kommune", "weight", "y", "group"]
    )
    _write(tmp_path / "domains.csv", _domains(sample, [""]), ["domain", "kommune", "group"])
    theirs = _r_estimates(tmp_path)

    # Shares of 0 or 1 have no design variance (R's is 0); the warehouse falls back to Kish there.
    ours = {
        (indicator, year, f"{level}:{code}"): (p, se)
        for indicator, year, level, code, p, se in sample.sql(
            "select e.indicator_code, e.year, e.geography_level, e.geography_code,"
            " e.proportion, e.standard_error"
            " from intermediate.int_indicators__cell_estimates as e"
            " join reference.indicators as i using (indicator_code)"
            " where i.statistic = 'survey_share' and e.source_kind = 'microdata'"
            " and e.n_persons > 1 and e.proportion > 0 and e.proportion < 1 and ("
            + ROUNDS.format(table="intermediate.int_indicators__cell_estimates")
            + ")"
        ).fetchall()
    }
    levels = {key[2].split(":")[0] for key in ours}
    assert levels == {"municipality", "cluster", "region", "country"}, levels
    assert not _compare(ours, theirs)


def test_the_survey_standard_errors_by_education_equal_rs_survey_package(
    sample: duckdb.DuckDBPyConnection, refreshed: Refreshed, tmp_path: Path
) -> None:
    rows = _respondents(sample, refreshed.settings.education_min_age)
    groups = [
        g
        for (g,) in sample.sql(
            "select education_group_code from reference.education_groups"
        ).fetchall()
    ]
    _write(
        tmp_path / "respondents.csv", rows, ["indicator", "year", "kommune", "weight", "y", "group"]
    )
    domains = [
        (f"{name}|{group}", kommune, group)
        for name, kommune, group in _domains(sample, groups)
        if not name.startswith("municipality:")
    ]
    _write(tmp_path / "domains.csv", domains, ["domain", "kommune", "group"])
    theirs = _r_estimates(tmp_path)

    ours = {
        (indicator, year, f"{level}:{code}|{group}"): (p, se)
        for indicator, year, level, code, group, p, se in sample.sql(
            "select e.indicator_code, e.year, e.geography_level, e.geography_code,"
            " e.education_group_code, e.proportion, e.standard_error"
            " from intermediate.int_inequality__education_estimates as e"
            " join reference.indicators as i using (indicator_code)"
            " where i.statistic = 'survey_share'"
            " and e.n_persons > 1 and e.proportion > 0 and e.proportion < 1 and ("
            + ROUNDS.format(table="intermediate.int_inequality__education_estimates")
            + ")"
        ).fetchall()
    }
    assert not _compare(ours, theirs)
