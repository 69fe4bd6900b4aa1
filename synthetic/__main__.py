"""Command line: python -m synthetic --out data --seed 2024 --scale 0.05"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthetic.extracts import (
    REGISTER_YEARS,
    SCHOOL_YEARS,
    STATUS_YEARS,
    SURVEY_YEARS,
    generate_extracts,
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Write synthetic landing extracts (SYNTHETIC DATA)."
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for landing/ and synthetic_truth/"
    )
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--scale", type=float, default=0.05, help="1 = full Denmark (~5.9 M residents)"
    )
    parser.add_argument("--years", type=int, nargs="*", default=SURVEY_YEARS, help="survey rounds")
    parser.add_argument("--register-years", type=int, nargs="*", default=REGISTER_YEARS)
    parser.add_argument(
        "--school-years", type=int, nargs="*", default=SCHOOL_YEARS, help="by the year they end"
    )
    parser.add_argument("--status-years", type=int, nargs="*", default=STATUS_YEARS)
    parser.add_argument(
        "--published-years",
        type=int,
        nargs="*",
        default=[],
        help="survey rounds delivered as published municipal estimates, not respondents",
    )
    parser.add_argument(
        "--count-years",
        type=int,
        nargs="*",
        default=[],
        help="labour-register years delivered as an aggregated count table",
    )
    parser.add_argument(
        "--both-forms-years",
        type=int,
        nargs="*",
        default=[],
        help="survey rounds delivered both as respondents and as published municipal estimates",
    )
    args = parser.parse_args()
    result = generate_extracts(
        args.out,
        seed=args.seed,
        scale=args.scale,
        survey_years=args.years,
        register_years=args.register_years,
        school_years=args.school_years,
        status_years=args.status_years,
        published_years=args.published_years,
        count_years=args.count_years,
        both_forms_years=args.both_forms_years,
    )
    for path in result.files:
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"true values in {result.truth_dir}")


if __name__ == "__main__":
    main()
