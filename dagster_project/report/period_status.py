"""The status on the agreement to Sundhedsstyrelsen, midway and at the end of the period.

"Midtvejs og ved aftalens udløb udarbejdes en status på indfrielse af sundhedsaftalen til
Sundhedsstyrelsen." It compares, for the region and each cluster, the baseline at the start of
the period with the latest value (mart_objective_progress), shows the previous agreement's
targets where there are any, and gives every objective a status by two published rules:

- its indicators, judged on the region's progress: ``worsening`` when any indicator worsened
  significantly, else ``improving`` when any improved, else ``unchanged`` when any could be
  tested, else ``not assessable`` (no new data, a series break, not delivered);
- its activities, from the clusters' status survey of the year: ``under way`` when any is in
  progress or implemented, ``planned`` when all reported ones are planned or stopped, ``none
  reported`` when no cluster reported any.
"""

from dataclasses import dataclass, field

import duckdb

from dagster_project.report.content import Objective, Period, StatusReport, fetch_dicts


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    indicator_status: str | None  # None when the objective is followed by the survey only
    activity_status: str | None  # None when followed by indicators only
    implemented: int = 0
    in_progress: int = 0
    planned: int = 0
    stopped: int = 0


@dataclass
class PeriodStatus:
    report: StatusReport
    period: Period
    kind: str  # midtvejs or slut
    target_periods: dict[str, str] = field(default_factory=dict)  # code → Danish name
    objectives: list[ObjectiveStatus] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.report.year


def indicator_status(region_statuses: list[str]) -> str:
    if "worsening" in region_statuses:
        return "worsening"
    if "improving" in region_statuses:
        return "improving"
    if "no significant change" in region_statuses:
        return "unchanged"
    return "not assessable"


def activity_status(objective: Objective) -> str:
    if any(a.n_in_progress or a.n_implemented for a in objective.activities):
        return "under way"
    if any(a.n_planned or a.n_stopped for a in objective.activities):
        return "planned"
    return "none reported"


def load_period_status(conn: duckdb.DuckDBPyConnection, report: StatusReport) -> PeriodStatus:
    period = report.period
    kind = period.status_kind(report.year) if period else None
    if period is None or kind is None:
        raise ValueError(
            f"{report.year} is not a status year of an agreement period (dim_agreement_period)"
        )
    status = PeriodStatus(
        report,
        period,
        kind,
        target_periods={
            r["period_code"]: r["period_name_da"]
            for r in fetch_dicts(
                conn, "select period_code, period_name_da from dim_agreement_period"
            )
        },
    )
    for vision in report.visions:
        for objective in vision.objectives:
            follows_indicators = objective.follow_up != "status_survey"
            follows_survey = objective.follow_up != "indicators"
            region = [
                p.status
                for i in objective.indicators
                for p in i.progress
                if p.geography_level == "region"
            ]
            status.objectives.append(
                ObjectiveStatus(
                    objective=objective,
                    indicator_status=indicator_status(region) if follows_indicators else None,
                    activity_status=activity_status(objective) if follows_survey else None,
                    implemented=sum(a.n_implemented for a in objective.activities),
                    in_progress=sum(a.n_in_progress for a in objective.activities),
                    planned=sum(a.n_planned for a in objective.activities),
                    stopped=sum(a.n_stopped for a in objective.activities),
                )
            )
    return status
