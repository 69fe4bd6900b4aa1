"""The disclosure audit: how far can an attacker narrow each small count from what is published?

Suppression (dbt/macros/disclosure.sql and the suppression models) is designed to protect every
small count; this audit does not trust it. It runs the audit statistical offices run on the
tables they protect (τ-ARGUS, sdcTable, GaussSuppression): for each indicator × year it writes
down, as one linear system, everything the published release tells an attacker -

* every published cell (municipality × sex × age band × school stage) and every published
  municipality, cluster, region and Denmark total, each an equation over the hidden cells;
* every published value by education (cluster, region, Denmark × education group), an
  equation over the unknown municipality × group counts, and the link between the tables: a
  municipality's groups add up to its cells aged 25 and over;
* non-negativity, and what the published suppression codes say: "no data" is zero, a cell or a
  value by education withheld for disclosure control holds at least one person;

and solves, for each sensitive count (a hidden count under the threshold), the minimum and the
maximum the system allows (feasibility.py). A sensitive count a is protected when its interval
[L, U], rounded to whole persons, covers [a − p, a + p] with p the protection level, clipped
below at what the rule itself reveals (0, or 1 person in a withheld cell). L is the minimum over
the published figures with only non-negativity: the rule's floors bound nothing from below but
what the rule itself says (protection_intervals). Every unprotected
count is reported with its interval and the published figures that bound it.

The audit reads the release from the build database before it is published: the marts as a
reader will see them, and the true counts of the hidden cells from the intermediate models, which
it needs to say whether an interval covers the truth.
"""

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.quality.feasibility import (
    FeasiblePoint,
    InconsistentSystemError,
    Interval,
    LinearSystem,
    protection_intervals,
)
from dagster_project.settings import Settings

# The published suppression codes (dbt/macros/disclosure.sql renders notes from them).
NO_DATA = "no_data"
PUBLISHER_BLANKED = "publisher_blanked"
DISCLOSURE_CONTROL = "disclosure_control"
PUBLISHED_CODES = {NO_DATA, PUBLISHER_BLANKED, DISCLOSURE_CONTROL}


@dataclass(frozen=True)
class Finding:
    """A sensitive count the published figures narrow too far."""

    indicator_code: str
    year: int
    quantity: str
    count: int
    interval: Interval
    required: tuple[int, int]

    @property
    def bound_by(self) -> tuple[str, ...]:
        lower_short = self.interval.lower > self.required[0]
        names = (self.interval.bound_below_by if lower_short else ()) + (
            self.interval.bound_above_by if self.interval.upper < self.required[1] else ()
        )
        return tuple(dict.fromkeys(names)) or ("the bounds the notes give",)

    def describe(self) -> str:
        by = ", ".join(self.bound_by[:6])
        more = len(self.bound_by) - 6
        by += f" and {more} more" if more > 0 else ""
        return (
            f"{self.indicator_code} {self.year}: {self.quantity} = {self.count} lies in "
            f"{self.interval.describe()}, which does not cover "
            f"[{self.required[0]}, {self.required[1]}]; bound by {by}"
        )


@dataclass
class AuditResult:
    indicator_years: int = 0
    sensitive_counts: int = 0
    linear_programs: int = 0
    findings: list[Finding] = field(default_factory=list)
    # Indicator-years whose published figures contradict each other:
    # no interval can be given for them, so they fail the audit too.
    contradictions: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings and not self.contradictions


# --- the tables as the attacker sees them -------------------------------------------------


@dataclass
class Cell:
    """A cell of a published table: what is published of it, and its true counts."""

    label: str
    kommune_kode: str
    persons: int  # true unweighted persons
    positive: int | None  # true persons counted in the numerator (count statistics only)
    code: str | None  # published suppression code; None when published
    published_persons: float | None = None
    published_positive: float | None = None
    is_adult: bool = False

    @property
    def is_hidden(self) -> bool:
        return self.code is not None and self.code != NO_DATA


@dataclass
class Total:
    """A published or withheld total over municipalities (a municipality is one of them)."""

    label: str
    members: frozenset[str]
    code: str | None
    persons: float | None  # published values, None when withheld
    positive: float | None


@dataclass
class EducationCell:
    """A geography × education group cell (published) and the municipalities it adds up."""

    label: str
    group: str
    members: frozenset[str]
    code: str | None
    persons: float | None
    positive: float | None


@dataclass
class IndicatorYear:
    """One attacker's system: the tables of one indicator in one year."""

    indicator_code: str
    year: int
    counts_positive: bool  # the numerator is a count of persons (not a weighted sum)
    cells: list[Cell] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    education: list[EducationCell] = field(default_factory=list)
    # True counts per (municipality, group): never published, each a sensitive count of its own.
    education_truth: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    # Whether the groups add up to whole age bands of cells (the education age starts a band).
    education_linked: bool = True


@dataclass(frozen=True)
class Target:
    """A sensitive count as the attacker sees it: constant + Σ coefficient · variable."""

    label: str
    count: int
    persons: int
    floor: int
    expression: dict[int, float]
    constant: float = 0.0
    # Directions that raise the expression by one and change no published figure: exchanges
    # with counts every published total treats alike (FeasiblePoint tries them first).
    exchanges: Callable[[], Iterable[dict[int, float]]] = tuple


def _describe_system(
    entry: IndicatorYear, rule: ProtectionRule
) -> tuple[LinearSystem, list[float], list[Target], list[object]]:
    """The linear system of one indicator-year, the sensitive targets and their symmetry keys."""
    system = LinearSystem()
    truth: list[float] = []  # the true counts, a point that satisfies the whole system
    measures = ("persons", "positive") if entry.counts_positive else ("persons",)
    # Variables per hidden cell: persons, and positive (≤ persons) for count statistics.
    variables: dict[int, dict[str, int]] = {}
    for index, cell in enumerate(entry.cells):
        if not cell.is_hidden:
            continue
        withheld = cell.code == DISCLOSURE_CONTROL
        ids = {"persons": system.variable(f"{cell.label} persons", 1.0 if withheld else 0.0)}
        truth.append(float(cell.persons))
        if entry.counts_positive:
            ids["positive"] = system.variable(f"{cell.label} positive")
            truth.append(float(cell.positive))
            system.constraint(
                f"{cell.label}: numerator within denominator",
                {ids["positive"]: 1.0, ids["persons"]: -1.0},
                -float("inf"),
                0.0,
            )
        variables[index] = ids

    by_kommune: dict[str, list[int]] = defaultdict(list)
    for index, cell in enumerate(entry.cells):
        by_kommune[cell.kommune_kode].append(index)
    published_municipality: dict[str, Total] = {
        next(iter(t.members)): t
        for t in entry.totals
        if t.label.startswith("municipality ") and t.persons is not None
    }

    def known(cell: Cell, measure: str) -> float:
        if cell.code == NO_DATA:
            return 0.0
        return cell.published_persons if measure == "persons" else cell.published_positive

    for total in entry.totals:
        if total.persons is None:
            continue
        is_municipality = total.label.startswith("municipality ")
        for measure in measures:
            value = total.persons if measure == "persons" else total.positive
            coefficients: dict[int, float] = {}
            rest = value
            for kommune in sorted(total.members):
                # A published municipality total stands for its cells in every larger total.
                if not is_municipality and kommune in published_municipality:
                    part = published_municipality[kommune]
                    rest -= part.persons if measure == "persons" else part.positive
                    continue
                for index in by_kommune.get(kommune, []):
                    if index in variables:
                        coefficients[variables[index][measure]] = 1.0
                    else:
                        rest -= known(entry.cells[index], measure)
            system.equation(f"{total.label} {measure}", coefficients, rest)

    # Values by education: unknown municipality × group counts, linked to the adult cells.
    education_vars: dict[tuple[str, str], dict[str, int]] = {}
    education_groups: list[str] = []
    if entry.education:
        groups = education_groups = sorted({e.group for e in entry.education})
        kommuner = sorted({k for e in entry.education for k in e.members})
        for kommune in kommuner:
            for group in groups:
                education_vars[(kommune, group)] = {
                    m: system.variable(f"municipality {kommune} {group} {m}") for m in measures
                }
                persons, positive = entry.education_truth.get((kommune, group), (0, 0))
                truth.extend([float(persons), float(positive)][: len(measures)])
                if entry.counts_positive:
                    ids = education_vars[(kommune, group)]
                    system.constraint(
                        f"municipality {kommune} {group}: numerator within denominator",
                        {ids["positive"]: 1.0, ids["persons"]: -1.0},
                        -float("inf"),
                        0.0,
                    )
            for measure in measures if entry.education_linked else ():
                coefficients = {education_vars[(kommune, g)][measure]: 1.0 for g in groups}
                rest = 0.0
                for index in by_kommune.get(kommune, []):
                    cell = entry.cells[index]
                    if not cell.is_adult:
                        continue
                    if index in variables:
                        coefficients[variables[index][measure]] = -1.0
                    else:
                        rest += known(cell, measure)
                system.equation(
                    f"municipality {kommune}: education groups = its adult cells ({measure})",
                    coefficients,
                    rest,
                )
        for cell in entry.education:
            if cell.code == DISCLOSURE_CONTROL:
                # A zero is published as "no data", so a withheld value holds a person.
                system.floor(
                    f"{cell.label}: withheld, so at least one person",
                    {education_vars[(k, cell.group)]["persons"]: 1.0 for k in cell.members},
                    1.0,
                )
            if cell.code is not None and cell.code != NO_DATA:
                continue
            for measure in measures:
                value = 0.0 if cell.code == NO_DATA else getattr(cell, measure)
                system.equation(
                    f"{cell.label} {measure}",
                    {education_vars[(k, cell.group)][measure]: 1.0 for k in cell.members},
                    value,
                )

    # The sensitive counts: a description, the true count and persons, the expression over
    # the variables and its published constant part; and a symmetry key.
    targets: list[Target] = []
    keys: list[object] = []

    def add(
        label: str,
        count: int,
        persons: int,
        expression: dict[int, float],
        constant: float = 0.0,
        key: object = None,
        exchanges: Callable[[], Iterable[dict[int, float]]] = tuple,
    ) -> None:
        if not rule.is_sensitive(count, persons):
            return
        # What the rule itself says of it (a withheld cell holds a person), without any total.
        floor = constant + sum(
            c * (system.lower[v] if c > 0 else system.upper[v]) for v, c in expression.items()
        )
        floor = max(0, int(floor)) if floor > -float("inf") else 0
        targets.append(Target(label, count, persons, floor, expression, constant, exchanges))
        keys.append(key)

    # Withheld cells of one municipality that every total treats alike (all or none aged 25+).
    twins_of: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for index in variables:
        cell = entry.cells[index]
        if cell.code == DISCLOSURE_CONTROL:
            twins_of[(cell.kommune_kode, cell.is_adult)].append(index)

    for index, ids in variables.items():
        cell = entry.cells[index]
        if cell.code != DISCLOSURE_CONTROL:
            continue  # a blanked cell's truth is unknown here too
        # Cells of one municipality with the same rows and bounds have the same interval.
        shape = (cell.kommune_kode, cell.is_adult)
        twins = [variables[i] for i in twins_of[shape] if i != index]

        def swaps(measure: str, ids: dict[str, int] = ids, twins: list = twins) -> Callable:
            return lambda: ({ids[measure]: 1.0, twin[measure]: -1.0} for twin in twins)

        def either(first: Callable, second: Callable) -> Callable:
            return lambda: (*first(), *({v: -c for v, c in m.items()} for m in second()))

        n = cell.persons
        expression = {ids["persons"]: 1.0}
        add(f"{cell.label} persons", n, n, expression, key=("p", shape), exchanges=swaps("persons"))
        if entry.counts_positive:
            add(
                f"{cell.label} numerator",
                cell.positive,
                n,
                {ids["positive"]: 1.0},
                key=("n", shape),
                exchanges=swaps("positive"),
            )
            add(
                f"{cell.label} persons outside the numerator",
                n - cell.positive,
                n,
                {ids["persons"]: 1.0, ids["positive"]: -1.0},
                key=("d", shape),
                exchanges=either(swaps("persons"), swaps("positive")),
            )

    def sum_over(indices: list[int], measure: str) -> tuple[dict[int, float], float]:
        expression = {variables[i][measure]: 1.0 for i in indices if i in variables}
        constant = sum(known(entry.cells[i], measure) for i in indices if i not in variables)
        return expression, constant

    for total in entry.totals:
        if total.persons is not None or total.code != DISCLOSURE_CONTROL:
            continue
        members = [i for k in sorted(total.members) for i in by_kommune.get(k, [])]
        if any(entry.cells[i].code == PUBLISHER_BLANKED for i in members):
            continue  # its truth is unknown here too
        n = sum(entry.cells[i].persons for i in members)
        expression_p, constant_p = sum_over(members, "persons")
        add(f"the {total.label} total persons", n, n, expression_p, constant_p)
        if entry.counts_positive:
            positive = sum(entry.cells[i].positive for i in members)
            expression_n, constant_n = sum_over(members, "positive")
            add(f"the {total.label} total numerator", positive, n, expression_n, constant_n)
            add(
                f"the {total.label} total persons outside the numerator",
                n - positive,
                n,
                expression_p | {v: -1.0 for v in expression_n},
                constant_p - constant_n,
            )

    # Municipalities in the same published education geographies: four-way exchanges between
    # two of them and two groups change no published value by education and no municipality's
    # sum over its groups.
    education_signature: dict[str, frozenset[str]] = defaultdict(frozenset)
    for cell in entry.education:
        for kommune in cell.members:
            education_signature[kommune] = education_signature[kommune] | {cell.label}
    alike: dict[frozenset[str], list[str]] = defaultdict(list)
    for kommune in sorted({k for k, _ in education_vars}):
        alike[education_signature[kommune]].append(kommune)

    def cycles(pair: tuple[str, str] | None, measure: str) -> Callable:
        if pair is None:
            return tuple
        kommune, group = pair

        which = 1 if measure == "positive" else 0

        def held(pair: tuple[str, str]) -> int:
            return entry.education_truth.get(pair, (0, 0))[which]

        def moves() -> Iterator[dict[int, float]]:
            # The partners holding the most first: they are the ones that can give persons up.
            others = sorted(alike[education_signature[kommune]], key=lambda k: -held((k, group)))
            seconds = sorted(education_groups, key=lambda g: -held((kommune, g)))
            for other in others:
                if other == kommune:
                    continue
                for second in seconds:
                    if second != group:
                        yield {
                            education_vars[(kommune, group)][measure]: 1.0,
                            education_vars[(kommune, second)][measure]: -1.0,
                            education_vars[(other, group)][measure]: -1.0,
                            education_vars[(other, second)][measure]: 1.0,
                        }

        return moves

    def education_counts(label: str, pairs: list[tuple[str, str]]) -> None:
        truths = [entry.education_truth.get(pair, (0, 0)) for pair in pairs]
        n, positive = sum(t[0] for t in truths), sum(t[1] for t in truths)
        single = pairs[0] if len(pairs) == 1 else None
        expression_p = {education_vars[pair]["persons"]: 1.0 for pair in pairs}
        add(
            f"{label} persons",
            n,
            n,
            expression_p,
            exchanges=cycles(single, "persons"),
        )
        if entry.counts_positive:
            expression_n = {education_vars[pair]["positive"]: 1.0 for pair in pairs}
            add(
                f"{label} numerator",
                positive,
                n,
                expression_n,
                exchanges=cycles(single, "positive"),
            )
            add(
                f"{label} persons outside the numerator",
                n - positive,
                n,
                expression_p | {v: -1.0 for v in expression_n},
                exchanges=cycles(single, "persons"),
            )

    for kommune, group in education_vars:
        education_counts(f"municipality {kommune}'s value for {group}", [(kommune, group)])
    for cell in entry.education:
        if cell.code == DISCLOSURE_CONTROL:
            education_counts(f"the {cell.label}", [(k, cell.group) for k in sorted(cell.members)])
    return system, truth, targets, keys


_MOST_EXCHANGES = 24


def _exchanged(point: FeasiblePoint, target: Target, rule: ProtectionRule) -> tuple[bool, bool]:
    """Which ends of the protection interval exchanges from the true counts alone reach:
    (down to a - p, up to a + p). Downwards the rule's floors do not count."""
    if not point.is_feasible:
        return False, False
    low, high = rule.required(target.count, target.floor)
    up, down = high - target.count, target.count - low

    def reaches(steps: int, floors: bool) -> bool:
        # The likeliest moves come first; past the first few the linear program is cheaper.
        moves = itertools.islice(target.exchanges(), _MOST_EXCHANGES)
        return steps == 0 or any(
            point.allows({v: steps * c for v, c in move.items()}, floors) for move in moves
        )

    return reaches(-down, floors=False), reaches(up, floors=True)


def _covers(solved: Interval, target: Target, rule: ProtectionRule) -> bool:
    return Interval(solved.lower + target.constant, solved.upper + target.constant).covers(
        *rule.required(target.count, target.floor)
    )


def audit_indicator_year(entry: IndicatorYear, rule: ProtectionRule) -> tuple[int, int, list]:
    """(sensitive counts, linear programs solved, findings) of one indicator-year."""
    system, truth, targets, keys = _describe_system(entry, rule)
    point = FeasiblePoint(system, truth)
    sensitive = [
        (target, key)
        for target, key in zip(targets, keys, strict=True)
        if rule.is_sensitive(target.count, target.persons)
    ]
    counted = len(sensitive)
    # Exchanges prove most ends; the linear programs solve the rest, each symmetry class once.
    reached = [_exchanged(point, target, rule) for target, _ in sensitive]
    sensitive = [(t, k, r) for (t, k), r in zip(sensitive, reached, strict=True) if not all(r)]
    first_of: dict[object, int] = {}
    expressions: list[dict[int, float]] = []
    sides: list[tuple[bool, bool]] = []
    slot: list[int] = []
    for target, key, (low_reached, high_reached) in sensitive:
        need = (not low_reached, not high_reached)
        if key is None or key not in first_of:
            expressions.append(target.expression)
            sides.append(need)
            if key is not None:
                first_of[key] = len(expressions) - 1
        else:
            index = first_of[key]
            sides[index] = (sides[index][0] or need[0], sides[index][1] or need[1])
        slot.append(first_of[key] if key is not None else len(expressions) - 1)
    intervals = protection_intervals(system, expressions, sides=sides)
    findings = []
    for (target, _key, _reached), index in zip(sensitive, slot, strict=True):
        solved = intervals[index]
        if not _covers(solved, target, rule):
            # Solved again, to name the published figures that bind it.
            (solved,) = protection_intervals(system, [target.expression], explain=True)
        interval = Interval(
            solved.lower + target.constant,
            solved.upper + target.constant,
            solved.bound_below_by,
            solved.bound_above_by,
        )
        required = rule.required(target.count, target.floor)
        if not interval.covers(*required):
            findings.append(
                Finding(
                    entry.indicator_code, entry.year, target.label, target.count, interval, required
                )
            )
    return counted, sum(map(sum, sides)), findings


# --- reading the release --------------------------------------------------------------------


def geography_members(conn: duckdb.DuckDBPyConnection, schema: str) -> dict:
    """{(level, code): [kommune_kode, ...]} for every published geography: municipalities,
    today's clusters (Vejen in two), regions and Denmark."""
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    countries = conn.execute(
        f"select distinct geography_code from {schema}.mart_indicator_region_year "
        "where geography_level = 'country'"
    ).fetchall()
    for kommune, region in conn.execute(
        f"select kommune_kode, region_code from {schema}.dim_municipality order by 1"
    ).fetchall():
        members[("region", region)].append(kommune)
        for (country,) in countries:
            members[("country", country)].append(kommune)
        members[("municipality", kommune)].append(kommune)
    for cluster, kommune in conn.execute(
        f"select cluster_code, kommune_kode from {schema}.dim_cluster_membership "
        "where is_current order by 1, 2"
    ).fetchall():
        members[("cluster", cluster)].append(kommune)
    return members


def _table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _code(suppressed: bool, code: str | None, where: str) -> str | None:
    if not suppressed:
        return None
    if code not in PUBLISHED_CODES:
        # A code the audit does not know may reveal anything: refuse rather than guess.
        raise ValueError(f"{where}: unknown published suppression code {code!r}")
    return code


def read_release(
    conn: duckdb.DuckDBPyConnection,
    published: str = "marts",
    build: str = "intermediate",
    education_min_age: int = 25,
) -> list[IndicatorYear]:
    """Every indicator-year's tables: the marts in schema published as a reader sees them,
    the true counts of their cells from schema build. A cell is adult when its age band starts
    at education_min_age or later."""
    members = geography_members(conn, published)
    statistics = dict(
        conn.execute(f"select indicator_code, statistic from {published}.dim_indicator").fetchall()
    )
    entries: dict[tuple[str, int], IndicatorYear] = {}

    def entry(indicator: str, year: int) -> IndicatorYear:
        key = (indicator, year)
        if key not in entries:
            counts = statistics.get(indicator) == "register_share"
            entries[key] = IndicatorYear(indicator, year, counts)
        return entries[key]

    cells = conn.execute(
        f"""
        select
            published.indicator_code, published.year, published.kommune_kode,
            published.sex_code, published.age_band_code, published.school_stage_code,
            published.is_suppressed, published.suppression_code,
            published.n_unweighted, published.numerator,
            truth.n_persons, truth.n_positive, bands.age_min
        from {published}.fct_indicator_observation as published
        inner join {build}.int_indicators__cells as truth
            using (indicator_code, year, kommune_kode, sex_code, age_band_code, school_stage_code)
        inner join {published}.dim_age_band as bands
            on published.age_band_code = bands.age_band_code
        order by 1, 2, 3, 4, 5, 6
        """
    ).fetchall()
    # The groups add up to the adult cells only where the age starts a band.
    linked = education_min_age in {row[-1] for row in cells}
    for (indicator, year, kommune, sex, age, stage, suppressed, code, n, numerator,
         true_n, true_positive, age_min) in cells:  # fmt: skip
        label = f"the cell of municipality {kommune} (sex {sex}, age {age}, {stage})"
        item = entry(indicator, year)
        item.cells.append(
            Cell(
                label=label,
                kommune_kode=kommune,
                persons=int(true_n or 0),
                positive=int(true_positive or 0) if item.counts_positive else None,
                code=_code(suppressed, code, label),
                published_persons=None if suppressed else float(n),
                published_positive=None if suppressed else float(numerator or 0),
                is_adult=age_min >= education_min_age,
            )
        )

    for item in entries.values():
        item.education_linked = linked

    totals = f"""
        select 'municipality', kommune_kode, indicator_code, year, is_suppressed,
            suppression_code, n_unweighted, numerator
        from {published}.mart_indicator_municipality_year
        union all
        select 'cluster', cluster_code, indicator_code, year, is_suppressed, suppression_code,
            n_unweighted, numerator
        from {published}.mart_indicator_cluster_year
        union all
        select geography_level, geography_code, indicator_code, year, is_suppressed,
            suppression_code, n_unweighted, numerator
        from {published}.mart_indicator_region_year
        order by 3, 4, 1, 2
    """
    for level, code, indicator, year, suppressed, suppression, n, numerator in conn.execute(
        totals
    ).fetchall():
        if (indicator, year) not in entries:
            continue  # an indicator-year without cells (published estimates) hides no count
        label = f"{level} {code}"
        item = entries[(indicator, year)]
        published_value = not suppressed and n is not None
        item.totals.append(
            Total(
                label=label,
                members=frozenset(members.get((level, code), ())),
                code=_code(suppressed, suppression, f"{indicator} {year} {label}"),
                persons=float(n) if published_value else None,
                positive=float(numerator or 0) if published_value else None,
            )
        )

    if _table_exists(conn, published, "mart_indicator_education_year"):
        _read_education(conn, published, build, members, entries)
    return [entries[key] for key in sorted(entries)]


def _read_education(conn, published: str, build: str, members: dict, entries: dict) -> None:
    rows = conn.execute(
        f"""
        select indicator_code, year, geography_level, geography_code, education_group,
            is_suppressed, suppression_code, n_unweighted, numerator
        from {published}.mart_indicator_education_year
        order by 1, 2, 3, 4, 5
        """
    ).fetchall()
    for indicator, year, level, code, group, suppressed, suppression, n, numerator in rows:
        if (indicator, year) not in entries:
            continue
        label = f"{level} {code} cell of {group}"
        item = entries[(indicator, year)]
        item.education.append(
            EducationCell(
                label=label,
                group=group,
                members=frozenset(members.get((level, code), ())),
                code=_code(suppressed, suppression, f"{indicator} {year} {label}"),
                persons=None if suppressed else float(n),
                positive=None if suppressed else float(numerator or 0),
            )
        )
    truth_models = [
        name
        for name in ("int_sundhedsprofilen__education_cells", "int_labour__education_cells")
        if _table_exists(conn, build, name)
    ]
    for name in truth_models:
        for indicator, year, kommune, group, n, positive in conn.execute(
            f"select indicator_code, year, kommune_kode, education_group_code, n_persons, "
            f"n_positive from {build}.{name}"
        ).fetchall():
            if (indicator, year) in entries:
                entries[(indicator, year)].education_truth[(kommune, group)] = (
                    int(n or 0),
                    int(positive or 0),
                )


def audit_connection(
    conn: duckdb.DuckDBPyConnection,
    rule: ProtectionRule | None = None,
    published: str = "marts",
    build: str = "intermediate",
) -> AuditResult:
    rule = rule or ProtectionRule()
    result = AuditResult()
    for entry in read_release(conn, published, build, rule.education_min_age):
        try:
            sensitive, programs, findings = audit_indicator_year(entry, rule)
        except InconsistentSystemError as error:
            result.contradictions.append(f"{entry.indicator_code} {entry.year}: {error}")
            continue
        result.indicator_years += 1
        result.sensitive_counts += sensitive
        result.linear_programs += programs
        result.findings.extend(findings)
    return result


AUDITED_ASSET = AssetKey(["marts", "fct_indicator_observation"])
AUDIT_READS = [
    AssetKey(["marts", name])
    for name in (
        "mart_indicator_municipality_year",
        "mart_indicator_cluster_year",
        "mart_indicator_region_year",
        "mart_indicator_education_year",
        "dim_municipality",
        "dim_cluster_membership",
        "dim_indicator",
    )
]
DISCLOSURE_AUDIT_KEY = AssetCheckKey(AUDITED_ASSET, "disclosure_audit")


@asset_check(
    asset=AUDITED_ASSET,
    name=DISCLOSURE_AUDIT_KEY.name,
    additional_deps=AUDIT_READS,
    blocking=True,
    description=(
        "Feasibility-interval audit of the release about to be published: for every count "
        "under the threshold, the attacker's minimum and maximum over everything published "
        "must lie at least the protection level away from the true count. Blocks publication."
    ),
)
def disclosure_audit_check(
    context: AssetCheckExecutionContext, settings: Settings
) -> AssetCheckResult:
    rule = settings.protection_rule()
    with settings.connect(read_only=True) as conn:
        result = audit_connection(conn, rule)
    if result.contradictions:
        context.log.error("; ".join(result.contradictions[:5]))
    description = (
        f"every sensitive count is protected ({result.sensitive_counts:,} counts under "
        f"{rule.min_cell_count} in {result.indicator_years} indicator-years, protection level "
        f"{rule.protection_level})"
        if result.passed
        else f"{len(result.findings)} sensitive counts are narrowed below the protection "
        f"level; first: {result.findings[0].describe()}"
        if result.findings
        else f"the published figures contradict each other in {len(result.contradictions)} "
        f"indicator-years; first: {result.contradictions[0]}"
    )
    if not result.passed:
        context.log.error(description)
    return AssetCheckResult(
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR,
        description=description,
        metadata={
            "indicator_years": result.indicator_years,
            "sensitive_counts": result.sensitive_counts,
            "linear_programs": result.linear_programs,
            "protection_level": rule.protection_level,
            "findings": MetadataValue.json([f.describe() for f in result.findings[:50]]),
            "contradictions": MetadataValue.json(result.contradictions[:20]),
        },
    )
