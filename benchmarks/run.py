"""Benchmark harness, outside the test suite: `make bench SCALE=0.2`.

Generates synthetic extracts at the given scale (once per scale and seed), then measures, each
as a process of its own:
- (a) the platform: the nightly refresh through Dagster, dbt, the GX gate, publication and the
  report, from an empty warehouse; then a night with nothing new (the 02:00 schedule's tick,
  benchmarks/tick.py, and the job run by hand anyway); then after one new year's labour extract
  is added (the incremental path);
- (b) the floor: benchmarks/floor.sql, one DuckDB script from landing files to mart values;
- (c) benchmarks/pandas_marts.py, the same computation in vectorised pandas.
For each run it records wall time, CPU time and peak RSS (getrusage of the waited-for process
tree) and, for (a), the per-stage breakdown from the Dagster run log. It checks that (b) and (c)
publish the same mart values as (a) (benchmarks/agreement.py) and writes the ratios a/b and c/a
with everything else to benchmarks/results/ as JSON and markdown.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from benchmarks.agreement import compare, export_platform_values
from benchmarks.measure import measure
from benchmarks.report import BenchmarkResult, as_json, markdown

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
MANIFEST = "_synthetic_manifest.json"


def generate(out: Path, seed: int, scale: float, *options: str) -> None:
    """Generate extracts into out unless the same scale and seed are already there."""
    marker = out / "synthetic_truth" / "parameters.json"
    if marker.exists():
        parameters = json.loads(marker.read_text())
        if parameters["scale"] == scale and parameters["seed"] == seed:
            return
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "synthetic", "--out", str(out)),
            *("--seed", str(seed), "--scale", str(scale), *options),
        ],
        check=True,
        cwd=ROOT,
    )


def newest_labour_year(landing: Path) -> int:
    return max(int(p.stem.rsplit("_", 1)[1]) for p in (landing / "labour").glob("*.parquet"))


def delivery(data: Path, next_year: Path, target: Path) -> None:
    """The landing folder (a) reads: links to the generated files, and one manifest naming
    them and the next year's labour extract as synthetic, so adding that file later is a
    delivery like any other."""
    shutil.rmtree(target, ignore_errors=True)
    for file in (data / "landing").rglob("*"):
        if file.is_file() and file.name != MANIFEST:
            link = target / file.relative_to(data / "landing")
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(file)
    manifest = json.loads((data / "landing" / MANIFEST).read_text())
    extra = json.loads((next_year / "landing" / MANIFEST).read_text())["files"]
    manifest["files"].update({k: v for k, v in extra.items() if k.startswith("labour/")})
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sundhedsdata-bench"))
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument(
        "--spark",
        action="store_true",
        help="also run the full refresh with dbt on Spark (local mode) and compare its values",
    )
    args = parser.parse_args()
    results = args.results
    results.mkdir(parents=True, exist_ok=True)

    data = args.work / f"scale_{args.scale}"
    generate(data, args.seed, args.scale)
    year = newest_labour_year(data / "landing") + 1
    next_year = args.work / f"scale_{args.scale}_{year}"
    generate(
        next_year,
        args.seed + 1,
        args.scale,
        "--register-years",
        str(year),
        "--years",
        str(year - 1),
        "--school-years",
        "--status-years",
    )
    landing = args.work / f"delivery_{args.scale}"
    delivery(data, next_year, landing)

    warehouse = args.work / f"warehouse_{args.scale}"
    shutil.rmtree(warehouse, ignore_errors=True)
    home = args.work / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SUNDHEDSDATA_LANDING_DIR": str(landing),
        "SUNDHEDSDATA_QUARANTINE_DIR": str(args.work / "quarantine"),
        "SUNDHEDSDATA_WAREHOUSE_DIR": str(warehouse),
    }
    dagster = str(Path(sys.executable).with_name("dagster"))
    nightly = [
        dagster,
        *shlex.split("job execute -m dagster_project.definitions -j nightly_refresh"),
    ]
    python = sys.executable
    published = warehouse / "published.duckdb"
    values = {
        name: results / f"{name}_values.parquet"
        for name in ("a", "b", "c", "a_next", "b_next", "d")
    }

    def run(name: str, what: str, command: list[str]):
        print(f"benchmark: {name}: {what}", flush=True)
        runs[name] = measure(name, what, command, env, results / f"{name}.log")
        print(f"benchmark: {name}: {runs[name]}", flush=True)

    runs = {}
    run("a_full_refresh", "platform, empty warehouse", nightly)
    if not runs["a_full_refresh"].succeeded:
        # Nothing was published to compare with; the run's own log says why.
        raise SystemExit(
            f"benchmark: the full refresh failed, nothing published; see "
            f"{results / 'a_full_refresh.log'}"
        )
    export_platform_values(published, values["a"])
    # The explorer the full refresh published: its first view from the file system, per view.
    explorer = subprocess.run(
        [python, "-m", "benchmarks.explorer", str(warehouse)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    floor = [python, "-m", "benchmarks.floor", "--landing", str(landing)]
    run("b_duckdb_floor", "one DuckDB SQL script", [*floor, "--out", str(values["b"])])
    pandas = [python, "-m", "benchmarks.pandas_marts", "--landing", str(landing)]
    run("c_pandas", "vectorised pandas", [*pandas, "--out", str(values["c"])])
    agreements = [
        compare("(b) DuckDB floor", values["a"], values["b"]),
        compare("(c) pandas", values["a"], values["c"]),
    ]
    if args.spark:
        # The same night with dbt on Spark, in a warehouse of its own: the same landing files,
        # ingestion on DuckDB, the models on Spark, the marts read back, gated and published.
        spark_warehouse = args.work / f"warehouse_{args.scale}_spark"
        shutil.rmtree(spark_warehouse, ignore_errors=True)
        on_spark = {
            **env,
            "SUNDHEDSDATA_WAREHOUSE_DIR": str(spark_warehouse),
            "SUNDHEDSDATA_DBT_TARGET": "spark",
        }
        print("benchmark: d_spark_full_refresh: platform with dbt on Spark", flush=True)
        runs["d_spark_full_refresh"] = measure(
            "d_spark_full_refresh",
            "platform, empty warehouse, dbt on Spark (local mode)",
            nightly,
            on_spark,
            results / "d_spark_full_refresh.log",
        )
        print(f"benchmark: d_spark_full_refresh: {runs['d_spark_full_refresh']}", flush=True)
        export_platform_values(spark_warehouse / "published.duckdb", values["d"])
        agreements.append(compare("(d) dbt on Spark", values["a"], values["d"]))
    with duckdb.connect(str(warehouse / "build.duckdb"), read_only=True) as conn:
        labour_rows = conn.execute(
            "select sum(row_count) from raw._ingested_files where source = 'labour'"
        ).fetchone()[0]
    run("a_no_change_tick", "02:00 schedule tick, nothing new", [python, "-m", "benchmarks.tick"])
    run("a_no_change", "platform run by hand, nothing new", nightly)

    new_file = next((next_year / "landing" / "labour").glob("*.parquet"))
    (landing / "labour" / new_file.name).symlink_to(new_file)
    run("a_new_year", f"platform, labour {year} added", nightly)
    export_platform_values(published, values["a_next"])
    subprocess.run([*floor, "--out", str(values["b_next"])], check=True, cwd=ROOT)
    incremental = compare("(b) over all years", values["a_next"], values["b_next"])

    report = results / f"scale_{args.scale}.md"
    result = BenchmarkResult(args.scale, runs, agreements, incremental, labour_rows)
    report.write_text(
        f"{markdown(result)}\n## The explorer, opened from the file system\n\n{explorer}"
    )
    (results / f"scale_{args.scale}.json").write_text(json.dumps(as_json(result), indent=2) + "\n")
    print(report.read_text())
    fine = all(m.succeeded for m in runs.values())
    return 0 if fine and all(a.agrees for a in [*agreements, incremental]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
