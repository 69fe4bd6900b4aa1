"""Render the reports: HTML from Jinja templates, then the PDF of that same page.

Three kinds, all read from the publication and written to ``warehouse/reports/``:

- ``status_<year>``: the annual report to Sundhedssamarbejdsudvalget (all clusters);
- ``status_<year>_<cluster>``: each cluster's own report, for its political level;
- ``status_periode_<period>_<year>``: the status to Sundhedsstyrelsen, only in the period's
  midway and final status years (dim_agreement_period).

Every file is written beside its target and renamed over it, so a reader never opens half a
report; the PDFs are printed in one browser session.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dagster_project.report import formatting
from dagster_project.report.browser import print_pdfs
from dagster_project.report.charts import funnel_chart, trend_chart
from dagster_project.report.cluster_report import ClusterReport, load_cluster_report
from dagster_project.report.content import (
    DENMARK_SERIES,
    REGION_SERIES,
    StatusReport,
    load_report,
    report_year,
)
from dagster_project.report.inequality import IndicatorInequality, load_inequality, sii_indicator
from dagster_project.report.period_status import PeriodStatus, load_period_status
from dagster_project.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
FOLLOW_UP_DA = {
    "indicators": "indikatorer",
    "status_survey": "klyngernes statusundersøgelse",
    "indicators_and_status_survey": "indikatorer og klyngernes statusundersøgelse",
}
PERIOD_KIND_DA = {"midtvejs": "midtvejsstatus", "slut": "slutstatus"}
OBJECTIVE_STATUS_DA = {
    "improving": "I fremgang",
    "worsening": "Tilbagegang",
    "unchanged": "Uændret",
    "not assessable": "Kan ikke vurderes endnu",
}
ACTIVITY_STATUS_DA = {
    "under way": "Aktiviteter i gang",
    "planned": "Kun planlagte aktiviteter",
    "none reported": "Ingen aktiviteter indberettet",
}


@dataclass(frozen=True)
class RenderedReport:
    kind: str  # annual, cluster or period
    html: Path
    pdf: Path


@dataclass(frozen=True)
class RenderedReports:
    year: int
    indicators: int
    reports: list[RenderedReport]

    def of_kind(self, kind: str) -> list[RenderedReport]:
        return [r for r in self.reports if r.kind == kind]

    @property
    def annual(self) -> RenderedReport:
        return self.of_kind("annual")[0]


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    environment.globals.update(
        FOLLOW_UP_DA=FOLLOW_UP_DA,
        PERIOD_KIND_DA=PERIOD_KIND_DA,
        OBJECTIVE_STATUS_DA=OBJECTIVE_STATUS_DA,
        ACTIVITY_STATUS_DA=ACTIVITY_STATUS_DA,
        SUPPRESSED=formatting.SUPPRESSED,
        NO_DATA=formatting.NO_DATA,
        PROGRESS_STATUS_DA=formatting.PROGRESS_STATUS_DA,
        DIRECTION_DA=formatting.DIRECTION_DA,
        COMPARED_DA=formatting.COMPARED_DA,
        TREND_DA=formatting.TREND_DA,
        FUNNEL_DA=formatting.FUNNEL_DA,
        SOURCE_DA=formatting.SOURCE_DA,
        source_line=formatting.source_line,
        percent=formatting.percent,
        number=formatting.number,
        interval=formatting.interval,
        signed_points=formatting.signed_points,
        signed_number=formatting.signed_number,
        danish_time=formatting.danish_time,
        compared_class=formatting.compared_class,
        progress_arrow=formatting.progress_arrow,
    )
    return environment


def render_html(
    report: StatusReport,
    min_cell_count: int,
    min_survey_respondents: int,
    inequality: list[IndicatorInequality] | None = None,
    education_min_age: int = 25,
) -> str:
    """The annual report: every cluster, the region and Denmark, inequality first."""
    inequality = inequality or []
    return (
        _environment()
        .get_template("status_report.html.j2")
        .render(
            report=report,
            document_title=f"Statusrapport {report.year} – {report.period_name}",
            series_keys=[s.key for s in report.indicators[0].series],
            charts={i.code: trend_chart(i) for i in report.indicators if i.has_data},
            funnels={i.code: funnel_chart(i) for i in report.indicators if i.funnel},
            inequality=inequality,
            education_min_age=education_min_age,
            sii_charts={
                item.code: trend_chart(
                    sii_indicator(item, report.region_code, report.country_code), unit="points"
                )
                for item in inequality
            },
            min_cell_count=min_cell_count,
            min_survey_respondents=min_survey_respondents,
        )
    )


def render_cluster_html(
    cluster: ClusterReport, min_cell_count: int, min_survey_respondents: int
) -> str:
    """One cluster's report: the cluster, the region and Denmark, the cluster's intervals drawn."""
    report = cluster.report
    keys = [cluster.cluster_code, REGION_SERIES, DENMARK_SERIES]
    return (
        _environment()
        .get_template("cluster_report.html.j2")
        .render(
            cluster=cluster,
            report=report,
            document_title=f"Statusrapport {report.year} – {cluster.cluster_name}",
            series_keys=keys,
            charts={
                i.code: trend_chart(i, series_keys=keys, selected=cluster.cluster_code)
                for i in report.indicators
                if i.has_data
            },
            funnels={
                i.code: funnel_chart(i, highlight={m.code for m in cluster.municipalities})
                for i in report.indicators
                if i.funnel
            },
            min_cell_count=min_cell_count,
            min_survey_respondents=min_survey_respondents,
        )
    )


def render_period_html(
    status: PeriodStatus, min_cell_count: int, min_survey_respondents: int
) -> str:
    """The status to Sundhedsstyrelsen: baseline against latest, targets, objective statuses."""
    kind = PERIOD_KIND_DA[status.kind]
    return (
        _environment()
        .get_template("period_status.html.j2")
        .render(
            status=status,
            report=status.report,
            document_title=f"{status.period.name}: {kind} {status.year}",
            min_cell_count=min_cell_count,
            min_survey_respondents=min_survey_respondents,
        )
    )


def _staged(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def write_status_report(settings: Settings, year: int | None = None) -> RenderedReports:
    """All of the year's reports, each HTML and PDF replaced whole.

    Without a year, the year the clusters last reported on.
    """
    with settings.connect(settings.published_db, read_only=True) as conn:
        year = year or report_year(conn)
        report = load_report(conn, year, settings.region_code, settings.country_code)
        inequality = load_inequality(conn)
        clusters = [load_cluster_report(conn, report, code) for code in report.clusters]
        period = (
            load_period_status(conn, report)
            if report.period and report.period.status_kind(year)
            else None
        )
    limits = (settings.min_cell_count, settings.min_survey_respondents)
    annual = render_html(report, *limits, inequality, settings.education_min_age)
    texts: list[tuple[str, str, str]] = [("annual", f"status_{year}", annual)]
    texts += [
        ("cluster", f"status_{year}_{c.cluster_code}", render_cluster_html(c, *limits))
        for c in clusters
    ]
    if period is not None:
        texts.append(
            (
                "period",
                f"status_periode_{period.period.code}_{year}",
                render_period_html(period, *limits),
            )
        )
    reports_dir = settings.reports_dir
    reports_dir.mkdir(parents=True, exist_ok=True)
    rendered = [
        RenderedReport(kind, reports_dir / f"{stem}.html", reports_dir / f"{stem}.pdf")
        for kind, stem, _ in texts
    ]
    for report_file, (_, _, text) in zip(rendered, texts, strict=True):
        _staged(report_file.html).write_text(text, encoding="utf-8")
        os.replace(_staged(report_file.html), report_file.html)
    print_pdfs([(r.html, _staged(r.pdf)) for r in rendered], settings.chromium)
    for r in rendered:
        os.replace(_staged(r.pdf), r.pdf)
    return RenderedReports(year, len(report.indicators), rendered)
