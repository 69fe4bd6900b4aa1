"""The linear disclosure audit of the values by education, on small hand-made publications.

Five municipalities: a1, a2, b, c1, c2 in one region; cluster X holds a1, a2 and b, cluster Y
holds b, c1 and c2 (b is in both, as Vejen is). Two education groups. Each municipality's total
over the groups is known to an attacker, so a cluster with one group withheld gives it away, and
X + Y - the region gives b's own value of a group, which is published nowhere.
"""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.quality.disclosure_audit import AuditResult, audit_education

MUNICIPALITIES = {"a1": "r", "a2": "r", "b": "r", "c1": "r", "c2": "r"}
CLUSTERS = {"X": ("a1", "a2", "b"), "Y": ("b", "c1", "c2")}


def _publication(suppressed: set[tuple[str, str]]) -> duckdb.DuckDBPyConnection:
    """A publication of X, Y and the region for groups g1 and g2, with the given (geography,
    group) cells withheld."""
    conn = duckdb.connect()
    conn.execute("create schema pub")
    conn.execute("create table pub.dim_municipality (kommune_kode varchar, region_code varchar)")
    conn.executemany("insert into pub.dim_municipality values (?, ?)", list(MUNICIPALITIES.items()))
    conn.execute(
        "create table pub.dim_cluster_membership "
        "(cluster_code varchar, kommune_kode varchar, is_current boolean)"
    )
    conn.executemany(
        "insert into pub.dim_cluster_membership values (?, ?, true)",
        [(c, k) for c, members in CLUSTERS.items() for k in members],
    )
    conn.execute(
        "create table pub.mart_indicator_education_year (indicator_code varchar, year integer, "
        "geography_level varchar, geography_code varchar, education_group varchar, "
        "is_suppressed boolean, value_note varchar)"
    )
    rows = [
        ("smoking", 2025, level, code, group, (code, group) in suppressed, None)
        for level, code in (("cluster", "X"), ("cluster", "Y"), ("region", "r"))
        for group in ("g1", "g2")
    ]
    conn.executemany(
        "insert into pub.mart_indicator_education_year values (?, ?, ?, ?, ?, ?, ?)", rows
    )
    return conn


def _findings(suppressed: set[tuple[str, str]]) -> list[str]:
    result = AuditResult()
    with _publication(suppressed) as conn:
        audit_education(conn, "pub", result)
    return [f.quantity for f in result.findings]


def test_a_lone_withheld_group_is_found_with_what_gives_it_away() -> None:
    assert "the cluster X cell of g1" in _findings({("X", "g1")})


def test_a_shared_municipality_is_given_away_by_the_clusters_minus_the_region() -> None:
    assert _findings(set()) == [
        "municipality b's value for g1",
        "municipality b's value for g2",
    ]


@pytest.mark.parametrize("withheld", [{("X", "g1"), ("X", "g2")}, {("Y", "g1"), ("Y", "g2")}])
def test_two_groups_withheld_in_a_cluster_sharing_b_protect_everything(withheld) -> None:
    assert _findings(withheld) == []
