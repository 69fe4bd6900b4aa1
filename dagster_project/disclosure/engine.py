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
   new complement needs partners of its own. The interval is the one the rule judges
   (protection_intervals): the floors of withheld values bound it from above only.

The disclosure audit (quality/disclosure_audit.py) then checks the release a reader will see,
from the marts, with code of its own: the engine is the design, the audit the proof.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.quality.feasibility import (
    FeasiblePoint,
    Interval,
    LinearSystem,
    RowTrials,
    protection_intervals,
)

# Exchanges tried per count before its linear programs, and partners per shared sum.
_MOST_EXCHANGES = 24
_MOST_PARTNERS = 6
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
    A value with nobody in it is published as "no data", a known zero.
    """

    key: str
    persons: int
    positive: int | None = None
    cost: float | None = None
    primary: str | None = None
    publishable: bool = True
    # False where a count the publisher blanked is part of it: its truth is unknown here too,
    # so it is never sensitive and gives no room, and only moves with its partners.
    known: bool = True

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


class _Generated:
    """The items of an iterator, generated only as far as anyone has asked, then kept: the first
    exchange usually proves an end, and the rest are never built."""

    def __init__(self, items: Iterator) -> None:
        self._items = items
        self._kept: list = []

    def __iter__(self) -> Iterator:
        index = 0
        while True:
            if index < len(self._kept):
                yield self._kept[index]
            else:
                item = next(self._items, None)
                if item is None:
                    return
                self._kept.append(item)
                yield item
            index += 1


class _Engine:
    def __init__(self, table: Table, rule: ProtectionRule) -> None:
        self.table = table
        self.rule = rule
        self.values = table.values
        self.hidden: set[str] = {
            k
            for k, v in self.values.items()
            # A value with nobody in it is published as "no data": known to be zero.
            if not v.publishable or (v.primary is not None and (v.persons > 0 or not v.known))
        }
        self.sums_of: dict[str, list[int]] = defaultdict(list)
        self.total_of: dict[str, list[int]] = defaultdict(list)
        for index, s in enumerate(table.sums):
            self.total_of[s.total].append(index)
            for key, _ in s.terms():
                self.sums_of[key].append(index)
        self._floors: dict[tuple[str, str], int] = {}
        self._shapes: dict[frozenset[int], list[str]] = defaultdict(list)
        self._terms: dict[int, list[tuple[str, int]]] = {}
        self.counts = any(v.positive is not None for v in self.values.values())

    # --- what a value can give -------------------------------------------------------------

    def floor(self, key: str, measure: str) -> int:
        """What the rule itself says of a hidden count, with no published total: a withheld
        value holds a person, and a total at least what its members do (the published ones
        their value, the hidden ones their own floor). Such a bound is the price of saying
        "no data" for zero, not a breach (docs/disclosure.md)."""
        memo = self._floors.get((key, measure))
        if memo is not None:
            return memo
        value = self.values[key]
        floor = self.own_floor(key) if measure == PERSONS else 0
        if measure != NEGATIVE and value.known:
            for index in self.total_of[key]:
                members = self.table.sums[index].members
                floor = max(
                    floor,
                    sum(
                        self.floor(m, measure)
                        if m in self.hidden
                        else self.values[m].count(measure)
                        for m in members
                    ),
                )
        self._floors[(key, measure)] = floor
        return floor

    def hide(self, key: str) -> None:
        self.hidden.add(key)
        self._floors.clear()

    def show(self, key: str) -> None:
        self.hidden.discard(key)
        self._floors.clear()

    def own_floor(self, key: str) -> int:
        """The bound of the variable itself: a withheld value holds a person."""
        value = self.values[key]
        return 1 if value.publishable and value.known and value.persons > 0 else 0

    def down_room(self, key: str, measure: str) -> int:
        if not self.values[key].known:
            return 0
        return self.values[key].count(measure) - self.floor(key, measure)

    def sensitive(self, key: str) -> list[tuple[str, int]]:
        value = self.values[key]
        if not value.known:
            return []
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
        members: dict[int, int] = defaultdict(int)
        rooms: dict[tuple[int, str], int] = defaultdict(int)
        for key, sign in terms:
            members[sign] += 1
            for measure in (PERSONS, POSITIVE, NEGATIVE):
                rooms[(sign, measure)] += self.down_room(key, measure)
        for key, sign in terms:
            for measure, count in self.sensitive(key):
                own = self.down_room(key, measure)
                # Up by p: a partner moving the same way in the sum's balance (opposite sign)
                # is free; otherwise partners on the same side give up what they hold.
                up = members[-sign] > 0 or rooms[(sign, measure)] - own >= p
                need_down = min(p, count - self.floor(key, measure))
                down = need_down <= 0 or members[sign] > 1 or rooms[(-sign, measure)] >= need_down
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

    def _candidates_near(self, sums: Iterable[int], hops: int = 3) -> list[str]:
        """The published values of the sums, or, where they have none, of the sums that share
        a withheld value with them, a hop at a time: a value by education's sum has only
        municipality × group counts, which are never published, and what can move them is
        another geography's value over the same counts."""
        seen = set(sums)
        frontier = set(seen)
        for _ in range(hops):
            found = self._candidates(seen)
            if found:
                return found
            frontier = {
                j
                for i in frontier
                for k, _ in self.table.sums[i].terms()
                if k in self.hidden
                for j in self.sums_of[k]
            } - seen
            if not frontier:
                break
            seen |= frontier
        return self._candidates(seen)

    def give_room(self) -> int:
        """Withhold complements until no sum is short; returns how many."""
        added = 0
        queue = [
            i
            for i, s in enumerate(self.table.sums)
            if any(k in self.hidden for k in (s.total, *s.members))
        ]
        pending = set(queue)

        def visit(index: int) -> None:
            if index in pending:
                queue.remove(index)
            pending.add(index)
            queue.append(index)

        while queue:
            index = queue.pop()
            pending.discard(index)
            if not self._short(self.table.sums[index]):
                continue
            candidates = self._candidates([index])
            if not candidates:
                continue  # nothing here can be withheld: the programs find another way
            candidate = candidates[0]
            self.hide(candidate)
            added += 1
            # Back to this sum once the new complement has partners of its own (alone in a
            # sum it is the total of, it is known and gives no room here): the queue is last
            # in, first out, so those sums come first.
            visit(index)
            for other in sorted(
                self.sums_of[candidate], key=lambda i: self.table.sums[i].total == candidate
            ):
                if other != index:
                    visit(other)
        return added

    # --- step 3: the attacker's programs ---------------------------------------------------

    def _system(
        self, published: Iterable[str] = ()
    ) -> tuple[LinearSystem, dict[tuple[str, str], int], list[float], dict[str, int]]:
        """The attacker's system: a variable per hidden count and measure, an equation per sum.
        The values in published are variables too, each held to its value by rows of its own
        (_published_rows), so that a trial can withhold one by leaving them out (RowTrials)."""
        system = LinearSystem()
        ids: dict[tuple[str, str], int] = {}
        truth: list[float] = []
        published = sorted(set(published) - self.hidden)
        as_variables = set(self.hidden) | set(published)
        for key in sorted(as_variables):
            value = self.values[key]
            ids[(key, PERSONS)] = system.variable(f"{key} persons", self.own_floor(key))
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
                    if key in as_variables:
                        coefficients[ids[(key, measure)]] = (
                            coefficients.get(ids[(key, measure)], 0.0) + sign
                        )
                    else:
                        rest -= sign * self.values[key].count(measure)
                name = f"sum {index} {measure}"
                row_sum[name] = index
                system.equation(name, coefficients, rest)
        for key in published:
            for measure, name in self._published_rows(key):
                system.equation(name, {ids[(key, measure)]: 1.0}, self.values[key].count(measure))
        return system, ids, truth, row_sum

    def _published_rows(self, key: str) -> list[tuple[str, str]]:
        measures = (PERSONS, POSITIVE) if self.counts else (PERSONS,)
        return [(measure, f"published {key} {measure}") for measure in measures]

    def _expression(self, ids: Mapping, key: str, measure: str) -> dict[int, float]:
        if measure == NEGATIVE:
            return {ids[(key, PERSONS)]: 1.0, ids[(key, POSITIVE)]: -1.0}
        return {ids[(key, measure)]: 1.0}

    def _unprotected(self) -> tuple[list[tuple[str, str, Interval]], int, dict[str, int]]:
        """Every sensitive count narrowed below its protection interval, with its interval.

        Before any program, exchanges from the true counts are tried: a move of persons among
        hidden values that leaves every sum as it is, and stays within the bounds, proves that
        end of the interval (FeasiblePoint). Only the ends no exchange reaches are solved.
        """
        system, ids, truth, row_sum = self._system()
        point = FeasiblePoint(system, truth)
        self._shapes = defaultdict(list)
        self._terms = {}
        # The partners holding the most first: they are the ones that can give persons up.
        for key in sorted(self.hidden, key=lambda k: (-self.values[k].persons, k)):
            self._shapes[frozenset(self.sums_of[key])].append(key)
        p = self.rule.protection_level
        targets: list[tuple[str, str, int, tuple[int, int]]] = []
        expressions: list[dict[int, float]] = []
        sides: list[tuple[bool, bool]] = []
        slot_of: dict[tuple, int] = {}
        for key in sorted(self.hidden):
            sensitive = self.sensitive(key)
            if not sensitive:
                continue
            moves = _Generated(itertools.islice(self._exchanges(key), _MOST_EXCHANGES))
            for measure, count in sensitive:
                low, high = self.rule.required(count, self.floor(key, measure))
                on = PERSONS if measure == NEGATIVE else measure

                def shifted(
                    steps: int, on: str = on, moves: _Generated = moves
                ) -> Iterator[dict[int, int]]:
                    for move in moves:
                        yield {ids[(k, on)]: steps * c for k, c in move.items()}

                up = any(point.allows(m) for m in shifted(p))
                # Downwards the rule's floors do not count (protection_intervals).
                down = count - low == 0 or any(
                    point.allows(m, floors=False) for m in shifted(-(count - low))
                )
                if up and down:
                    continue
                # Values in the same sums with the same bounds have the same interval.
                shape = (frozenset(self.sums_of[key]), self.own_floor(key), measure)
                if shape not in slot_of:
                    slot_of[shape] = len(expressions)
                    expressions.append(self._expression(ids, key, measure))
                    sides.append((False, False))
                slot = slot_of[shape]
                sides[slot] = (sides[slot][0] or not down, sides[slot][1] or not up)
                targets.append((key, measure, slot, (low, high)))
        intervals = protection_intervals(system, expressions, sides=sides)
        short = [
            (key, measure, intervals[slot])
            for key, measure, slot, (low, high) in targets
            if not intervals[slot].covers(low, high)
        ]
        return short, sum(map(sum, sides)), row_sum

    def _sign(self, key: str, index: int) -> int:
        return 1 if self.table.sums[index].total == key else -1

    def _hidden_terms(self, index: int) -> list[tuple[str, int]]:
        terms = self._terms.get(index)
        if terms is None:
            terms = sorted(
                ((k, g) for k, g in self.table.sums[index].terms() if k in self.hidden),
                key=lambda term: (-self.values[term[0]].persons, term[0]),
            )
            self._terms[index] = terms
        return terms

    def _exchanges(self, v: str) -> Iterator[dict[str, int]]:
        """Moves of one person that leave every sum as it is: raise v by one and
        * lower a twin (a hidden value in exactly the same sums), or
        * go round a rectangle: w shares one sum A with v, u shares all of v's other sums and
          one more, A2, and z shares w's other sums and A2 (a municipality's count in two
          education groups against another municipality's in the same two; two municipality
          totals and a cell of each).
        Which way each moves follows from its sign in the shared sum; the point checks the
        bounds and every row."""
        sums_v = frozenset(self.sums_of[v])
        for twin in self._shapes.get(sums_v, ()):
            if twin != v:
                yield {v: 1, twin: -1}
        for a in sorted(sums_v, key=lambda i: len(self.table.sums[i].members)):
            sign_v = self._sign(v, a)
            rest_v = sums_v - {a}
            for w, sign_w in self._hidden_terms(a)[:_MOST_PARTNERS]:
                rest_w = frozenset(self.sums_of[w]) - {a}
                if w == v or rest_w & rest_v:
                    continue
                d_w = -sign_v * sign_w
                # u stands for v (or w) in all its other sums, z for the other one.
                for x, d_x, rest_x, rest_y in ((v, 1, rest_v, rest_w), (w, d_w, rest_w, rest_v)):
                    if not rest_x:
                        continue
                    yield from self._rectangles(v, w, d_w, x, d_x, rest_x, rest_y, a)

    def _rectangles(self, v, w, d_w, x, d_x, rest_x, rest_y, a) -> Iterator[dict[str, int]]:
        first = min(rest_x, key=lambda i: len(self.table.sums[i].members))
        tried = 0
        for u, sign_u in self._hidden_terms(first):
            sums_u = frozenset(self.sums_of[u])
            if u in (v, w) or not rest_x <= sums_u or len(sums_u - rest_x) != 1:
                continue
            (a2,) = sums_u - rest_x
            if a2 == a:
                continue
            d_u = -self._sign(x, first) * d_x * sign_u
            for z in self._shapes.get(rest_y | {a2}, ()):
                if z not in (v, w, u):
                    d_z = -self._sign(u, a2) * d_u * self._sign(z, a2)
                    yield {v: 1, w: d_w, u: d_u, z: d_z}
                    break
            tried += 1
            if tried >= _MOST_PARTNERS:
                return

    def _interval(self, key: str, measure: str, explain: bool = False) -> Interval:
        system, ids, _, _ = self._system()
        (interval,) = protection_intervals(
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
            candidates = self._candidates(binding) or self._candidates_near(
                [*binding, *self.sums_of[key]]
            )
            if not candidates:
                raise UnprotectableError(
                    f"{key} {measure} = {count} lies in {interval.describe()}, which does not "
                    f"cover [{low}, {high}], and no published value of its sums can be withheld"
                )
            # One model for every trial: the candidates are published rows to leave out.
            system, ids, _, _ = self._system(published=candidates)
            trials = RowTrials(system)
            target = self._expression(ids, key, measure)
            best, best_width = None, -1.0
            for candidate in candidates:
                without = [name for _, name in self._published_rows(candidate)]
                trial = trials.interval(target, without)
                programs += 2
                if trial.covers(low, high):
                    best = candidate
                    break
                width = min(trial.upper, high) - max(trial.lower, low)
                if width > best_width:
                    best, best_width = candidate, width
            self.hide(best)
            added += 1
        return added, programs
