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
        "warehouse/reports/: the annual status report for Sundhedssamarbejdsudvalget "
        "(status_<year>), one report per health cluster (status_<year>_<cluster>) and, in the "
        "period's midway and final years, the status to Sundhedsstyrelsen "
        "(status_periode_<period>_<year>); HTML and PDF, in Danish, self-contained (they open "
        "offline), rendered from the published marts."
    ),
)
def status_report(
    context: AssetExecutionContext, config: StatusReportConfig, settings: Settings
) -> MaterializeResult:
    rendered = write_status_report(settings, config.year)
    for report in rendered.reports:
        context.log.info(f"{report.kind} report {rendered.year}: {report.html} and {report.pdf}")
    annual = rendered.annual
    return MaterializeResult(
        metadata={
            "year": rendered.year,
            "html": MetadataValue.path(str(annual.html)),
            "pdf": MetadataValue.path(str(annual.pdf)),
            "reports": MetadataValue.json([r.html.name for r in rendered.reports]),
            "indicators": rendered.indicators,
            "pdf_bytes": annual.pdf.stat().st_size,
        }
    )
