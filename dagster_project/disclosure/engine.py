"""One engine for primary and complementary suppression, whatever the table.

A table is described to it as values and the sums that tie them together: a value is a count of
persons (a cell, a municipality, cluster, region or Denmark total, a value by education, or a
count that is never published at all, such as a municipality's persons in one education group),
and a sum says that one value is the sum of others. Overlapping clusters are sums that share a
member; a value by education is a sum over municipality × group counts whose sum per
municipality is the sum of its cells aged 25 and over. Nothing here knows a municipality, a
cluster or an indicator: what is published and what adds up to what is all it is told.

It withholds in three steps, as τ-ARGUS's modular method and sdcTable's heuristics do:

1. **Primary.** The values the description marks as withheld by the rule (a count under the
   threshold), with the reason code the build gave them.
2. **Room in every sum** (fast, local). In every sum, every withheld value must have a partner:
   a withheld value alone in a sum is the sum minus the published rest. And every sensitive
   count of a withheld value needs room in each of its sums to move by the protection level p,
   up and down, while the sum stays what it is: another withheld member that can move the other
   way (persons down to one each, numerator and persons outside it down to zero), or one that
   moves with it. Where a sum is short, its published values are withheld, cheapest first
   (the cost the description gives: persons for cells, far more for a headline total), until
   it is not. Repeated until no sum is short.
3. **The attacker's programs** (feasibility.py) over every sum at once. A sensitive count the
   published values still narrow below its protection interval (the four clusters minus the
   region give away the one municipality in two of them) takes, as a complement, the cheapest
   published value of the sums that bind its interval that makes it protected, each tried in
   turn; where none is enough alone, the one that widens it most. Then step 2 again, because a
   new complement needs partners of its own.

The disclosure audit (quality/disclosure_audit.py) then checks the release a reader will see,
from the marts, with code of its own: the engine is the design, the audit the proof.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.quality.feasibility import (
    FeasiblePoint,
    Interval,
    LinearSystem,
    feasibility_intervals,
)

# Every reason of complementary suppression is one code (docs/disclosure.md).
COMPLEMENT = "complement"
# A count's measures: its persons, the persons in its numerator, and the persons outside it.
PERSONS, POSITIVE, NEGATIVE = "persons", "positive", "negative"


class UnprotectableError(RuntimeError):
    """A sensitive count no complement can protect: the night must not publish."""


@dataclass
class Value:
    """One count of persons of a table.

    persons and positive are the true counts (positive is None where the numerator is not a
    count of persons, as in weighted survey shares). cost is what withholding it loses.
    primary is the reason code the rule gave it, or None. A value that is not publishable is
    never shown (a municipality's count in one education group): it is hidden from the start,
    needs protecting when it is small, and gives room, but is never chosen as a complement.
    """

    key: str
    persons: int
    positive: int | None = None
    cost: float | None = None
    primary: str | None = None
    publishable: bool = True

    @property
    def price(self) -> float:
        return float(self.persons) if self.cost is None else self.cost

    def count(self, measure: str) -> int:
        if measure == PERSONS:
            return self.persons
        if measure == POSITIVE:
            return self.positive or 0
        return self.persons - (self.positive or 0)

    def measures(self) -> tuple[str, ...]:
        return (PERSONS,) if self.positive is None else (PERSONS, POSITIVE, NEGATIVE)


@dataclass(frozen=True)
class Sum:
    """total = Σ members (every value a key of the table's values)."""

    total: str
    members: tuple[str, ...]

    def terms(self) -> Iterable[tuple[str, int]]:
        yield self.total, 1
        for member in self.members:
            yield member, -1


@dataclass
class Table:
    """The values of one system (for the warehouse: one indicator in one year, every table)."""

    values: dict[str, Value]
    sums: list[Sum]

    def __post_init__(self) -> None:
        for s in self.sums:
            for key, _ in s.terms():
                if key not in self.values:
                    raise KeyError(f"sum of {s.total}: {key} is not a value of the table")


@dataclass
class Protection:
    """What the engine withheld, and what it took."""

    codes: dict[str, str] = field(default_factory=dict)  # key -> reason code, withheld only
    by_room: int = 0  # complements the room rule chose
    by_programs: int = 0  # complements the attacker's programs asked for
    linear_programs: int = 0


def protect(table: Table, rule: ProtectionRule, use_programs: bool = True) -> Protection:
    """Withhold the primary values and the complements that protect them.

    use_programs=False stops after the room rule (step 2): the tests use it to show what the
    programs add.
    """
    engine = _Engine(table, rule)
    protection = Protection()
    protection.by_room += engine.give_room()
    while use_programs:
        added, programs = engine.repair_one_round()
        protection.linear_programs += programs
        if not added:
            break
        protection.by_programs += added
        protection.by_room += engine.give_room()
    for key in sorted(engine.hidden):
        value = table.values[key]
        if value.publishable:
            protection.codes[key] = value.primary or COMPLEMENT
    return protection


class _Engine:
    def __init__(self, table: Table, rule: ProtectionRule) -> None:
        self.table = table
        self.rule = rule
        self.values = table.values
        self.hidden: set[str] = {
            k
            for k, v in self.values.items()
            # A value with nobody in it is published as "no data": known to be zero.
            if (not v.publishable or (v.primary is not None and v.persons > 0))
        }
        self.sums_of: dict[str, list[int]] = defaultdict(list)
        for index, s in enumerate(table.sums):
            for key, _ in s.terms():
                self.sums_of[key].append(index)
        self.counts = any(v.positive is not None for v in self.values.values())

    # --- what a value can give -------------------------------------------------------------

    def floor(self, key: str, measure: str) -> int:
        """What the rule itself says of a hidden count: a withheld value holds a person."""
        value = self.values[key]
        return 1 if measure == PERSONS and value.publishable and value.persons > 0 else 0

    def down_room(self, key: str, measure: str) -> int:
        return self.values[key].count(measure) - self.floor(key, measure)

    def sensitive(self, key: str) -> list[tuple[str, int]]:
        value = self.values[key]
        return [
            (m, value.count(m))
            for m in value.measures()
            if self.rule.is_sensitive(value.count(m), value.persons)
        ]

    # --- step 2: room in every sum ---------------------------------------------------------

    def _short(self, s: Sum) -> bool:
        """Whether some hidden value of the sum lacks a partner or room there."""
        terms = [(k, sign) for k, sign in s.terms() if k in self.hidden]
        if len(terms) == 1 and self.values[terms[0][0]].publishable:
            # Alone, a withheld value is the sum minus the published rest. (A count never
            # published may be computable; it needs room only where it is small, below.)
            return True
        p = self.rule.protection_level
        for key, sign in terms:
            for measure, count in self.sensitive(key):
                others = [(k, g) for k, g in terms if k != key]
                # Up by p: a partner moving the same way in the sum's balance (opposite sign)
                # is free; otherwise partners on the same side give up what they hold.
                up = (
                    any(g != sign for _, g in others)
                    or sum(self.down_room(k, measure) for k, g in others if g == sign) >= p
                )
                need_down = min(p, count - self.floor(key, measure))
                down = (
                    need_down <= 0
                    or any(g == sign for _, g in others)
                    or sum(self.down_room(k, measure) for k, g in others if g != sign) >= need_down
                )
                if not (up and down):
                    return True
        return False

    def _candidates(self, sums: Iterable[int]) -> list[str]:
        """The published values of the sums that could be withheld, cheapest first."""
        keys = {
            k
            for i in sums
            for k, _ in self.table.sums[i].terms()
            if k not in self.hidden and self.values[k].publishable and self.values[k].persons > 0
        }
        return sorted(keys, key=lambda k: (self.values[k].price, k))

    def give_room(self) -> int:
        """Withhold complements until no sum is short; returns how many."""
        added = 0
        queue = [
            i
            for i, s in enumerate(self.table.sums)
            if any(k in self.hidden for k in (s.total, *s.members))
        ]
        pending = set(queue)
        while queue:
            index = queue.pop()
            pending.discard(index)
            s = self.table.sums[index]
            for candidate in self._candidates([index]):
                if not self._short(s):
                    break
                self.hidden.add(candidate)
                added += 1
                # The new complement needs partners in every sum it is in.
                for other in self.sums_of[candidate]:
                    if other not in pending:
                        pending.add(other)
                        queue.append(other)
        return added

    # --- step 3: the attacker's programs ---------------------------------------------------

    def _system(
        self,
    ) -> tuple[LinearSystem, dict[tuple[str, str], int], list[float], dict[str, int]]:
        system = LinearSystem()
        ids: dict[tuple[str, str], int] = {}
        truth: list[float] = []
        for key in sorted(self.hidden):
            value = self.values[key]
            ids[(key, PERSONS)] = system.variable(f"{key} persons", self.floor(key, PERSONS))
            truth.append(float(value.persons))
            if self.counts:
                ids[(key, POSITIVE)] = system.variable(f"{key} positive")
                truth.append(float(value.positive or 0))
                system.constraint(
                    f"{key}: numerator within persons",
                    {ids[(key, POSITIVE)]: 1.0, ids[(key, PERSONS)]: -1.0},
                    -float("inf"),
                    0.0,
                )
        row_sum: dict[str, int] = {}
        for index, s in enumerate(self.table.sums):
            for measure in (PERSONS, POSITIVE) if self.counts else (PERSONS,):
                coefficients: dict[int, float] = {}
                rest = 0.0
                for key, sign in s.terms():
                    if key in self.hidden:
                        coefficients[ids[(key, measure)]] = (
                            coefficients.get(ids[(key, measure)], 0.0) + sign
                        )
                    else:
                        rest -= sign * self.values[key].count(measure)
                name = f"sum {index} {measure}"
                row_sum[name] = index
                system.equation(name, coefficients, rest)
        return system, ids, truth, row_sum

    def _expression(self, ids: Mapping, key: str, measure: str) -> dict[int, float]:
        if measure == NEGATIVE:
            return {ids[(key, PERSONS)]: 1.0, ids[(key, POSITIVE)]: -1.0}
        return {ids[(key, measure)]: 1.0}

    def _unprotected(self) -> tuple[list[tuple[str, str, Interval]], int, dict[str, int]]:
        """Every sensitive count narrowed below its protection interval, with its interval."""
        system, ids, truth, row_sum = self._system()
        point = FeasiblePoint(system, truth)
        # Hidden values every sum treats alike: exchanging persons between them changes no sum.
        alike: dict[tuple, list[str]] = defaultdict(list)
        for key in sorted(self.hidden):
            shape = (
                tuple(sorted(self.sums_of[key])),
                self.floor(key, PERSONS),
            )
            alike[shape].append(key)
        twins = {k: [t for t in group if t != k] for group in alike.values() for k in group}
        p = self.rule.protection_level
        targets: list[tuple[str, str, int, tuple[int, int]]] = []
        expressions, sides = [], []
        for key in sorted(self.hidden):
            for measure, count in self.sensitive(key):
                low, high = self.rule.required(count, self.floor(key, measure))
                moves = list(self._swaps(ids, key, twins[key], measure))
                up = any(point.allows({v: p * c for v, c in m.items()}) for m in moves[:8])
                down = count - low == 0 or any(
                    point.allows({v: -(count - low) * c for v, c in m.items()}) for m in moves[:8]
                )
                if up and down:
                    continue
                targets.append((key, measure, count, (low, high)))
                expressions.append(self._expression(ids, key, measure))
                sides.append((not down, not up))
        intervals = feasibility_intervals(system, expressions, sides=sides)
        short = [
            (key, measure, interval)
            for (key, measure, _count, (low, high)), interval in zip(
                targets, intervals, strict=True
            )
            if not interval.covers(low, high)
        ]
        return short, sum(map(sum, sides)), row_sum

    def _swaps(self, ids: Mapping, key: str, twins: list[str], measure: str):
        for twin in twins:
            if measure == NEGATIVE:
                yield {ids[(key, PERSONS)]: 1.0, ids[(twin, PERSONS)]: -1.0}
            else:
                yield {ids[(key, measure)]: 1.0, ids[(twin, measure)]: -1.0}

    def _interval(self, key: str, measure: str, explain: bool = False) -> Interval:
        system, ids, _, _ = self._system()
        (interval,) = feasibility_intervals(
            system, [self._expression(ids, key, measure)], explain=explain
        )
        return interval

    def repair_one_round(self) -> tuple[int, int]:
        """Complements for the counts the programs find unprotected: (added, programs)."""
        short, programs, row_sum = self._unprotected()
        added = 0
        for key, measure, _ in short:
            count = self.values[key].count(measure)
            low, high = self.rule.required(count, self.floor(key, measure))
            interval = self._interval(key, measure, explain=True)
            programs += 2
            if interval.covers(low, high):
                continue  # an earlier complement of this round protected it
            binding = [
                row_sum[name]
                for name in (*interval.bound_below_by, *interval.bound_above_by)
                if name in row_sum
            ]
            candidates = self._candidates(binding) or self._candidates(self.sums_of[key])
            if not candidates:
                raise UnprotectableError(
                    f"{key} {measure} = {count} lies in {interval.describe()}, which does not "
                    f"cover [{low}, {high}], and no published value of its sums can be withheld"
                )
            best, best_width = None, -1.0
            for candidate in candidates:
                self.hidden.add(candidate)
                trial = self._interval(key, measure)
                programs += 2
                self.hidden.discard(candidate)
                if trial.covers(low, high):
                    best = candidate
                    break
                width = min(trial.upper, high) - max(trial.lower, low)
                if width > best_width:
                    best, best_width = candidate, width
            self.hidden.add(best)
            added += 1
        return added, programs


def describe(protection: Protection) -> str:
    return (
        f"{len(protection.codes)} values withheld "
        f"({protection.by_room} complements by room, {protection.by_programs} by the programs)"
    )


__all__ = [
    "COMPLEMENT",
    "Protection",
    "Sum",
    "Table",
    "UnprotectableError",
    "Value",
    "protect",
]
