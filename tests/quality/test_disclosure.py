"""Disclosure control against an attacker with linear algebra, and the audit that proves it.

The attack the issue describes: Vejen sits in two clusters, so the four cluster totals minus the
region total equal Vejen exactly, whatever Vejen's own row says. A small fixture reproduces it
with real numbers; the shipped sample shows the suppression now prevents it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.quality.disclosure_audit import AuditResult, audit_connection
from tests.conftest import Refreshed

# North = {A, B, V}, south = {V, C, D}, region r = {A, B, V, C, D}; Denmark is the region.
MEMBERS = {"north": ["A", "B", "V"], "south": ["V", "C", "D"]}
# Persons per municipality and sex: V has 3 in all (1 + 2), under the threshold of 5.
PERSONS = {
    "A": (20, 20),
    "B": (30, 30),
    "V": (1, 2),
    "C": (15, 15),
    "D": (45, 45),
}


def audit_database(database: Path, schema: str = "main") -> AuditResult:
    with duckdb.connect(str(database), read_only=True) as conn:
        return audit_connection(conn, schema)


def _fixture(path: Path, hidden: set[tuple[str, str]]) -> Path:
    """A published warehouse of one indicator-year: cells, totals and the membership tables.

    hidden holds (level, code) of suppressed totals; a suppressed municipality's cells are
    suppressed with it.
    """
    with duckdb.connect(str(path)) as conn:
        conn.execute("create table dim_municipality (kommune_kode varchar, region_code varchar)")
        conn.executemany("insert into dim_municipality values (?, 'r')", [[m] for m in PERSONS])
        conn.execute(
            "create table dim_cluster_membership "
            "(cluster_code varchar, kommune_kode varchar, is_current boolean)"
        )
        for cluster, members in MEMBERS.items():
            for member in members:
                conn.execute(
                    "insert into dim_cluster_membership values (?, ?, true)", [cluster, member]
                )
        conn.execute(
            "create table fct_indicator_observation (indicator_code varchar, year integer, "
            "kommune_kode varchar, sex_code varchar, age_band_code varchar, "
            "school_stage_code varchar, n_unweighted integer, is_suppressed boolean, "
            "value_note varchar)"
        )
        for kommune, by_sex in PERSONS.items():
            for sex, n in zip(("1", "2"), by_sex, strict=True):
                secret = ("municipality", kommune) in hidden
                conn.execute(
                    "insert into fct_indicator_observation values "
                    "('x', 2024, ?, ?, '25-34', 'all', ?, ?, ?)",
                    [kommune, sex, None if secret else n, secret, "suppressed" if secret else None],
                )
        totals = {("municipality", k): [k] for k in PERSONS}
        totals |= {("cluster", c): m for c, m in MEMBERS.items()}
        totals |= {("region", "r"): list(PERSONS), ("country", "000"): list(PERSONS)}
        conn.execute(
            "create table totals (geography_level varchar, geography_code varchar, "
            "indicator_code varchar, year integer, n_unweighted integer, is_suppressed boolean, "
            "value_note varchar)"
        )
        for (level, code), members in totals.items():
            secret = (level, code) in hidden
            n = sum(sum(PERSONS[m]) for m in members)
            conn.execute(
                "insert into totals values (?, ?, 'x', 2024, ?, ?, ?)",
                [level, code, None if secret else n, secret, "suppressed" if secret else None],
            )
        conn.execute(
            "create view mart_indicator_municipality_year as select geography_code as "
            "kommune_kode, * exclude (geography_code) from totals "
            "where geography_level = 'municipality'"
        )
        conn.execute(
            "create view mart_indicator_cluster_year as select geography_code as cluster_code, "
            "* exclude (geography_code) from totals where geography_level = 'cluster'"
        )
        conn.execute(
            "create view mart_indicator_region_year as select * from totals "
            "where geography_level in ('region', 'country')"
        )
    return path


def _published(path: Path, level: str, code: str) -> int | None:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(
            "select n_unweighted from totals where geography_level = ? and geography_code = ?",
            [level, code],
        ).fetchone()[0]


def test_the_vejen_attack_on_a_small_fixture_is_caught_by_the_audit(tmp_path: Path) -> None:
    # The old rule: no published total may have exactly one suppressed member. V is suppressed,
    # B beside it in north and C beside it in south; the region then has three.
    old = {("municipality", "V"), ("municipality", "B"), ("municipality", "C")}
    published = _fixture(tmp_path / "old.duckdb", hidden=old)

    # The attack, with nothing but published figures: north + south - region = V.
    recovered = (
        _published(published, "cluster", "north")
        + _published(published, "cluster", "south")
        - _published(published, "region", "r")
    )
    assert recovered == 1 + 2  # V's persons, hidden in its own row

    result = audit_database(published, schema="main")
    assert not result.passed
    (finding,) = [f for f in result.findings if "municipality V total" in f.quantity]
    assert {"cluster north", "cluster south"} <= set(finding.determined_by)
    assert {"region r", "country 000"} & set(finding.determined_by)


def test_with_the_smaller_cluster_total_and_a_twin_suppressed_nothing_is_determined(
    tmp_path: Path,
) -> None:
    # What int_suppression__complementary does on this structure (its dbt unit test
    # suppression_protects_a_municipality_in_two_clusters): north, the smaller
    # cluster holding V, and C, the smaller of V's new signature partners.
    hidden = {("municipality", "V"), ("cluster", "north"), ("municipality", "C")}
    published = _fixture(tmp_path / "new.duckdb", hidden=hidden)

    assert audit_database(published, schema="main").passed
    # By hand: south and the region now only give V + C = 33; V = 3 and V = 10 both fit.
    south, region = _published(published, "cluster", "south"), _published(published, "region", "r")
    others = sum(sum(PERSONS[m]) for m in ("A", "B", "D"))
    assert south - sum(PERSONS["D"]) == region - others == 33


@pytest.fixture(scope="module")
def published_sample(refreshed: Refreshed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("disclosure") / "published.duckdb"
    shutil.copy(refreshed.settings.published_db, copy)
    return copy


# Suppressed cells the issue recovered from the first publication of the shipped sample.
RECOVERED_BEFORE = [
    ("575", "psychiatric_youth_education", 2024),
    ("575", "young_good_mental_health", 2021),
    ("607", "other_nicotine", 2021),
    ("410", "severe_obesity", 2023),
]


def test_the_published_sample_withstands_the_audit_and_the_subtraction(
    published_sample: Path,
) -> None:
    result = audit_database(published_sample, schema="main")
    assert result.passed, [f.describe() for f in result.findings]
    assert result.suppressed_quantities > 1000

    with duckdb.connect(str(published_sample), read_only=True) as conn:
        for kommune, indicator, year in RECOVERED_BEFORE:
            suppressed = conn.execute(
                "select is_suppressed from mart_indicator_municipality_year "
                "where kommune_kode = ? and indicator_code = ? and year = ?",
                [kommune, indicator, year],
            ).fetchone()[0]
            clusters = conn.execute(
                "select list(numerator) from mart_indicator_cluster_year "
                "where indicator_code = ? and year = ?",
                [indicator, year],
            ).fetchone()[0]
            assert suppressed, (kommune, indicator, year)
            if kommune == "575":
                # The four cluster totals no longer all stand: the subtraction has a hole.
                assert None in clusters, (indicator, year)


def test_undoing_the_cluster_suppression_lets_the_audit_find_vejen(
    published_sample: Path, tmp_path: Path
) -> None:
    """The audit fails when the safety is removed: publish the protecting cluster totals."""
    undone = tmp_path / "undone.duckdb"
    shutil.copy(published_sample, undone)
    with duckdb.connect(str(undone)) as conn:
        protected = conn.execute(
            "update mart_indicator_cluster_year set is_suppressed = false, value_note = null "
            "where value_note like '%protects%' returning indicator_code, year"
        ).fetchall()
    assert ("psychiatric_youth_education", 2024) in protected

    result = audit_database(undone, schema="main")
    exposed = {(f.indicator_code, f.year) for f in result.findings if "575" in f.quantity}
    assert ("psychiatric_youth_education", 2024) in exposed
