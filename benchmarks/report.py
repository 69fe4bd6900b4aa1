"""The benchmark report: runs, ratios, the targets and the agreement of (a), (b), (c).

Ratios are taken on the measured figures and compared with the targets at
face value; at a scale other than 1 they show the trend, not the verdict.
"""

import argparse
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.agreement import Agreement
from benchmarks.measure import Measurement


@dataclass
class BenchmarkResult:
    scale: float
    runs: dict[str, Measurement]
    agreements: list[Agreement]  # (b) and (c) against (a)'s full refresh
    incremental_agreement: Agreement  # (a) after the new year against (b) from scratch
    labour_rows: int = 0  # person-years the full refresh ingested from the labour register


def ratios(runs: dict[str, Measurement]) -> dict[str, float]:
    """a/b and c/a in time and memory, from the full refresh, the floor and pandas."""
    a, b, c = runs["a_full_refresh"], runs["b_duckdb_floor"], runs["c_pandas"]
    return {
        "a_over_b_wall": round(a.wall_s / b.wall_s, 2),
        "a_over_b_cpu": round(a.cpu_s / b.cpu_s, 2),
        "a_over_b_peak_rss": round(a.peak_rss_mb / b.peak_rss_mb, 2),
        "c_over_a_wall": round(c.wall_s / a.wall_s, 2),
        "c_over_a_cpu": round(c.cpu_s / a.cpu_s, 2),
        "c_over_a_peak_rss": round(c.peak_rss_mb / a.peak_rss_mb, 2),
    }


def labour_rate(result: "BenchmarkResult") -> float:
    """Labour-register rows per second of the full refresh's labour ingestion step."""
    seconds = result.runs["a_full_refresh"].stages_s.get("raw__labour_person_years", 0.0)
    return result.labour_rows / seconds if seconds else 0.0


def targets(result: "BenchmarkResult", r: dict[str, float]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target."""
    runs = result.runs
    a = runs["a_full_refresh"]
    tick = runs["a_no_change_tick"].stages_s.get("schedule_tick", float("inf"))
    new_year = runs["a_new_year"]
    gate = a.stages_s.get("gx_gate", float("inf"))
    audit = a.stages_s.get("marts__fct_indicator_observation_disclosure_audit", float("inf"))
    rate = labour_rate(result)
    return [
        (
            "full refresh <= 10 x the floor, wall",
            f"a/b = {r['a_over_b_wall']}",
            r["a_over_b_wall"] <= 10,
        ),
        # The raw layer's targets, beside the earlier and stricter ones above and below.
        (
            "full refresh <= 15 x the floor, wall",
            f"a/b = {r['a_over_b_wall']}",
            r["a_over_b_wall"] <= 15,
        ),
        ("no-change night (the schedule's tick) <= 5 s", f"{tick} s", tick <= 5),
        (
            "new register year <= 25% of a full refresh",
            f"{new_year.wall_s} s = {new_year.wall_s / a.wall_s:.0%} of full",
            new_year.wall_s <= a.wall_s / 4,
        ),
        (
            "new register year <= 30% of a full refresh",
            f"{new_year.wall_s} s = {new_year.wall_s / a.wall_s:.0%} of full",
            new_year.wall_s <= a.wall_s * 0.3,
        ),
        (
            "full refresh peak RSS <= 1.5 GB",
            f"{a.peak_rss_mb / 1024:.2f} GB",
            a.peak_rss_mb <= 1536,
        ),
        ("GX gate over the gated marts <= 2 s", f"{gate} s", gate <= 2),
        ("disclosure audit (feasibility intervals) <= 10 s", f"{audit} s", audit <= 10),
        (
            "labour register ingested at >= 5 M rows/s",
            f"{result.labour_rows:,} rows at {rate / 1e6:.2f} M rows/s",
            rate >= 5e6,
        ),
        (
            "(a) faster than (c), wall",
            f"c/a = {r['c_over_a_wall']}",
            r["c_over_a_wall"] > 1,
        ),
        (
            "(a) peak RSS <= half of (c)'s",
            f"c/a = {r['c_over_a_peak_rss']}",
            r["c_over_a_peak_rss"] >= 2,
        ),
    ]


def spark_ratio(runs: dict[str, Measurement]) -> list[str]:
    """d/a: the full refresh with dbt on Spark against the one on DuckDB (make bench SPARK=1)."""
    if "d_spark_full_refresh" not in runs:
        return []
    a, d = runs["a_full_refresh"], runs["d_spark_full_refresh"]
    return [
        f"| d/a (Spark/DuckDB) | {d.wall_s / a.wall_s:.2f} | {d.cpu_s / a.cpu_s:.2f} "
        f"| {d.peak_rss_mb / a.peak_rss_mb:.2f} |"
    ]


def markdown(result: BenchmarkResult) -> str:
    scale, runs, agreements = result.scale, result.runs, result.agreements
    incremental_agreement = result.incremental_agreement
    r = ratios(runs)
    lines = [
        f"# Benchmark at scale {scale} (synthetic data), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        "| run | what | ok | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---:|---:|---:|",
        *(
            f"| {m.name} | {m.what} | {m.succeeded} | {m.wall_s} | {m.cpu_s} | {m.peak_rss_mb} |"
            for m in runs.values()
        ),
        "",
        "## Ratios",
        "",
        "| ratio | wall | CPU | peak RSS |",
        "|---|---:|---:|---:|",
        f"| a/b | {r['a_over_b_wall']} | {r['a_over_b_cpu']} | {r['a_over_b_peak_rss']} |",
        f"| c/a | {r['c_over_a_wall']} | {r['c_over_a_cpu']} | {r['c_over_a_peak_rss']} |",
        *spark_ratio(runs),
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {t} | {m} | {'yes' if ok else 'NO'} |" for t, m, ok in targets(result, r)),
        "",
        "## Agreement on the mart values",
        "",
        *(f"- {a.summary()}" for a in agreements),
        f"- after the new year, incrementally: {incremental_agreement.summary()}",
    ]
    for m in runs.values():
        if m.stages_s:
            lines += ["", f"## Stages of {m.name}", "", "| stage | s |", "|---|---:|"]
            ranked = sorted(m.stages_s.items(), key=lambda item: -item[1])
            lines += [f"| {stage} | {seconds} |" for stage, seconds in ranked]
    return "\n".join(lines) + "\n"


def as_json(result: BenchmarkResult) -> dict:
    r = ratios(result.runs)
    agreements = [*result.agreements, result.incremental_agreement]
    return {
        "scale": result.scale,
        "synthetic": True,
        "runs": [asdict(m) for m in result.runs.values()],
        "ratios": r,
        "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(result, r)],
        "labour_rows": result.labour_rows,
        "agreement": [{**asdict(a), "agrees": a.agrees} for a in agreements],
    }


def from_json(data: dict) -> BenchmarkResult:
    """A result from the JSON this module writes (its runs and agreements)."""
    runs = {run["name"]: Measurement(**run) for run in data["runs"]}

    def agreement(entry: dict) -> Agreement:
        return Agreement(**{k: v for k, v in entry.items() if k != "agrees"})

    *agreements, incremental = [agreement(a) for a in data["agreement"]]
    return BenchmarkResult(data["scale"], runs, agreements, incremental, data.get("labour_rows", 0))


def main() -> None:
    """Re-render a result's report (markdown and JSON) from its runs, with today's targets."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("result", type=Path, help="a scale_<S>.json written by benchmarks.run")
    parser.add_argument("--markdown", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    result = from_json(json.loads(args.result.read_text()))
    args.markdown.write_text(markdown(result))
    args.json.write_text(json.dumps(as_json(result), indent=2) + "\n")


if __name__ == "__main__":
    main()
