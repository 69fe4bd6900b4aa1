"""Releases small enough to solve on paper, written as the nightly build leaves them before
publication (schemas marts and intermediate), for the disclosure audit and the engine's tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.quality.disclosure_audit import DISCLOSURE_CONTROL


@dataclass(frozen=True)
class CellSpec:
    kommune: str
    sex: str
    age: str
    persons: int
    positive: int
    code: str | None = None  # the published suppression code; None when published
    stage: str = "all"


def write_publication(
    path: Path,
    cells: list[CellSpec],
    clusters: dict[str, tuple[str, ...]] | None = None,
    withheld_totals: frozenset[str] = frozenset(),
    education: dict[tuple[str, str], tuple[int, int]] | None = None,
    withheld_education: frozenset[tuple[str, str]] = frozenset(),
) -> Path:
    """A release of one register indicator ('x', 2024) in schemas marts and intermediate, as
    the nightly build leaves it before publication: cells, their municipality, cluster and
    region totals (summed here from the true counts; those in withheld_totals withheld), and
    optionally values by education per cluster from true municipality × group counts."""
    clusters = clusters or {}
    kommuner = sorted({c.kommune for c in cells})
    conn = duckdb.connect(str(path))
    conn.execute("create schema marts; create schema intermediate")
    conn.execute("create table marts.dim_municipality (kommune_kode varchar, region_code varchar)")
    conn.executemany("insert into marts.dim_municipality values (?, 'r')", [[k] for k in kommuner])
    conn.execute(
        "create table marts.dim_cluster_membership "
        "(cluster_code varchar, kommune_kode varchar, is_current boolean)"
    )
    for cluster, members in clusters.items():
        for member in members:
            conn.execute(
                "insert into marts.dim_cluster_membership values (?, ?, true)", [cluster, member]
            )
    conn.execute(
        "create table marts.dim_indicator as select 'x' as indicator_code, "
        "'register_share' as statistic"
    )
    # The age bands of dim_age_band (DOMAIN's bands), by the first age of each.
    conn.execute(
        "create table marts.dim_age_band as select * from (values ('00-15', 0), ('16-24', 16), "
        "('25-34', 25), ('35-44', 35), ('45-54', 45), ('55-64', 55), ('65-74', 65), "
        "('75+', 75)) as t(age_band_code, age_min)"
    )
    keys = "indicator_code varchar, year integer, kommune_kode varchar, sex_code varchar, "
    keys += "age_band_code varchar, school_stage_code varchar"
    conn.execute(
        f"create table marts.fct_indicator_observation ({keys}, is_suppressed boolean, "
        "suppression_code varchar, n_unweighted integer, numerator double)"
    )
    conn.execute(
        f"create table intermediate.int_indicators__cells ({keys}, n_persons integer, "
        "n_positive integer)"
    )
    for c in cells:
        key = ["x", 2024, c.kommune, c.sex, c.age, c.stage]
        shown = c.code is None
        conn.execute(
            "insert into marts.fct_indicator_observation values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*key, not shown, c.code, c.persons if shown else None, c.positive if shown else None],
        )
        conn.execute(
            "insert into intermediate.int_indicators__cells values (?, ?, ?, ?, ?, ?, ?, ?)",
            [*key, c.persons, c.positive],
        )
    conn.execute(
        "create table totals (geography_level varchar, geography_code varchar, "
        "indicator_code varchar, year integer, is_suppressed boolean, suppression_code varchar, "
        "n_unweighted integer, numerator double)"
    )
    geographies = {("municipality", k): (k,) for k in kommuner}
    geographies |= {("cluster", name): members for name, members in clusters.items()}
    geographies |= {("region", "r"): tuple(kommuner)}
    for (level, code), members in geographies.items():
        persons = sum(c.persons for c in cells if c.kommune in members)
        positive = sum(c.positive for c in cells if c.kommune in members)
        hidden = f"{level} {code}" in withheld_totals
        conn.execute(
            "insert into totals values (?, ?, 'x', 2024, ?, ?, ?, ?)",
            [
                level,
                code,
                hidden,
                DISCLOSURE_CONTROL if hidden else None,
                None if hidden else persons,
                None if hidden else positive,
            ],
        )
    conn.execute(
        "create view marts.mart_indicator_municipality_year as select geography_code as "
        "kommune_kode, * exclude (geography_code) from totals "
        "where geography_level = 'municipality'"
    )
    conn.execute(
        "create view marts.mart_indicator_cluster_year as select geography_code as "
        "cluster_code, * exclude (geography_code) from totals where geography_level = 'cluster'"
    )
    conn.execute(
        "create view marts.mart_indicator_region_year as select * from totals "
        "where geography_level in ('region', 'country')"
    )
    if education is not None:
        conn.execute(
            "create table intermediate.int_labour__education_cells (indicator_code varchar, "
            "year integer, kommune_kode varchar, education_group_code varchar, "
            "n_persons integer, n_positive integer)"
        )
        for (kommune, group), (persons, positive) in education.items():
            conn.execute(
                "insert into intermediate.int_labour__education_cells values "
                "('x', 2024, ?, ?, ?, ?)",
                [kommune, group, persons, positive],
            )
        conn.execute(
            "create table marts.mart_indicator_education_year (indicator_code varchar, "
            "year integer, geography_level varchar, geography_code varchar, "
            "education_group varchar, is_suppressed boolean, suppression_code varchar, "
            "n_unweighted integer, numerator double)"
        )
        for cluster, members in clusters.items():
            for group in sorted({g for _, g in education}):
                persons = sum(education[(k, group)][0] for k in members)
                positive = sum(education[(k, group)][1] for k in members)
                hidden = (cluster, group) in withheld_education
                conn.execute(
                    "insert into marts.mart_indicator_education_year values "
                    "('x', 2024, 'cluster', ?, ?, ?, ?, ?, ?)",
                    [
                        cluster,
                        group,
                        hidden,
                        DISCLOSURE_CONTROL if hidden else None,
                        None if hidden else persons,
                        None if hidden else positive,
                    ],
                )
    conn.close()
    return path
