"""The attacker's linear programs: the feasibility interval of every hidden count.

Statistical offices do not ask whether a suppressed count can be *computed* from what is
published (a row-space test); they ask how far it can be *narrowed*. With every published total,
non-negativity and whatever the notes say, the attacker solves two linear programs per hidden
count, its minimum and its maximum, and gets its feasibility interval [L, U]. τ-ARGUS, R's
sdcTable and Statistics Norway's GaussSuppression all audit their tables this way.

This module knows nothing of indicators or municipalities: a system is variables with bounds and
linear rows, and a target is a linear expression over the variables. The disclosure audit
(disclosure_audit.py) describes the published tables to it.

Two things keep it fast enough to run every night:
* a system is split into independent parts (variables that share no row) and one HiGHS model
  is built per part; a target spanning parts is the sum of its per-part extremes;
* between targets only the objective changes, so HiGHS starts each solve from the last basis.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

INF = math.inf
# Dual values below this are numerical noise, not a total that binds the bound.
_DUAL_TOLERANCE = 1e-9
# Counts are whole persons: an attacker rounds L up and U down, after this much slack.
_INTEGER_SLACK = 1e-6


class InconsistentSystemError(ValueError):
    """The published figures contradict each other: no value of the hidden counts fits them.

    That is a defect in how the tables were described to the audit (or in the tables), never a
    reason to pass: the audit refuses rather than reporting intervals of an empty set.
    """


@dataclass(frozen=True)
class Row:
    """lower <= Σ coefficient · variable <= upper, named for the published figure it comes from."""

    name: str
    coefficients: Mapping[int, float]
    lower: float
    upper: float
    # What the protection rule itself says (a withheld count holds a person), not a figure.
    is_floor: bool = False


@dataclass
class LinearSystem:
    """What an attacker knows about the hidden counts of one table (or several linked ones)."""

    names: list[str] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def variable(self, name: str, lower: float = 0.0, upper: float = INF) -> int:
        """A hidden count. Counts are never negative; a lower bound above zero is always the
        rule's own floor (a withheld count holds a person), which the minima of
        protection_intervals leave out."""
        self.names.append(name)
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.names) - 1

    def equation(self, name: str, coefficients: Mapping[int, float], value: float) -> None:
        """A published figure: the hidden part of a total equals what is left of it."""
        self.constraint(name, coefficients, value, value)

    def constraint(
        self,
        name: str,
        coefficients: Mapping[int, float],
        lower: float,
        upper: float,
        is_floor: bool = False,
    ) -> None:
        coefficients = {i: c for i, c in coefficients.items() if c}
        if coefficients:
            self.rows.append(Row(name, coefficients, lower, upper, is_floor))
        elif lower > 1e-6 or upper < -1e-6:
            raise InconsistentSystemError(f"{name}: nothing hidden is left, yet {lower}..{upper}")

    def floor(self, name: str, coefficients: Mapping[int, float], at_least: float) -> None:
        """The rule's own floor of a sum of hidden counts (a withheld value holds a person)."""
        self.constraint(name, coefficients, at_least, INF, is_floor=True)


@dataclass(frozen=True)
class Interval:
    """A target's feasibility interval, in whole units, and the rows that bind each end."""

    lower: float
    upper: float
    bound_below_by: tuple[str, ...] = ()
    bound_above_by: tuple[str, ...] = ()

    def covers(self, low: float, high: float) -> bool:
        return self.lower <= low and self.upper >= high

    def describe(self) -> str:
        upper = "∞" if math.isinf(self.upper) else f"{self.upper:g}"
        return f"[{self.lower:g}, {upper}]"


class _Part:
    """One independent part of a system as a HiGHS model, reused for every target in it."""

    def __init__(self, system: LinearSystem, variables: list[int], rows: list[int]) -> None:
        self.local = {v: i for i, v in enumerate(variables)}
        self.row_names = [system.rows[r].name for r in rows]
        self.is_floor = [system.rows[r].is_floor for r in rows]
        self.rows = list(rows)
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        # After an objective change the last basis is still feasible: primal simplex starts
        # from it, where presolve would throw it away.
        self.highs.setOptionValue("presolve", "off")
        self.highs.setOptionValue("simplex_strategy", 4)
        inf = highspy.kHighsInf
        lower = np.array([max(system.lower[v], -inf) for v in variables], dtype=np.float64)
        upper = np.array([min(system.upper[v], inf) for v in variables], dtype=np.float64)
        self.highs.addVars(len(variables), lower, upper)
        for r in rows:
            row = system.rows[r]
            indices = np.array([self.local[v] for v in row.coefficients], dtype=np.int32)
            values = np.array(list(row.coefficients.values()), dtype=np.float64)
            self.highs.addRow(
                max(row.lower, -inf), min(row.upper, inf), len(indices), indices, values
            )
        self.width = len(variables)
        self._costed: np.ndarray = np.zeros(0, dtype=np.int32)

    def set_floors(self, system: LinearSystem, on: bool) -> None:
        """The rule's floors on, or non-negativity instead, for the minima: the floors' bounds and
        floor rows freed."""
        floored = [v for v in self.local if system.lower[v] > 0]
        if floored:
            columns = np.array([self.local[v] for v in floored], dtype=np.int32)
            self.highs.changeColsBounds(
                len(columns),
                columns,
                np.array([system.lower[v] if on else 0.0 for v in floored], dtype=np.float64),
                np.array([min(system.upper[v], highspy.kHighsInf) for v in floored]),
            )
        rows = [i for i, f in enumerate(self.is_floor) if f]
        if rows:
            self.set_rows(system, rows, on)

    def set_rows(self, system: LinearSystem, rows: Sequence[int], on: bool) -> None:
        """Rows (the part's own numbers) as the system states them, or left out."""
        inf = highspy.kHighsInf
        lower = [max(system.rows[self.rows[r]].lower, -inf) if on else -inf for r in rows]
        upper = [min(system.rows[self.rows[r]].upper, inf) if on else inf for r in rows]
        self.highs.changeRowsBounds(
            len(rows),
            np.array(rows, dtype=np.int32),
            np.array(lower, dtype=np.float64),
            np.array(upper, dtype=np.float64),
        )

    def extreme(
        self, target: Mapping[int, float], maximise: bool, explain: bool
    ) -> tuple[float, tuple[str, ...]]:
        """The minimum (or maximum) of the target's part in this model, and (if explain) the
        rows that bind it."""
        if len(self._costed):
            self.highs.changeColsCost(
                len(self._costed), self._costed, np.zeros(len(self._costed), dtype=np.float64)
            )
        indices = np.array([self.local[v] for v in target], dtype=np.int32)
        self.highs.changeColsCost(
            len(indices), indices, np.array(list(target.values()), dtype=np.float64)
        )
        self._costed = indices
        self.highs.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        )
        self.highs.run()
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            value = self.highs.getInfo().objective_function_value
            if not explain:
                return value, ()
            duals = self.highs.getSolution().row_dual
            binding = tuple(
                name
                for name, dual in zip(self.row_names, duals, strict=True)
                if abs(dual) > _DUAL_TOLERANCE
            )
            return value, binding
        if status == highspy.HighsModelStatus.kUnbounded:
            return (INF if maximise else -INF), ()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InconsistentSystemError(
                "no hidden counts fit the published figures: " + ", ".join(self.row_names[:8])
            )
        # Unbounded-or-infeasible, a time or iteration limit: no interval to trust.
        raise InconsistentSystemError(
            f"HiGHS could not bound {self.highs.modelStatusToString(status)}: "
            + ", ".join(self.row_names[:8])
        )


def _parts(system: LinearSystem) -> tuple[list[int], list[list[int]], list[list[int]]]:
    """Union-find over the variables: which part each variable is in, and each part's rows."""
    parent = list(range(len(system.names)))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for row in system.rows:
        first, *rest = row.coefficients
        root = find(first)
        for v in rest:
            other = find(v)
            if other != root:
                parent[other] = root
    roots: dict[int, int] = {}
    part_of = []
    for v in range(len(system.names)):
        part_of.append(roots.setdefault(find(v), len(roots)))
    variables: list[list[int]] = [[] for _ in roots]
    for v, p in enumerate(part_of):
        variables[p].append(v)
    rows: list[list[int]] = [[] for _ in roots]
    for r, row in enumerate(system.rows):
        rows[part_of[next(iter(row.coefficients))]].append(r)
    return part_of, variables, rows


def _whole(value: float, up: bool) -> float:
    if math.isinf(value):
        return value
    return math.ceil(value - _INTEGER_SLACK) if up else math.floor(value + _INTEGER_SLACK)


def feasibility_intervals(
    system: LinearSystem,
    targets: Sequence[Mapping[int, float]],
    whole: bool = True,
    explain: bool = False,
    sides: Sequence[tuple[bool, bool]] | None = None,
    floors_below: bool = True,
) -> list[Interval]:
    """The feasibility interval of each target (a linear expression over the variables).

    With whole=True the bounds are rounded inward to whole numbers, as an attacker who knows
    the counts are persons would round them. With explain=True each end also names the rows
    that bind it (the rows with a non-zero dual value), which costs a little per solve.
    sides, one (minimum, maximum) pair per target, leaves out the programs not needed: an end
    left out is reported as -∞ or +∞, which claims nothing about it. With floors_below=False
    the minima are of the system without the rule's floors (protection_intervals).
    """
    sides = list(sides) if sides is not None else [(True, True)] * len(targets)
    part_of, part_variables, part_rows = _parts(system)
    models: dict[int, _Part] = {}
    relaxed = False

    def model(p: int) -> _Part:
        if p not in models:
            models[p] = _Part(system, part_variables[p], part_rows[p])
            if relaxed:
                models[p].set_floors(system, on=False)
        return models[p]

    pieces: list[dict[int, dict[int, float]]] = []
    for target in targets:
        by_part: dict[int, dict[int, float]] = {}
        for v, c in target.items():
            if c:
                by_part.setdefault(part_of[v], {})[v] = c
        pieces.append(by_part)
    ends: list[list[float]] = [[0.0, 0.0] for _ in targets]
    binding: list[tuple[list[str], list[str]]] = [([], []) for _ in targets]
    # The maxima first, with the floors; then the minima, in the same models once the floors
    # are forgotten (a change of bounds: HiGHS keeps its basis).
    for side in (1, 0):
        if side == 0 and not floors_below:
            relaxed = True
            for part in models.values():
                part.set_floors(system, on=False)
        for number, by_part in enumerate(pieces):
            if not sides[number][side]:
                continue
            for p, piece in by_part.items():
                value, rows = model(p).extreme(piece, maximise=side == 1, explain=explain)
                ends[number][side] += value
                binding[number][side].extend(rows)
    intervals = []
    for number, (low, high) in enumerate(ends):
        low = low if sides[number][0] else -INF
        high = high if sides[number][1] else INF
        if whole:
            low, high = _whole(low, up=True), _whole(high, up=False)
        below, above = binding[number]
        intervals.append(Interval(low, high, tuple(below), tuple(above)))
    return intervals


def protection_intervals(
    system: LinearSystem,
    targets: Sequence[Mapping[int, float]],
    explain: bool = False,
    sides: Sequence[tuple[bool, bool]] | None = None,
) -> list[Interval]:
    """The interval the protection rule judges (docs/disclosure.md), in whole persons: the
    maximum over everything an attacker knows, the minimum over the published figures with
    only non-negativity.

    The rule's floors (a withheld count holds at least one person, because a zero is published
    as "no data") do bound the other counts from above, and an attacker uses them so. From below
    they only ever add up to what the rule itself says - two withheld clusters hold at least
    one person each, so the region withheld beside them at least two - which is the price of
    publishing zeros, not a disclosure. A lower bound counts only where the published figures
    give it, and the count's own floor still clips the protection interval.
    """
    return feasibility_intervals(system, targets, explain=explain, sides=sides, floors_below=False)


class RowTrials:
    """A target's protection interval while published rows are left out, one trial at a time.

    The engine tries candidate complements in turn: each candidate is a published value, an
    equation of the system, and withholding it is leaving its rows out. One HiGHS model of the
    whole system serves every trial; a trial changes row bounds, and HiGHS keeps its basis.
    """

    def __init__(self, system: LinearSystem) -> None:
        self.system = system
        self.part = _Part(system, list(range(len(system.names))), list(range(len(system.rows))))
        self.row_of = {row.name: r for r, row in enumerate(system.rows)}

    def interval(self, target: Mapping[int, float], without: Sequence[str]) -> Interval:
        """protection_intervals of the target, with the rows named in without left out."""
        rows = [self.row_of[name] for name in without if name in self.row_of]
        if rows:
            self.part.set_rows(self.system, rows, on=False)
        high, _ = self.part.extreme(target, maximise=True, explain=False)
        self.part.set_floors(self.system, on=False)
        low, _ = self.part.extreme(target, maximise=False, explain=False)
        self.part.set_floors(self.system, on=True)
        if rows:
            self.part.set_rows(self.system, rows, on=True)
        return Interval(_whole(low, up=True), _whole(high, up=False))


class FeasiblePoint:
    """A point known to satisfy a system (the true counts), and cheap moves away from it.

    A move that keeps every row and bound satisfied proves, without a linear program, that the
    target reaches at least as far as the move takes it: exchanging persons between two cells
    that every published total treats alike changes no published figure. The audit tries such
    moves first and solves the linear programs only for the counts no move protects.
    """

    def __init__(self, system: LinearSystem, point: Sequence[float]) -> None:
        self.system = system
        self.point = np.asarray(point, dtype=np.float64)
        self.column: list[list[tuple[int, float]]] = [[] for _ in system.names]
        for r, row in enumerate(system.rows):
            for v, c in row.coefficients.items():
                self.column[v].append((r, c))
        self.row_value = [
            sum(c * self.point[v] for v, c in row.coefficients.items()) for row in system.rows
        ]
        # Only a point that satisfies the system proves anything by moving away from it.
        self.is_feasible = all(
            low - _INTEGER_SLACK <= value <= high + _INTEGER_SLACK
            for low, value, high in zip(system.lower, self.point, system.upper, strict=True)
        ) and all(
            row.lower - _INTEGER_SLACK <= value <= row.upper + _INTEGER_SLACK
            for row, value in zip(system.rows, self.row_value, strict=True)
        )

    def allows(self, direction: Mapping[int, float], floors: bool = True) -> bool:
        """Whether point + direction still satisfies every bound and row; with floors=False,
        of the system with only non-negativity in place of the rule's floors."""
        for v, d in direction.items():
            value = self.point[v] + d
            lower = self.system.lower[v] if floors else min(self.system.lower[v], 0.0)
            if value < lower - _INTEGER_SLACK:
                return False
            if value > self.system.upper[v] + _INTEGER_SLACK:
                return False
        change: dict[int, float] = {}
        for v, d in direction.items():
            for r, c in self.column[v]:
                change[r] = change.get(r, 0.0) + c * d
        for r, delta in change.items():
            row = self.system.rows[r]
            if row.is_floor and not floors:
                continue
            value = self.row_value[r] + delta
            if value < row.lower - _INTEGER_SLACK or value > row.upper + _INTEGER_SLACK:
                return False
        return True
