"""Render the status report: HTML from a Jinja template, then the PDF of that same page."""

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dagster_project.report import formatting
from dagster_project.report.browser import print_pdf
from dagster_project.report.charts import trend_chart
from dagster_project.report.content import StatusReport, load_report, report_year
from dagster_project.settings import Settings

TEMPLATES = Path(__file__).parent / "templates"
FOLLOW_UP_DA = {
    "indicators": "indikatorer",
    "status_survey": "klyngernes statusundersøgelse",
    "indicators_and_status_survey": "indikatorer og klyngernes statusundersøgelse",
}


@dataclass(frozen=True)
class RenderedReport:
    year: int
    html: Path
    pdf: Path
    indicators: int


def render_html(report: StatusReport, min_cell_count: int, min_survey_respondents: int) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    template = environment.get_template("status_report.html.j2")
    return template.render(
        report=report,
        charts={i.code: trend_chart(i) for i in report.indicators if i.has_data},
        min_cell_count=min_cell_count,
        min_survey_respondents=min_survey_respondents,
        FOLLOW_UP_DA=FOLLOW_UP_DA,
        SUPPRESSED=formatting.SUPPRESSED,
        NO_DATA=formatting.NO_DATA,
        PROGRESS_STATUS_DA=formatting.PROGRESS_STATUS_DA,
        DIRECTION_DA=formatting.DIRECTION_DA,
        SOURCE_DA=formatting.SOURCE_DA,
        source_line=formatting.source_line,
        percent=formatting.percent,
        number=formatting.number,
        interval=formatting.interval,
        signed_points=formatting.signed_points,
        danish_time=formatting.danish_time,
    )


def _replace(path: Path, write) -> None:
    staged = path.with_name(f".{path.name}.tmp")
    write(staged)
    os.replace(staged, path)


def write_status_report(settings: Settings, year: int | None = None) -> RenderedReport:
    """warehouse/reports/status_<year>.html and .pdf, each replaced whole.

    Without a year, the year the clusters last reported on.
    """
    with settings.connect(settings.published_db, read_only=True) as conn:
        year = year or report_year(conn)
        report = load_report(conn, year)
    reports_dir = settings.reports_dir
    reports_dir.mkdir(parents=True, exist_ok=True)
    html = reports_dir / f"status_{year}.html"
    pdf = reports_dir / f"status_{year}.pdf"
    text = render_html(report, settings.min_cell_count, settings.min_survey_respondents)
    _replace(html, lambda p: p.write_text(text, encoding="utf-8"))
    _replace(pdf, lambda p: print_pdf(html, p))
    return RenderedReport(year, html, pdf, len(report.indicators))
