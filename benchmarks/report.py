"""The benchmark report: runs, ratios, issue #6's targets and the agreement of (a), (b), (c).

Ratios are taken on the measured figures and compared with the targets of issue #6 at face
value; at a scale below 1 they show the trend, not the verdict.
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


def targets(runs: dict[str, Measurement], r: dict[str, float]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for each target of issue #6."""
    a = runs["a_full_refresh"]
    same, new_year = runs["a_no_change"], runs["a_new_year"]
    return [
        ("(a) <= 3 x (b), wall", f"a/b = {r['a_over_b_wall']}", r["a_over_b_wall"] <= 3),
        ("(a) faster than (c)", f"c/a = {r['c_over_a_wall']}", r["c_over_a_wall"] > 1),
        (
            "(a) peak RSS <= half of (c)'s",
            f"c/a = {r['c_over_a_peak_rss']}",
            r["c_over_a_peak_rss"] >= 2,
        ),
        ("(a) peak RSS <= 4 GB", f"{a.peak_rss_mb / 1024:.2f} GB", a.peak_rss_mb <= 4096),
        ("no changed file <= 20 s", f"{same.wall_s} s", same.wall_s <= 20),
        (
            "new year well under a full refresh (<= 1/2)",
            f"{new_year.wall_s} s = {new_year.wall_s / a.wall_s:.0%} of full",
            new_year.wall_s <= a.wall_s / 2,
        ),
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
        "",
        "## Targets of issue #6",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        *(f"| {t} | {m} | {'yes' if ok else 'NO'} |" for t, m, ok in targets(runs, r)),
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
        "targets": [
            {"target": t, "measured": m, "met": ok} for t, m, ok in targets(result.runs, r)
        ],
        "agreement": [{**asdict(a), "agrees": a.agrees} for a in agreements],
    }


def from_json(data: dict) -> BenchmarkResult:
    """A result from the JSON this module writes (its runs and agreements)."""
    runs = {run["name"]: Measurement(**run) for run in data["runs"]}

    def agreement(entry: dict) -> Agreement:
        return Agreement(**{k: v for k, v in entry.items() if k != "agrees"})

    *agreements, incremental = [agreement(a) for a in data["agreement"]]
    return BenchmarkResult(data["scale"], runs, agreements, incremental)


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
