"""The live FOLK1A download from StatBank as a job of its own, started by hand or by a schedule.

It only writes a validated file into landing/folk1a/; the landing-folder sensor (nightly.py)
then starts the refresh, so the download and the refresh never share a run.
"""

from dagster import Config, OpExecutionContext, job, op

from dagster_project.settings import Settings
from dagster_project.sources.statbank import StatBankClient, fetch_folk1a


class Folk1aQuarter(Config):
    quarter: str  # e.g. 2026K1


@op(description="Download FOLK1A for a quarter from StatBank into landing/folk1a/ (validated).")
def download_folk1a(context: OpExecutionContext, config: Folk1aQuarter, settings: Settings) -> None:
    path, changed = fetch_folk1a(StatBankClient.of(settings), config.quarter, settings)
    context.log.info(f"{path} {'written' if changed else 'unchanged'}")


@job(
    name="fetch_statbank_folk1a",
    description=(
        "Fetch FOLK1A live from the StatBank API (SUNDHEDSDATA_STATBANK_URL). The landing-folder "
        "sensor starts the refresh when the file is new or changed."
    ),
)
def fetch_statbank_folk1a():
    download_folk1a()
