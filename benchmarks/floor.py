"""Run (b), the DuckDB floor (benchmarks/floor.sql), and write its mart values to Parquet.

`python -m benchmarks.floor --landing DIR --out FILE.parquet`. The script is plain SQL; this
runner only binds its variables and repeats the statement between "-- repeat:" and
"-- end repeat" as many times as the dbt project's suppression_passes, so the SQL stays one
readable file that a DuckDB user could run by hand.
"""

import re
from pathlib import Path

import duckdb
import yaml

from benchmarks.agreement import implementation_main
from dagster_project.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("floor.sql")
REPEAT = re.compile(r"-- repeat: (\w+)\n(.*?)-- end repeat\n", re.DOTALL)


def dbt_vars() -> dict:
    """The platform's thresholds (its settings) and dbt's constants, so (b) uses its rules."""
    constants = yaml.safe_load((ROOT / "dbt" / "dbt_project.yml").read_text())["vars"]
    return {**constants, **Settings.from_env().dbt_vars()}


def statements(sql: str, variables: dict) -> list[str]:
    """The script with its repeated block written out the configured number of times."""

    def expand(match: re.Match) -> str:
        return match.group(2) * int(variables[match.group(1)])

    return [s for s in REPEAT.sub(expand, sql).split(";\n") if s.strip()]


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
    for statement in statements(SCRIPT.read_text(), variables):
        conn.execute(statement)
    conn.execute(f"copy mart_values to '{out}' (format parquet)")
    return conn.execute("select count(*) from mart_values").fetchone()[0]


if __name__ == "__main__":
    implementation_main("(b) floor", run_floor, __doc__.splitlines()[0])
