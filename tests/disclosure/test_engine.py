"""The disclosure engine on tables small enough to work out by hand, proven by the audit.

Each table is described to the engine here, by hand (values, the sums that tie them, which
values the rule withholds); the engine's choices are then written as a release and the
disclosure audit - code of its own, reading the release as a reader would - must find every
small count protected. The expected complements are worked out in the comments.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_project.disclosure.engine import Protection, Sum, Table, Value, protect
from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.quality.disclosure_audit import (
    DISCLOSURE_CONTROL,
    AuditResult,
    audit_connection,
)
from tests.quality.releases import CellSpec, write_publication

RULE = ProtectionRule(min_cell_count=5, protection_level=1)
ADULT_AGES = {"25-34", "35-44", "45-54", "55-64", "65-74", "75+"}


def small(persons: int, positive: int) -> bool:
    """The rule by hand: under 5 persons, in the numerator or outside it (and someone there)."""
    return persons > 0 and min(persons, positive, persons - positive) < 5


def cell_key(c: CellSpec) -> str:
    return f"cell {c.kommune} {c.sex} {c.age} {c.stage}"


def describe(
    cells: list[CellSpec],
    clusters: dict[str, tuple[str, ...]] | None = None,
    education: dict[tuple[str, str], tuple[int, int]] | None = None,
) -> Table:
    """The release of write_publication as the engine is told it: cells, municipality,
    cluster and region totals, and (with education) each cluster's values by group, over the
    unpublished municipality × group counts, whose sum per municipality is its adult cells."""
    clusters = clusters or {}
    values: dict[str, Value] = {}
    sums: list[Sum] = []

    def add(key: str, persons: int, positive: int, cost: float, publishable: bool = True):
        primary = "primary" if publishable and small(persons, positive) else None
        values[key] = Value(key, persons, positive, cost, primary, publishable)

    for c in cells:
        add(cell_key(c), c.persons, c.positive, c.persons)
    kommuner = sorted({c.kommune for c in cells})
    for k in kommuner:
        own = [c for c in cells if c.kommune == k]
        n = sum(c.persons for c in own)
        add(f"municipality {k}", n, sum(c.positive for c in own), 1e6 + n)
        sums.append(Sum(f"municipality {k}", tuple(cell_key(c) for c in own)))
    geographies = {f"cluster {name}": members for name, members in clusters.items()}
    geographies["region r"] = tuple(kommuner)
    for label, members in geographies.items():
        own = [c for c in cells if c.kommune in members]
        n = sum(c.persons for c in own)
        cost = (1e8 if label.startswith("region") else 1e7) + n
        add(label, n, sum(c.positive for c in own), cost)
        sums.append(Sum(label, tuple(f"municipality {k}" for k in members)))
    if education:
        groups = sorted({g for _, g in education})
        for k in kommuner:
            adults = [c for c in cells if c.kommune == k and c.age in ADULT_AGES]
            add(
                f"adults {k}",
                sum(c.persons for c in adults),
                sum(c.positive for c in adults),
                0,
                publishable=False,
            )
            sums.append(Sum(f"adults {k}", tuple(cell_key(c) for c in adults)))
            for g in groups:
                add(f"group {k} {g}", *education[(k, g)], 0, publishable=False)
            sums.append(Sum(f"adults {k}", tuple(f"group {k} {g}" for g in groups)))
        for name, members in clusters.items():
            for g in groups:
                n = sum(education[(k, g)][0] for k in members)
                positive = sum(education[(k, g)][1] for k in members)
                add(f"cluster {name} cell of {g}", n, positive, 1e7 + n)
                sums.append(
                    Sum(f"cluster {name} cell of {g}", tuple(f"group {k} {g}" for k in members))
                )
    return Table(values, sums)


def release(
    path: Path,
    cells: list[CellSpec],
    codes: dict[str, str],
    clusters: dict[str, tuple[str, ...]] | None = None,
    education: dict[tuple[str, str], tuple[int, int]] | None = None,
) -> AuditResult:
    """The engine's codes written as a release with one published code, and its audit."""
    shown = [
        CellSpec(c.kommune, c.sex, c.age, c.persons, c.positive,
                 DISCLOSURE_CONTROL if cell_key(c) in codes else None, c.stage)
        for c in cells
    ]  # fmt: skip
    totals = frozenset(k for k in codes if k.startswith(("municipality ", "cluster ", "region ")))
    withheld_education = frozenset(
        (k.split()[1], k.rsplit(" ", 1)[1]) for k in codes if " cell of " in k
    )
    publication = write_publication(
        path,
        shown,
        clusters,
        frozenset(t for t in totals if " cell of " not in t),
        education,
        withheld_education,
    )
    with duckdb.connect(str(publication), read_only=True) as conn:
        return audit_connection(conn, RULE)


def primaries_only(table: Table) -> Protection:
    return Protection(
        codes={k: v.primary for k, v in table.values.items() if v.primary and v.persons > 0}
    )


HOLSTEBRO = [
    CellSpec("661", "2", "00-15", 40, 5, None, "udskoling"),
    CellSpec("661", "1", "00-15", 30, 0, None, "udskoling"),
    CellSpec("661", "2", "00-15", 35, 0, None, "indskoling"),
    CellSpec("661", "1", "00-15", 30, 3, None, "indskoling"),
]


def test_holstebro_the_engine_gives_a_small_numerator_room(tmp_path: Path) -> None:
    """Numerator 8: the three cells the rule withholds hold 0 + 0 + 3, so with the girls'
    udskoling cell (5) published the boys' indskoling numerator lies in [0, 3] and cannot reach
    4. Their partners in the municipality's numerator can give up nothing (0 and 0): the one
    published cell must go too. Then the four numerators add up to 8: [0, 8]."""
    table = describe(HOLSTEBRO)
    assert not release(tmp_path / "off.duckdb", HOLSTEBRO, primaries_only(table).codes).passed
    protection = protect(table, RULE)
    assert set(protection.codes) == {cell_key(c) for c in HOLSTEBRO}
    assert protection.codes["cell 661 2 00-15 udskoling"] == "complement"
    assert release(tmp_path / "on.duckdb", HOLSTEBRO, protection.codes).passed


def test_hoeje_taastrup_a_lone_cell_takes_the_smallest_published_cell_of_its_total(
    tmp_path: Path,
) -> None:
    """The boys' indskoling numerator 0 is the only count under 5. Alone, it is the total's 15
    minus the published 5 + 5 + 5. The smallest published cells hold 20 persons (the two
    udskoling cells; the boys' comes first by its key): withheld, the two numerators add up to
    0 + 5, and the boys' lies in [0, 5], covering [0, 1]."""
    cells = [
        CellSpec("169", "1", "00-15", 20, 0, None, "indskoling"),
        CellSpec("169", "2", "00-15", 25, 5, None, "indskoling"),
        CellSpec("169", "1", "00-15", 20, 5, None, "udskoling"),
        CellSpec("169", "2", "00-15", 20, 5, None, "udskoling"),
    ]
    table = describe(cells)
    assert not release(tmp_path / "off.duckdb", cells, primaries_only(table).codes).passed
    protection = protect(table, RULE)
    assert protection.codes == {
        "cell 169 1 00-15 indskoling": "primary",
        "cell 169 1 00-15 udskoling": "complement",
    }
    assert release(tmp_path / "on.duckdb", cells, protection.codes).passed


def test_a_municipality_in_two_clusters_takes_a_cluster_total_as_its_complement(
    tmp_path: Path,
) -> None:
    """V is in north and south: north + south - region = V, whichever municipalities are
    withheld beside it, so no municipality can protect it - one of the three totals must go.
    The room rule first pairs V with the smallest municipality of each cluster (B in north, C
    in south; each with its one cell). Then the programs find V still exact, try the cheaper
    municipalities A and D in vain, and withhold the north cluster: V + C = 33 from south, and V
    lies in [1, 32]. The region (dearer) stays published."""
    clusters = {"north": ("A", "B", "V"), "south": ("V", "C", "D")}
    cells = [
        CellSpec("A", "1", "25-34", 40, 20),
        CellSpec("B", "1", "25-34", 30, 10),
        CellSpec("V", "1", "25-34", 3, 1),
        CellSpec("C", "1", "25-34", 30, 15),
        CellSpec("D", "1", "25-34", 50, 25),
    ]
    table = describe(cells, clusters)
    room_only = protect(table, RULE, use_programs=False)
    assert {"municipality B", "municipality C"} <= set(room_only.codes)
    assert not release(tmp_path / "room.duckdb", cells, room_only.codes, clusters).passed
    protection = protect(table, RULE)
    withheld = set(protection.codes)
    assert "cluster north" in withheld
    assert "cluster south" not in withheld and "region r" not in withheld
    assert protection.by_programs == 1
    assert release(tmp_path / "on.duckdb", cells, protection.codes, clusters).passed


def test_the_cells_and_the_values_by_education_are_protected_as_one_system(
    tmp_path: Path,
) -> None:
    """a's 25-34 men (3 persons) are the one small cell. The room rule pairs them with a's
    smallest published cell, its 16-24 men (20). But X's groups add up to the adults of a and
    b, b's cells are published, and so are a's 25-34 women: 3 = (g1 + g2) - 60 - 30. b's men
    (25) would free b's adults only with b's women (35) as well - alone they are b's total
    minus b's women - so the cheapest complement that protects is a's 25-34 women (30): then
    a's adult cells hold 93 - 60 = 33 between them, and the men lie in [1, 32]."""
    cells = [
        CellSpec("a", "1", "16-24", 20, 10),
        CellSpec("a", "1", "25-34", 3, 1),
        CellSpec("a", "2", "25-34", 30, 12),
        CellSpec("b", "1", "25-34", 25, 10),
        CellSpec("b", "2", "25-34", 35, 20),
    ]
    clusters = {"X": ("a", "b")}
    education = {("a", "g1"): (13, 6), ("a", "g2"): (20, 7), ("b", "g1"): (30, 15),
                 ("b", "g2"): (30, 15)}  # fmt: skip
    table = describe(cells, clusters, education)
    room_only = protect(table, RULE, use_programs=False)
    assert set(room_only.codes) == {"cell a 1 25-34 all", "cell a 1 16-24 all"}
    assert not release(tmp_path / "room.duckdb", cells, room_only.codes, clusters, education).passed
    protection = protect(table, RULE)
    assert set(protection.codes) == {
        "cell a 1 25-34 all",
        "cell a 1 16-24 all",
        "cell a 2 25-34 all",
    }
    assert release(tmp_path / "on.duckdb", cells, protection.codes, clusters, education).passed


# --- random tables ----------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn):
    """3-5 municipalities of 1-3 cells (0-40 persons, some under 5), up to three clusters that
    may overlap, a region over all, and sometimes values by education for the clusters."""
    kommuner = [f"k{i}" for i in range(draw(st.integers(3, 5)))]
    ages = ["16-24", "25-34", "35-44"]
    cells = []
    for k in kommuner:
        for age in ages[: draw(st.integers(1, 3))]:
            persons = draw(st.one_of(st.integers(0, 6), st.integers(10, 40)))
            positive = draw(st.integers(0, persons))
            cells.append(CellSpec(k, "1", age, persons, positive))
    clusters = {}
    for name in ("n", "s", "w")[: draw(st.integers(0, 3))]:
        members = draw(st.sets(st.sampled_from(kommuner), min_size=2, max_size=len(kommuner)))
        clusters[name] = tuple(sorted(members))
    education = None
    if clusters and draw(st.booleans()):
        education = {}
        for k in kommuner:
            adults = [c for c in cells if c.kommune == k and c.age in ADULT_AGES]
            n, positive = sum(c.persons for c in adults), sum(c.positive for c in adults)
            first_n = draw(st.integers(0, n))
            first_positive = draw(
                st.integers(max(0, positive - (n - first_n)), min(positive, first_n))
            )
            education[(k, "g1")] = (first_n, first_positive)
            education[(k, "g2")] = (n - first_n, positive - first_positive)
    return cells, clusters, education


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tables())
def test_after_the_engine_the_audit_finds_every_small_count_protected(
    tmp_path: Path, table
) -> None:
    cells, clusters, education = table
    protection = protect(describe(cells, clusters, education), RULE)
    path = tmp_path / "release.duckdb"
    path.unlink(missing_ok=True)
    result = release(path, cells, protection.codes, clusters, education)
    assert result.passed, [f.describe() for f in result.findings[:3]] + result.contradictions


def test_a_lone_small_cell_is_found_without_the_engine_and_protected_with_it(
    tmp_path: Path,
) -> None:
    """The guard the property relies on: primaries alone leave a lone withheld cell that the
    audit finds; the engine's complement protects it."""
    cells = [CellSpec("k1", "1", "25-34", 3, 1), CellSpec("k1", "2", "25-34", 30, 10),
             CellSpec("k2", "1", "25-34", 20, 10)]  # fmt: skip
    table = describe(cells)
    found = release(tmp_path / "off.duckdb", cells, primaries_only(table).codes)
    assert {f.count for f in found.findings} >= {3, 1, 2}
    assert release(tmp_path / "on.duckdb", cells, protect(table, RULE).codes).passed


def test_withheld_values_that_add_up_to_a_third_bound_it_only_by_the_rule(
    tmp_path: Path,
) -> None:
    """X = {a} and Y = {b} each hold one person of group g1, Z = {a, b} holds two: all three
    are under 5 and withheld. A zero is published as "no data", so X and Y each hold at least
    one person, and Z, their sum, at least two: its lower end is its true count, below the
    required 2 - 1 = 1. No complement can widen that, and none needs to: the bound is the
    rule's own (what publishing zeros costs), so the lower end counts only what the published
    figures give, and here they give nothing (both municipalities' groups are free within
    their adults, 42 and 50)."""
    cells = [
        CellSpec("a", "1", "25-34", 20, 10),
        CellSpec("a", "2", "25-34", 22, 11),
        CellSpec("b", "1", "25-34", 24, 12),
        CellSpec("b", "2", "25-34", 26, 13),
    ]
    clusters = {"X": ("a",), "Y": ("b",), "Z": ("a", "b")}
    education = {("a", "g1"): (1, 0), ("a", "g2"): (41, 21), ("b", "g1"): (1, 0),
                 ("b", "g2"): (49, 25)}  # fmt: skip
    protection = protect(describe(cells, clusters, education), RULE)
    for cluster in clusters:
        assert protection.codes[f"cluster {cluster} cell of g1"] == "primary"
    assert release(tmp_path / "on.duckdb", cells, protection.codes, clusters, education).passed
