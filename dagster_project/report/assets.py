"""The status report as a Dagster asset, downstream of publication (it reads the published file)."""

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset

from dagster_project.report.render import write_status_report
from dagster_project.settings import Settings


class StatusReportConfig(Config):
    """Leave year unset for the year the clusters last reported on; set it to re-issue a year."""

    year: int | None = None


@asset(
    name="status_report",
    group_name="reporting",
    owners=["team:sundhedsdata"],
    kinds={"html", "pdf"},
    deps=[AssetKey("published_warehouse")],
    description=(
        "warehouse/reports/status_<year>.html and .pdf: the annual status report for "
        "Sundhedssamarbejdsudvalget, in Danish, self-contained (opens offline), rendered from "
        "the published marts."
    ),
)
def status_report(
    context: AssetExecutionContext, config: StatusReportConfig, settings: Settings
) -> MaterializeResult:
    rendered = write_status_report(settings, config.year)
    year = rendered.year
    context.log.info(f"status report {year}: {rendered.html} and {rendered.pdf}")
    return MaterializeResult(
        metadata={
            "year": year,
            "html": MetadataValue.path(str(rendered.html)),
            "pdf": MetadataValue.path(str(rendered.pdf)),
            "indicators": rendered.indicators,
            "pdf_bytes": rendered.pdf.stat().st_size,
        }
    )
