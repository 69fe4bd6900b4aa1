"""The generator as a Dagster job, so a national-scale load test starts from the UI and its
progress (a line per file with rows/s, percent done and ETA) lands in the run log.

It writes SYNTHETIC DATA into a folder of its own, never the configured landing folder: a
load test must not mix invented extracts into real deliveries. Point
SUNDHEDSDATA_LANDING_DIR at <out>/landing to refresh from it.
"""

from pathlib import Path

from dagster import Config, Failure, OpExecutionContext, job, op

from dagster_project.settings import Settings


class SyntheticExtractsConfig(Config):
    """Where to write and how much: scale 1 is all of Denmark (about two minutes, 0.7 GB).

    Years left empty take the generator's defaults (synthetic/extracts.py).
    """

    out: str
    scale: float = 1.0
    seed: int = 2024
    survey_years: list[int] | None = None
    register_years: list[int] | None = None
    school_years: list[int] | None = None
    status_years: list[int] | None = None


@op(description="Write synthetic landing extracts (SYNTHETIC DATA) with progress in the run log.")
def write_synthetic_extracts(
    context: OpExecutionContext, config: SyntheticExtractsConfig, settings: Settings
) -> None:
    out = Path(config.out)
    live = settings.landing_dir.resolve()
    if (out / "landing").resolve() == live or out.resolve() == live:
        raise Failure(
            description=f"refusing to write synthetic extracts into the live landing folder {live}"
        )
    # numpy and pandas load here, not when Dagster loads the definitions for every run.
    from synthetic.extracts import generate_extracts

    # The config's fields are generate_extracts' own parameters (seed, scale, the years).
    options = config.model_dump(exclude={"out"})
    result = generate_extracts(out, progress=context.log.info, **options)
    size = sum(path.stat().st_size for path in result.files)
    context.log.info(
        f"{len(result.files)} files, {size / 1e6:,.1f} MB of SYNTHETIC DATA in "
        f"{result.landing_dir}; true values in {result.truth_dir}"
    )


@job(
    name="generate_synthetic_extracts",
    description=(
        "Generate national-scale synthetic extracts (SYNTHETIC DATA) for load tests and "
        "benchmarks, into a folder of their own; the run log shows rows/s and percent done."
    ),
)
def generate_synthetic_extracts():
    write_synthetic_extracts()
