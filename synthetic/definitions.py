"""How each indicator is computed from its source, read from the warehouse's own seeds.

The generator writes answers that the warehouse turns into outcomes, so it must know the same
things the dbt models know: which items define an indicator, by which rule and cut-off, and
for which ages (seeds/indicator_items.csv, survey_item_cutoffs.csv, indicators.csv). Reading
them here, instead of restating them, means an edited cut-off or age range moves the synthetic
answers with the warehouse's definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dagster_project.reference_data import read_seed
from dagster_project.settings import SEEDS_DIR

AGE_UNBOUNDED = 150  # an empty age_max in indicators.csv


@dataclass(frozen=True)
class ItemRule:
    item: str  # the landing file's column (bmi: from height_cm and weight_kg)
    role: str  # outcome (numerator) or population (denominator)
    comparison: str  # is_true, above or at_least
    cutoff: float | None


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    source_code: str
    age_min: int
    age_max: int
    items: tuple[ItemRule, ...]

    def rule(self, item: str) -> ItemRule:
        for rule in self.items:
            if rule.item == item:
                return rule
        raise KeyError(f"seeds/indicator_items.csv has no item {item!r} for {self.code}")

    def cutoff(self, item: str) -> float:
        cutoff = self.rule(item).cutoff
        if cutoff is None:
            raise ValueError(f"{self.code}: item {item!r} has no cut-off in the seeds")
        return cutoff


@cache
def indicator_definitions(seeds_dir: Path = SEEDS_DIR) -> dict[str, IndicatorDefinition]:
    """Every indicator with its ages and items, in the order of seeds/indicators.csv."""
    cutoffs = {
        row["cutoff_code"]: float(row["cutoff_value"])
        for row in read_seed("survey_item_cutoffs", seeds_dir)
    }
    items: dict[str, list[ItemRule]] = {}
    for row in read_seed("indicator_items", seeds_dir):
        cutoff = cutoffs[row["cutoff_code"]] if row["cutoff_code"] else None
        items.setdefault(row["indicator_code"], []).append(
            ItemRule(row["item"], row["role"], row["comparison"], cutoff)
        )
    return {
        row["indicator_code"]: IndicatorDefinition(
            code=row["indicator_code"],
            source_code=row["source_code"],
            age_min=int(row["age_min"]),
            age_max=int(row["age_max"]) if row["age_max"] else AGE_UNBOUNDED,
            items=tuple(items.get(row["indicator_code"], ())),
        )
        for row in read_seed("indicators", seeds_dir)
    }


def definitions_of(source_code: str) -> dict[str, IndicatorDefinition]:
    return {code: d for code, d in indicator_definitions().items() if d.source_code == source_code}
