"""Sums that do not depend on the order their terms arrive in.

Floating-point addition is not associative: a plain sum() of survey weights gives different last
bits when its terms are added in another order, which a parallel engine does whenever threads
finish in another order. The warehouse's sums of non-whole numbers are exact (macro exact_sum),
so two builds of the same files publish the same bits.

The test runs the roll-up the night built (the compiled `int_indicators__geography_sums` of the
session's refreshed warehouse) on an in-memory DuckDB with two threads over 1.5 million survey
cells of 40 municipalities in two overlapping clusters, stored once in one order and once in
another: every column of every row must be equal, bit for bit. With plain sums it is not (the
numerators of a municipality then differ in their last bits between the two orders).
"""

from __future__ import annotations

import math

import duckdb
import pytest

from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

COMPILED = "compiled/sundhedsdata/models/intermediate/estimates/int_indicators__geography_sums.sql"
MUNICIPALITIES = [f"m{i:02d}" for i in range(40)]
CELLS = 1_500_000


def _geography(conn: duckdb.DuckDBPyConnection) -> None:
    """Two clusters sharing five municipalities, one region and the country, as literal lists."""
    memberships = (
        [("cluster", "c0", m) for m in MUNICIPALITIES[:20]]
        + [("cluster", "c1", m) for m in MUNICIPALITIES[15:]]
        + [("region", "r", m) for m in MUNICIPALITIES]
        + [("country", "000", m) for m in MUNICIPALITIES]
    )
    conn.execute(
        "create table build.intermediate.int_geography__memberships "
        "(parent_level varchar, parent_code varchar, kommune_kode varchar)"
    )
    conn.executemany(
        "insert into build.intermediate.int_geography__memberships values (?, ?, ?)", memberships
    )
    areas = [("municipality", m) for m in MUNICIPALITIES] + [
        ("cluster", "c0"),
        ("cluster", "c1"),
        ("region", "r"),
        ("country", "000"),
    ]
    conn.execute(
        "create table build.intermediate.int_geography__areas "
        "(geography_level varchar, geography_code varchar, region_code varchar)"
    )
    conn.executemany(
        "insert into build.intermediate.int_geography__areas values (?, ?, 'r')", areas
    )


def _cells(conn: duckdb.DuckDBPyConnection) -> None:
    """One respondent a cell, weight between 1 and 500 with many decimals, outcome 0 or 1."""
    conn.execute("select setseed(0.31)")
    conn.execute(
        f"""
        create table respondents as
        select
            'x' as indicator_code,
            2024 as year,
            'm' || lpad(cast(i % 40 as varchar), 2, '0') as kommune_kode,
            1 + 499 * random() as weight,
            case when random() < 0.3 then 1 else 0 end as y,
            random() as shuffle
        from range({CELLS}) as r(i)
        """
    )


def _roll_up(conn: duckdb.DuckDBPyConnection, sql: str, order: str) -> list[tuple]:
    conn.execute(
        f"""
        create or replace table build.intermediate.int_indicators__cells as
        select
            indicator_code, year, kommune_kode,
            null as sex_code, null as age_band_code, null as school_stage_code,
            weight * y as numerator,
            weight as denominator,
            weight * weight as sum_squared_weights,
            cast(1 as bigint) as n_persons,
            cast(y as bigint) as n_positive,
            true as is_synthetic,
            weight * weight * y as sum_squared_weights_positive,
            cast({CELLS // 40} as bigint) as stratum_respondents,
            cast(100000 as double) as stratum_population,
            false as is_blanked,
            'microdata' as source_kind
        from respondents
        order by {order}
        """
    )
    return conn.execute(f"select * from ({sql}) order by all").fetchall()


def test_the_geography_roll_up_gives_the_same_bits_whatever_order_its_cells_arrive_in(
    refreshed: Refreshed,
) -> None:
    sql = (refreshed.settings.warehouse_dir / "dbt_target" / COMPILED).read_text()
    with duckdb.connect() as conn:
        conn.execute("set threads = 2")
        conn.execute("attach ':memory:' as build")
        conn.execute("create schema build.intermediate")
        _geography(conn)
        _cells(conn)
        one_order = _roll_up(conn, sql, "shuffle")
        other_order = _roll_up(conn, sql, "kommune_kode desc, weight")
        c1_weights = [
            w
            for (w,) in conn.execute(
                "select weight from respondents where kommune_kode >= 'm15'"
            ).fetchall()
        ]
    assert len(one_order) == 40 + 4
    by_area = {(row[0], row[1]): row for row in one_order}
    c1 = by_area[("cluster", "c1")]
    assert c1[10] == 25 * CELLS // 40  # persons of its 25 municipalities
    # Σw of the cluster is its respondents' weights summed correctly rounded (fsum), not merely
    # the same wrong bits twice.
    assert c1[5] == math.fsum(c1_weights)
    assert one_order == other_order
