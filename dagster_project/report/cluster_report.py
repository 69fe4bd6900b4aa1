"""What a cluster's own annual report says, on top of the annual report's content.

The agreement makes each health cluster follow up on its own work at least once a year. Its
report is for the cluster's political level: the cluster against the region and Denmark, the
values of its member municipalities, its own activities this year and last, and what changed
since the year before. The municipalities are today's members: the marts compute every year's
cluster values for them (constant geography).
"""

from dataclasses import dataclass, field

import duckdb

from dagster_project.report.content import (
    ClusterActivities,
    Estimate,
    StatusReport,
    activities,
    estimate_of,
    fetch_dicts,
)
from dagster_project.report.notes import NoteTranslator


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str


@dataclass
class ClusterReport:
    report: StatusReport
    cluster_code: str
    cluster_name: str
    municipalities: list[Municipality]
    # indicator code → kommune code → the value in the indicator's latest year
    municipality_values: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    # objective code → this year's and last year's activities (None when not reported)
    activities: dict[str, tuple[ClusterActivities | None, ClusterActivities | None]] = field(
        default_factory=dict
    )

    @property
    def year(self) -> int:
        return self.report.year


def load_cluster_report(
    conn: duckdb.DuckDBPyConnection, report: StatusReport, cluster_code: str
) -> ClusterReport:
    year = report.year
    members = [
        Municipality(r["kommune_kode"], r["kommune_name_da"])
        for r in fetch_dicts(
            conn,
            # Today's members, as the marts compute every year's cluster values for them.
            "select m.kommune_kode, d.kommune_name_da from dim_cluster_membership as m "
            "inner join dim_municipality as d on m.kommune_kode = d.kommune_kode "
            "where m.cluster_code = ? and m.is_current order by d.kommune_name_da",
            [cluster_code],
        )
    ]
    notes = NoteTranslator.from_publication(conn)
    cluster = ClusterReport(report, cluster_code, report.clusters[cluster_code], members)
    codes = [m.code for m in members]
    for indicator in report.indicators:
        if not indicator.has_data:
            continue
        rows = fetch_dicts(
            conn,
            "select * from mart_indicator_municipality_year where indicator_code = ? "
            "and year = ? and list_contains(?, kommune_kode)",
            [indicator.code, indicator.latest_year, codes],
        )
        cluster.municipality_values[indicator.code] = {
            r["kommune_kode"]: estimate_of(r, notes, "compared_to_region") for r in rows
        }
    for objective in (o for v in report.visions for o in v.objectives):
        this_year = {a.cluster_code: a for a in objective.activities}.get(cluster_code)
        last_year = {a.cluster_code: a for a in activities(conn, objective.code, year - 1)}
        if this_year or cluster_code in last_year:
            cluster.activities[objective.code] = (this_year, last_year.get(cluster_code))
    return cluster
