"""The protection rule: which counts are sensitive, and how far an attacker must be kept from them.

One rule for the engine that withholds cells (engine.py) and the audit that checks the release
(quality/disclosure_audit.py), so the two can never disagree on what "protected" means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ProtectionRule:
    """Which counts are sensitive, and how wide their feasibility interval must be."""

    min_cell_count: int = 5
    protection_level: int = 1
    # Values by education are for persons of at least this age (SUNDHEDSDATA_EDUCATION_MIN_AGE).
    education_min_age: int = 25

    @classmethod
    def from_vars(cls, variables: Mapping[str, object]) -> ProtectionRule:
        """The rule of the dbt variables a build ran with (Settings.dbt_vars): the engine, the
        audit and the benchmarks protect by the thresholds that marked the primary cells."""
        return cls(
            int(variables["min_cell_count"]),
            int(variables["protection_level"]),
            int(variables["education_min_age"]),
        )

    def is_sensitive(self, count: int, persons: int) -> bool:
        """A count under the threshold, in a cell or total that holds persons: a group with
        nobody in it has no one to protect (its zero is what "no data" publishes)."""
        return persons > 0 and count < self.min_cell_count

    def required(self, count: int, floor: int) -> tuple[int, int]:
        """The protection interval [a − p, a + p], clipped at the bound the rule itself gives."""
        return max(count - self.protection_level, floor), count + self.protection_level
