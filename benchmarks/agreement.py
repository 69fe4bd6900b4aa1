"""Do (a) the platform, (b) the DuckDB floor and (c) pandas publish the same mart values?

The values compared are what the three indicator marts publish per geography × indicator ×
year: the share and its interval, numerator, denominator, unweighted count, whether the cell is
suppressed (primary or complementary), and the region and Denmark values beside it. Keys must
match one to one. Counts and suppression must be equal; shares may differ by at most one unit
of their published rounding (0.1 percentage points) and weighted numerators and denominators by
one, since summing floating-point weights in another order can move a value that lies on a
rounding boundary. Anything else is a disagreement, reported with examples.
"""

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

KEYS = ("geography_level", "geography_code", "indicator_code", "year")
# column -> largest allowed difference (None: must be equal, nulls included)
TOLERANCE: dict[str, float | None] = {
    "value": 0.1,
    "ci_lower": 0.1,
    "ci_upper": 0.1,
    "numerator": 1.0,
    "denominator": 1.0,
    "n_unweighted": None,
    "is_suppressed": None,
    "region_value": 0.1,
    "denmark_value": 0.1,
}
COLUMNS = ", ".join((*KEYS, *TOLERANCE))

_REGION_OWN_VALUE = "case when geography_level = 'region' then value end"
# The platform's published marts in the same long shape as (b) and (c) write. The region mart
# has no region_value column: a region's own value is its region value, Denmark has none.
# (b) and (c) compute from person-level files only: the rows the platform published from
# published estimates or aggregated count tables (the shipped sample has both) are its own.
PLATFORM_VALUES = f"""
select 'municipality' as geography_level, kommune_kode as geography_code, indicator_code,
    year, {", ".join(TOLERANCE)}
from published.mart_indicator_municipality_year where source_kind = 'microdata'
union all
select 'cluster', cluster_code, indicator_code, year, {", ".join(TOLERANCE)}
from published.mart_indicator_cluster_year where source_kind = 'microdata'
union all
select geography_level, geography_code, indicator_code, year,
    {", ".join(TOLERANCE).replace("region_value", _REGION_OWN_VALUE)}
from published.mart_indicator_region_year where source_kind = 'microdata'
"""


@dataclass
class Agreement:
    """How one implementation's mart values compare with the platform's."""

    name: str
    rows: int
    reference_rows: int
    missing: int = 0
    extra: int = 0
    mismatches: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not (self.missing or self.extra or any(self.mismatches.values()))

    def summary(self) -> str:
        if self.agrees:
            return f"{self.name}: agrees with (a) on all {self.rows} mart rows"
        differing = ", ".join(f"{c} {n}" for c, n in self.mismatches.items() if n)
        return (
            f"{self.name}: DISAGREES with (a): {self.missing} rows missing, {self.extra} extra, "
            f"differing values: {differing or 'none'}; e.g. {'; '.join(self.examples[:3])}"
        )


def export_platform_values(published_db: Path, out: Path) -> None:
    """Write (a)'s published mart values to Parquet, read-only from the published file."""
    conn = duckdb.connect()
    conn.execute(f"attach '{published_db}' as published (read_only)")
    conn.execute(f"copy ({PLATFORM_VALUES}) to '{out}' (format parquet)")


def _differs(column: str, tolerance: float | None) -> str:
    a, b = f"a.{column}", f"b.{column}"
    if tolerance is None:
        return f"{a} is distinct from {b}"
    return f"(({a} is null) <> ({b} is null) or abs({a} - {b}) > {tolerance} + 1e-9)"


def compare(name: str, reference: Path, candidate: Path) -> Agreement:
    """Compare a candidate's mart values (Parquet) with the reference's (the platform's)."""
    conn = duckdb.connect()
    conn.execute(f"create view a as select {COLUMNS} from read_parquet('{reference}')")
    conn.execute(f"create view b as select {COLUMNS} from read_parquet('{candidate}')")
    count = "select count(*) from {}"
    result = Agreement(
        name=name,
        rows=conn.execute(count.format("b")).fetchone()[0],
        reference_rows=conn.execute(count.format("a")).fetchone()[0],
    )
    on = " and ".join(f"a.{k} = b.{k}" for k in KEYS)
    result.missing = conn.execute(f"select count(*) from a anti join b on {on}").fetchone()[0]
    result.extra = conn.execute(f"select count(*) from b anti join a on {on}").fetchone()[0]
    for column, tolerance in TOLERANCE.items():
        rows = conn.execute(
            f"select {', '.join('a.' + k for k in KEYS)}, a.{column}, b.{column} "
            f"from a inner join b on {on} where {_differs(column, tolerance)} "
            "order by all"
        ).fetchall()
        result.mismatches[column] = len(rows)
        result.examples += [f"{column} at {row[:4]}: (a) {row[4]} vs {row[5]}" for row in rows[:2]]
    return result


def implementation_main(label: str, run: Callable[[Path, Path], int], description: str) -> None:
    """The command line of (b) and (c): landing folder in, mart values as Parquet out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(f"{label}: {run(args.landing, args.out)} mart rows -> {args.out}")


def main() -> None:
    """The agreement check as a command, for the test suite and for a reader by hand.

    export: the platform's published mart values to Parquet; compare: a candidate's against
    the reference, printed as JSON (exit 0 when they agree, 1 when they do not).
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="(a)'s published mart values to Parquet")
    export.add_argument("--published", type=Path, required=True)
    export.add_argument("--out", type=Path, required=True)
    check = commands.add_parser("compare", help="compare a candidate with the reference")
    check.add_argument("--name", default="candidate")
    check.add_argument("--reference", type=Path, required=True)
    check.add_argument("--candidate", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "export":
        export_platform_values(args.published, args.out)
        return
    agreement = compare(args.name, args.reference, args.candidate)
    print(
        json.dumps(
            {**asdict(agreement), "agrees": agreement.agrees, "summary": agreement.summary()}
        )
    )
    raise SystemExit(0 if agreement.agrees else 1)


if __name__ == "__main__":
    main()
