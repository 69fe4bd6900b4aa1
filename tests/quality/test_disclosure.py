"""The feasibility-interval audit, against intervals worked out by hand.

An attacker holds the published release and a linear-programming solver. For every small count
withheld, they compute how far the published totals, non-negativity and the published codes let
it move. Each fixture here is a publication small enough to solve on paper; the comments give
the working.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.quality.disclosure_audit import (
    DISCLOSURE_CONTROL,
    AuditResult,
    ProtectionRule,
    audit_connection,
)
from dagster_project.quality.feasibility import (
    LinearSystem,
    feasibility_intervals,
    protection_intervals,
)
from tests.conftest import Refreshed
from tests.quality.releases import CellSpec, write_publication


def test_the_intervals_of_a_hand_solved_system() -> None:
    # a + b = 4 and b + c = 6 are published, a withheld cell holds at least one person (b >= 1).
    # By hand: b = 4 - a <= 4 and b >= 1; a = 4 - b lies in [0, 3]; c = 6 - b lies in [2, 5].
    system = LinearSystem()
    a, b, c = system.variable("a"), system.variable("b", lower=1), system.variable("c")
    system.equation("total one", {a: 1, b: 1}, 4)
    system.equation("total two", {b: 1, c: 1}, 6)
    ia, ib, ic, total = feasibility_intervals(
        system, [{a: 1}, {b: 1}, {c: 1}, {a: 1, c: 1}], explain=True
    )
    assert (ia.lower, ia.upper) == (0, 3)
    assert (ib.lower, ib.upper) == (1, 4)
    assert (ic.lower, ic.upper) == (2, 5)
    assert (total.lower, total.upper) == (2, 8)  # a + c = 10 - 2b, b in [1, 4]
    assert "total one" in ia.bound_above_by  # a's maximum is where b is at its floor
    # Half persons are rounded away: a + 2b = 5 with b withheld (>= 1) gives b at most 2.5.
    half = LinearSystem()
    x, y = half.variable("x"), half.variable("y", lower=1)
    half.equation("total", {x: 1, y: 2}, 5)
    (iy,) = feasibility_intervals(half, [{y: 1}])
    assert (iy.lower, iy.upper) == (1, 2)


def test_the_rules_floors_bound_the_other_counts_from_above_only() -> None:
    # x is a withheld cell (at least one person by its bound), g a count never published whose
    # withheld value is g alone (at least one person by a floor row), w a free count, and
    # x + g + w = 10 is published. By hand, feasibility: x in [1, 9] and g in [1, 9] (the other
    # at least 1), x + g in [2, 10]. Every lower end there is the floors' alone, so the interval
    # the rule judges starts at 0; the upper ends keep the floors: x at most 10 - 1 = 9.
    system = LinearSystem()
    x, g, w = system.variable("x", lower=1), system.variable("g"), system.variable("w")
    system.equation("total", {x: 1, g: 1, w: 1}, 10)
    system.floor("g withheld, so at least one person", {g: 1}, 1)
    targets = [{x: 1}, {g: 1}, {x: 1, g: 1}]
    feasible = feasibility_intervals(system, targets)
    assert [(i.lower, i.upper) for i in feasible] == [(1, 9), (1, 9), (2, 10)]
    judged = protection_intervals(system, targets)
    assert [(i.lower, i.upper) for i in judged] == [(0, 9), (0, 9), (0, 10)]


def test_hoeje_taastrup_a_note_saying_a_cell_passed_the_rule_gives_its_neighbour_away() -> None:
    """Høje-Taastrup's children in 2023: the indskoling cells' numerators add up to 15 - 5 - 5 =
    5. The girls' cell was published as a complement ("protects a suppressed cell"), which told
    the attacker it passed the rule: numerator at least 5. Then the girls hold exactly 5 and the
    boys exactly 0. With one note for every reason of disclosure control, both lie in [0, 5]."""
    told = LinearSystem()
    boys, girls = told.variable("boys"), told.variable("girls", lower=5)
    told.equation("municipality 169 numerator", {boys: 1, girls: 1}, 5)
    (exposed,) = feasibility_intervals(told, [{boys: 1}])
    assert (exposed.lower, exposed.upper) == (0, 0)
    assert not exposed.covers(0, 1)  # boys' 0 must reach 1

    one_note = LinearSystem()
    boys, girls = one_note.variable("boys"), one_note.variable("girls")
    one_note.equation("municipality 169 numerator", {boys: 1, girls: 1}, 5)
    (protected,) = feasibility_intervals(one_note, [{boys: 1}])
    assert (protected.lower, protected.upper) == (0, 5)
    assert protected.covers(0, 1)


# --- publications as the audit reads them -----------------------------------------------------


def audit(path: Path) -> AuditResult:
    with duckdb.connect(str(path), read_only=True) as conn:
        return audit_connection(conn, ProtectionRule(min_cell_count=5, protection_level=1))


def _holstebro(complement_code: str | None) -> list[CellSpec]:
    """Holstebro's children in 2022: numerator 8, the udskoling girls' cell of 5 published, so
    the three withheld cells' numerators add up to 3 - and the boys' indskoling cell holds 3.
    complement_code is the code of the udskoling girls' cell (None: published)."""
    return [
        CellSpec("661", "2", "00-15", 40, 5, complement_code, "udskoling"),
        CellSpec("661", "1", "00-15", 30, 0, DISCLOSURE_CONTROL, "udskoling"),
        CellSpec("661", "2", "00-15", 35, 0, DISCLOSURE_CONTROL, "indskoling"),
        CellSpec("661", "1", "00-15", 30, 3, DISCLOSURE_CONTROL, "indskoling"),
    ]


def test_holstebro_withheld_cells_holding_too_few_persons_protect_nothing_upwards(
    tmp_path: Path,
) -> None:
    # By hand: 8 - 5 = 3 for the three withheld numerators, each at least 0, so the boys'
    # indskoling numerator lies in [0, 3] and cannot reach 3 + 1.
    result = audit(write_publication(tmp_path / "off.duckdb", _holstebro(None)))
    assert not result.passed
    (finding,) = [
        f for f in result.findings if "indskoling" in f.quantity and "sex 1" in f.quantity
    ]
    assert finding.quantity.endswith("numerator")
    assert finding.count == 3
    assert (finding.interval.lower, finding.interval.upper) == (0, 3)
    assert finding.required == (2, 4)
    assert "municipality 661 positive" in finding.bound_by
    # The engine's complement (the dbt unit test suppression_gives_a_small_numerator_room):
    # the published cell with room. Then the four numerators add up to 8: [0, 8] covers [2, 4].
    assert audit(write_publication(tmp_path / "on.duckdb", _holstebro(DISCLOSURE_CONTROL))).passed


def test_a_withheld_cell_without_a_partner_in_its_total_is_recovered_exactly(
    tmp_path: Path,
) -> None:
    cells = [
        CellSpec("101", "1", "25-34", 3, 1, DISCLOSURE_CONTROL),
        CellSpec("101", "2", "25-34", 40, 20),
    ]
    result = audit(write_publication(tmp_path / "lone.duckdb", cells))
    intervals = {f.quantity.rsplit(") ", 1)[1]: f.interval for f in result.findings}
    # Total minus the published cell: persons 3 and numerator 1 exactly.
    assert (intervals["persons"].lower, intervals["persons"].upper) == (3, 3)
    assert (intervals["numerator"].lower, intervals["numerator"].upper) == (1, 1)


def test_vejen_in_two_clusters_is_given_away_by_the_clusters_minus_the_region(
    tmp_path: Path,
) -> None:
    """V sits in north and south; north + south - region = V whatever V's own row says."""
    clusters = {"north": ("A", "B", "V"), "south": ("V", "C", "D")}
    cells = [
        CellSpec("A", "1", "25-34", 40, 20),
        CellSpec("B", "1", "25-34", 30, 10, DISCLOSURE_CONTROL),
        CellSpec("V", "1", "25-34", 3, 1, DISCLOSURE_CONTROL),
        CellSpec("C", "1", "25-34", 30, 15, DISCLOSURE_CONTROL),
        CellSpec("D", "1", "25-34", 50, 25),
    ]
    withheld = frozenset({"municipality B", "municipality V", "municipality C"})
    result = audit(write_publication(tmp_path / "vejen.duckdb", cells, clusters, withheld))
    exposed = [f for f in result.findings if "municipality V" in f.quantity]
    assert exposed and all(f.interval.lower == f.interval.upper for f in exposed)
    assert {"cluster north persons", "cluster south persons", "region r persons"} <= set(
        next(f for f in exposed if f.quantity.endswith(" persons")).bound_by
    )
    # Withholding the north cluster too: V + C = 33 from south and the region, both free.
    safer = write_publication(
        tmp_path / "safer.duckdb", cells, clusters, withheld | {"cluster north"}
    )
    assert audit(safer).passed


def test_the_values_by_education_and_the_cells_are_one_system(tmp_path: Path) -> None:
    """Cross-table: municipality a withholds its 25-34 men (3 persons) with its 16-24 men as the
    complement, so within the cell table a's total gives only their sum (3 + 20). But the
    cluster's education groups add up to the persons aged 25 and over of a and b, b's cells are
    all published, and a's 25-34 women are published: 3 = (g1 + g2) - b's adults - 30."""
    cells = [
        CellSpec("a", "1", "16-24", 20, 10, DISCLOSURE_CONTROL),
        CellSpec("a", "1", "25-34", 3, 1, DISCLOSURE_CONTROL),
        CellSpec("a", "2", "25-34", 30, 12),
        CellSpec("b", "1", "25-34", 25, 10),
        CellSpec("b", "2", "25-34", 35, 20),
    ]
    clusters = {"X": ("a", "b")}
    education = {
        ("a", "g1"): (13, 6),
        ("a", "g2"): (20, 7),
        ("b", "g1"): (30, 15),
        ("b", "g2"): (30, 15),
    }
    alone = audit(write_publication(tmp_path / "cells.duckdb", cells, clusters))
    assert alone.passed, [f.describe() for f in alone.findings]

    together = audit(
        write_publication(tmp_path / "both.duckdb", cells, clusters, education=education)
    )
    persons = [f for f in together.findings if f.quantity.endswith("25-34, all) persons")]
    assert [(f.interval.lower, f.interval.upper) for f in persons] == [(3, 3)]
    assert any("education groups" in name for name in persons[0].bound_by)


def test_published_figures_that_contradict_each_other_fail_the_audit(tmp_path: Path) -> None:
    """No interval exists for counts no assignment fits: the audit fails instead of passing."""
    cells = [
        CellSpec("101", "1", "25-34", 3, 1, DISCLOSURE_CONTROL),
        CellSpec("101", "2", "25-34", 40, 20),
        CellSpec("101", "1", "35-44", 30, 10, DISCLOSURE_CONTROL),
    ]
    path = write_publication(tmp_path / "contradiction.duckdb", cells)
    with duckdb.connect(str(path)) as conn:  # totals smaller than their published cell
        conn.execute("update totals set n_unweighted = 30")
    result = audit(path)
    assert not result.passed
    assert result.findings == []
    assert result.contradictions[0].startswith("x 2024: no hidden counts fit")


# --- the audit against brute force ------------------------------------------------------------


@st.composite
def small_tables(draw):
    """Up to four cells of 0-3 persons, two overlapping published totals, some cells withheld."""
    size = draw(st.integers(2, 4))
    values = draw(st.lists(st.integers(0, 3), min_size=size, max_size=size))
    hidden = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    first = draw(st.sets(st.integers(0, size - 1), min_size=1))
    second = draw(st.sets(st.integers(0, size - 1), min_size=1))
    return values, hidden, [sorted(first), sorted(second)]


@settings(max_examples=100, derandomize=True, deadline=None)
@given(small_tables())
def test_the_linear_programs_give_exactly_the_integer_extremes(table) -> None:
    """Every assignment of whole persons (0-12 each, no total exceeds 12) that fits the published
    totals, enumerated:
    its least and greatest value of each withheld cell is what the linear programs find (the
    totals of one table and one overlapping total have integral vertices)."""
    values, hidden, totals = table
    system = LinearSystem()
    column = {i: system.variable(f"c{i}") for i, h in enumerate(hidden) if h}
    for t, members in enumerate(totals):
        known = sum(values[i] for i in members if not hidden[i])
        system.equation(
            f"t{t}",
            {column[i]: 1.0 for i in members if i in column},
            sum(values[i] for i in members) - known,
        )
    withheld = sorted(column)
    if not withheld:
        return
    feasible = []
    for guess in itertools.product(range(13), repeat=len(withheld)):
        assignment = dict(zip(withheld, guess, strict=True))
        if all(
            sum(assignment.get(i, values[i]) for i in members) == sum(values[i] for i in members)
            for members in totals
        ):
            feasible.append(assignment)
    intervals = feasibility_intervals(system, [{column[i]: 1.0} for i in withheld])
    for i, interval in zip(withheld, intervals, strict=True):
        assert interval.lower == min(a[i] for a in feasible)
        # Unbounded above in the program; the enumeration stops at 12.
        assert min(interval.upper, 12) == max(a[i] for a in feasible)


# --- the shipped sample ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def build_copy(refreshed: Refreshed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("disclosure") / "build.duckdb"
    shutil.copy(refreshed.settings.build_db, copy)
    return copy


def test_the_sample_release_passes_the_audit_with_small_counts_to_protect(
    build_copy: Path,
) -> None:
    result = audit(build_copy)
    assert result.passed, [f.describe() for f in result.findings[:5]]
    assert result.sensitive_counts > 1000
    assert result.indicator_years >= 40


def test_publishing_the_complements_again_lets_the_audit_find_the_small_cells(
    build_copy: Path, tmp_path: Path
) -> None:
    """The audit fails when the safety is removed: publish every complement of the cells."""
    undone = tmp_path / "undone.duckdb"
    shutil.copy(build_copy, undone)
    with duckdb.connect(str(undone)) as conn:
        conn.execute(
            """
            update marts.fct_indicator_observation as f
            set is_suppressed = false, suppression_code = null,
                n_unweighted = c.n_persons, numerator = c.numerator
            from intermediate.int_indicators__cells as c
            inner join intermediate.int_disclosure__decisions as d
                on d.value_kind = 'cell' and d.is_complement
                and d.indicator_code = c.indicator_code and d.year = c.year
                and d.geography_code = c.kommune_kode and d.sex_code = c.sex_code
                and d.age_band_code = c.age_band_code
                and d.school_stage_code = c.school_stage_code
            where f.indicator_code = c.indicator_code and f.year = c.year
              and f.kommune_kode = c.kommune_kode and f.sex_code = c.sex_code
              and f.age_band_code = c.age_band_code
              and f.school_stage_code = c.school_stage_code
            """
        )
    result = audit(undone)
    assert not result.passed
    assert any("cell of municipality" in f.quantity for f in result.findings)
