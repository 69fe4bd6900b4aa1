"""How each run and stage grows from one scale to another: `python -m benchmarks.growth 1 3`.

The question a scale-up answers is not how long a night takes but what grows with the data:
a cost that is a fixed price per night (starting Dagster, importing GX, rendering the report)
stays put, the work on rows grows with them. This reads two reports of `make bench`
(benchmarks/results/scale_<S>.json, written by benchmarks.run) and writes one table of both
scales and their quotient per run and per stage of the full refresh, to stdout and to
benchmarks/results/growth_<S1>_<S2>.md.
"""

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(scale: float) -> dict:
    path = RESULTS / f"scale_{float(scale)}.json"
    if not path.is_file():
        raise SystemExit(f"{path} is missing: run `make bench SCALE={scale:g}` first")
    return json.loads(path.read_text())


def _row(name: str, low: float | None, high: float | None) -> str:
    if low is None or high is None:
        shown = ["-" if v is None else f"{v:.2f}" for v in (low, high)]
        return f"| {name} | {shown[0]} | {shown[1]} | - |"
    growth = f"{high / low:.2f}" if low else "-"
    return f"| {name} | {low:.2f} | {high:.2f} | {growth} |"


def growth_report(small: dict, large: dict) -> str:
    """The markdown table of runs, ratios and the full refresh's stages at both scales."""
    s, big = small["scale"], large["scale"]
    runs_s = {r["name"]: r for r in small["runs"]}
    runs_l = {r["name"]: r for r in large["runs"]}
    lines = [
        f"# Growth from scale {s:g} to scale {big:g} (synthetic data)",
        "",
        f"Labour register rows: {small['labour_rows']:,} and {large['labour_rows']:,}.",
    ]
    for measure, title in (("wall_s", "run, wall s"), ("peak_rss_mb", "peak RSS MB")):
        lines += ["", f"| {title} | scale {s:g} | scale {big:g} | growth |", "|---|---:|---:|---:|"]
        for name, run in runs_s.items():
            lines.append(_row(name, run[measure], runs_l.get(name, {}).get(measure)))
    lines += ["", f"| ratio | scale {s:g} | scale {big:g} | growth |", "|---|---:|---:|---:|"]
    for name, value in small["ratios"].items():
        lines.append(_row(name, value, large["ratios"].get(name)))
    full_s = runs_s["a_full_refresh"].get("stages_s", {})
    full_l = runs_l.get("a_full_refresh", {}).get("stages_s", {})
    lines += [
        "",
        f"| stage of the full refresh, s | scale {s:g} | scale {big:g} | growth |",
        "|---|---:|---:|---:|",
    ]
    for stage in sorted(full_s, key=lambda k: -full_s[k]):
        lines.append(_row(stage, full_s[stage], full_l.get(stage)))
    outside = runs_s["a_full_refresh"]["wall_s"] - sum(full_s.values())
    outside_l = runs_l["a_full_refresh"]["wall_s"] - sum(full_l.values()) if full_l else None
    lines.append(_row("outside the stages (processes, Dagster)", outside, outside_l))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("small", type=float)
    parser.add_argument("large", type=float)
    args = parser.parse_args()
    report = growth_report(load(args.small), load(args.large))
    (RESULTS / f"growth_{args.small:g}_{args.large:g}.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
