"""The suppression engine itself, against the attacker's linear programs, on random tables.

Hypothesis draws small tables - municipalities with persons and numerators, clusters that may
overlap (a municipality in two clusters, as Vejen is), two regions and Denmark - and runs the
engine's own SQL on them: the compiled `int_suppression__complementary` of the session's
refreshed warehouse, on an in-memory DuckDB. The published figures are then described to HiGHS
here, by hand, from the table alone: every published total is an equation, every withheld
municipality with persons holds at least one, and its numerator is at most its persons.

* After the engine, every count under the threshold keeps the protection interval
  (L <= a - 1 and U >= a + 1, the lower end clipped at what the rule itself gives).
* With the engine's complements left out (the primary rule alone), a withheld municipality that
  is the only withheld member of a published total is found: the total minus its published
  members gives it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.quality.feasibility import LinearSystem, feasibility_intervals
from tests.conftest import Refreshed

pytestmark = pytest.mark.slow

THRESHOLD = 5  # DOMAIN: no published count under 5 persons (the sample's default setting)
COMPILED = (
    "compiled/sundhedsdata/models/intermediate/suppression/int_suppression__complementary.sql"
)


@dataclass(frozen=True)
class Table:
    persons: dict[str, int]
    positive: dict[str, int]
    totals: dict[tuple[str, str], frozenset[str]]  # (level, code) -> members

    def sums(self, members: frozenset[str]) -> tuple[int, int]:
        return sum(self.persons[m] for m in members), sum(self.positive[m] for m in members)


def small(persons: int, positive: int) -> bool:
    """The primary rule, as DOMAIN states it: a count (persons, numerator or the persons outside
    it) under the threshold, or nobody at all."""
    return persons == 0 or min(persons, positive, persons - positive) < THRESHOLD


@st.composite
def tables(draw: st.DrawFn) -> Table:
    names = [chr(ord("A") + i) for i in range(draw(st.integers(3, 7)))]
    persons = {m: draw(st.integers(0, 40)) for m in names}
    positive = {m: draw(st.integers(0, persons[m])) for m in names}
    split = draw(st.integers(1, len(names) - 1))
    totals: dict[tuple[str, str], frozenset[str]] = {
        ("region", "r1"): frozenset(names[:split]),
        ("region", "r2"): frozenset(names[split:]),
        ("country", "000"): frozenset(names),
    }
    for k in range(draw(st.integers(1, 3))):
        members = draw(st.sets(st.sampled_from(names), min_size=2))
        totals[("cluster", f"k{k}")] = frozenset(members)
    return Table(persons, positive, totals)


@pytest.fixture(scope="module")
def engine(refreshed: Refreshed):
    """The engine's compiled SQL (as the night built it, with its settings) on an in-memory
    database whose tables carry the names the SQL reads."""
    sql = (refreshed.settings.warehouse_dir / "dbt_target" / COMPILED).read_text()
    conn = duckdb.connect()
    conn.execute("attach ':memory:' as build")
    conn.execute("create schema build.intermediate")
    conn.execute("create schema build.reference")
    conn.execute(
        "create table build.reference.indicators as "
        "select 'x' as indicator_code, 'register_share' as statistic"
    )
    conn.execute(
        "create table build.intermediate.int_suppression__stranded_parts (kommune_kode varchar, "
        "indicator_code varchar, year integer, part varchar, is_sum_published boolean)"
    )

    def run(table: Table) -> set[tuple[str, str]]:
        estimates = [
            ("municipality", m, n, table.positive[m], small(n, table.positive[m]))
            for m, n in table.persons.items()
        ] + [
            (level, code, *table.sums(members), small(*table.sums(members)))
            for (level, code), members in table.totals.items()
        ]
        conn.execute(
            "create or replace table build.intermediate.int_indicators__cell_estimates as "
            "select level as geography_level, code as geography_code, 'x' as indicator_code, "
            "2024 as year, n as n_persons, positive as n_positive, suppressed as is_suppressed "
            "from (values " + ", ".join(["(?, ?, ?, ?, ?)"] * len(estimates)) + ") "
            "as t(level, code, n, positive, suppressed)",
            [v for row in estimates for v in row],
        )
        memberships = [
            (level, code, m) for (level, code), members in table.totals.items() for m in members
        ]
        conn.execute(
            "create or replace table build.intermediate.int_geography__memberships as "
            "select * from (values " + ", ".join(["(?, ?, ?)"] * len(memberships)) + ") "
            "as t(parent_level, parent_code, kommune_kode)",
            [v for row in memberships for v in row],
        )
        rows = conn.execute(sql).fetchall()
        return {(level, code) for level, code, _, _ in rows}

    yield run
    conn.close()


def unprotected(table: Table, withheld: set[tuple[str, str]]) -> set[str]:
    """The withheld municipalities whose small counts the published figures narrow below the
    protection interval, by the attacker's linear programs."""
    system = LinearSystem()
    persons: dict[str, int] = {}
    positive: dict[str, int] = {}
    for m, n in table.persons.items():
        if ("municipality", m) in withheld and n > 0:  # "no data" is published as zero
            persons[m] = system.variable(f"{m} persons", lower=1)
            positive[m] = system.variable(f"{m} positive")
            system.constraint(f"{m} within", {positive[m]: 1, persons[m]: -1}, -math.inf, 0)
    for (level, code), members in table.totals.items():
        if (level, code) in withheld or small(*table.sums(members)):
            continue
        hidden = [m for m in members if m in persons]
        system.equation(
            f"{code} persons",
            {persons[m]: 1 for m in hidden},
            sum(table.persons[m] for m in hidden),
        )
        system.equation(
            f"{code} positive",
            {positive[m]: 1 for m in hidden},
            sum(table.positive[m] for m in hidden),
        )
    targets, wanted = [], []
    for m in persons:
        n, q = table.persons[m], table.positive[m]
        for count, target, floor in (
            (n, {persons[m]: 1}, 1),
            (q, {positive[m]: 1}, 0),
            (n - q, {persons[m]: 1, positive[m]: -1}, 0),
        ):
            if count < THRESHOLD:
                targets.append(target)
                wanted.append((m, max(count - 1, floor), count + 1))
    intervals = feasibility_intervals(system, targets)
    return {
        m
        for (m, low, high), interval in zip(wanted, intervals, strict=True)
        if not interval.covers(low, high)
    }


def primary(table: Table) -> set[tuple[str, str]]:
    return {("municipality", m) for m, n in table.persons.items() if small(n, table.positive[m])}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_after_the_engine_no_small_count_is_narrowed_below_its_protection_interval(
    engine, table: Table
) -> None:
    withheld = primary(table) | {
        (level, code) for (level, code), m in table.totals.items() if small(*table.sums(m))
    }
    withheld |= engine(table)
    assert unprotected(table, withheld) == set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables())
def test_without_its_complements_a_lone_withheld_member_of_a_published_total_is_found(
    engine, table: Table
) -> None:
    withheld = primary(table)
    lone = set()
    for members in table.totals.values():
        if small(*table.sums(members)):
            continue
        inside = [m for m in members if ("municipality", m) in withheld and table.persons[m] > 0]
        if len(inside) == 1:
            lone.add(inside[0])
    assert lone <= unprotected(table, withheld)
    if lone:
        # ... and the engine does pick complements for exactly such a table.
        assert engine(table)
