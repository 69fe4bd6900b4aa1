"""Run (b), the DuckDB floor (benchmarks/floor.sql), and write its mart values to Parquet.

`python -m benchmarks.floor --landing DIR --out FILE.parquet`. The script is plain SQL; this
runner binds its variables and, where the script says "-- engine:", runs the platform's
disclosure engine over the tables the script described (complementary suppression is a search,
not a query: the floor of that work is the engine itself), so the SQL stays one readable file.
"""

from pathlib import Path

import duckdb
import yaml

from benchmarks.agreement import implementation_main
from dagster_project.disclosure.assets import decide
from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("floor.sql")
ENGINE = "\n-- engine:"


def dbt_vars() -> dict:
    """The platform's thresholds (its settings) and dbt's constants, so (b) uses its rules."""
    constants = yaml.safe_load((ROOT / "dbt" / "dbt_project.yml").read_text())["vars"]
    return {**constants, **Settings.from_env().dbt_vars()}


def statements(sql: str) -> list[str]:
    """The script's statements, one by one."""
    return [s for s in sql.split(";\n") if s.strip()]


def run_engine(conn: duckdb.DuckDBPyConnection, variables: dict) -> int:
    """The engine over intermediate.int_disclosure__values and __sums: the table complements."""
    rule = ProtectionRule.from_vars(variables)
    decided = decide(conn, rule, "intermediate")
    conn.execute(
        "create temp table complements (indicator_code varchar, year integer, value_key varchar)"
    )
    if decided.rows:
        conn.executemany("insert into complements values (?, ?, ?)", decided.rows)
    return len(decided.rows)


def run_floor(landing: Path, out: Path, seeds: Path = ROOT / "seeds") -> int:
    """Compute the mart values from the landing files; return how many rows were written."""
    variables = dbt_vars()
    conn = duckdb.connect()
    bound = {
        "landing": str(landing),
        "seeds": str(seeds),
        "min_cell_count": int(variables["min_cell_count"]),
        "min_survey_respondents": int(variables["min_survey_respondents"]),
        "protection_level": int(variables["protection_level"]),
        "ci_z": float(variables["ci_z"]),
        "country_code": str(variables["country_code"]),
        "region_code": str(variables["region_code"]),
        "education_min_age": int(variables["education_min_age"]),
    }
    for name, value in bound.items():
        conn.execute(f"set variable {name} = ?", [value])
    before, after = SCRIPT.read_text().split(ENGINE, 1)
    after = after.split("\n", 1)[1]  # the rest of the marker's line
    for statement in statements(before):
        conn.execute(statement)
    run_engine(conn, variables)
    for statement in statements(after):
        conn.execute(statement)
    conn.execute(f"copy mart_values to '{out}' (format parquet)")
    return conn.execute("select count(*) from mart_values").fetchone()[0]


if __name__ == "__main__":
    implementation_main("(b) floor", run_floor, __doc__.splitlines()[0])
