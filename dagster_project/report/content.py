"""What the annual status report says, read from the published marts (never the build database).

The report is for Sundhedssamarbejdsudvalget: per vision → objective → indicator the latest value
for each health cluster, the region and Denmark with intervals, the trend over every year, the
progress status, and each cluster's activity status from the clusters' own survey. It reads
only what BI reads, so the committee and the dashboards can never disagree.
"""

from dataclasses import dataclass, field

import duckdb

from dagster_project.report.notes import NoteTranslator

REGION_SERIES = "region"
DENMARK_SERIES = "denmark"


@dataclass(frozen=True)
class Estimate:
    value: float | None
    ci_lower: float | None
    ci_upper: float | None
    is_suppressed: bool
    # better, similar, worse or not compared: a cluster or municipality against the region,
    # the region against Denmark; None for Denmark itself, the benchmark.
    compared: str | None = None
    note_da: str | None = None  # the value note in Danish, without "syntetiske data"
    # The mart's recent trend up to this year (Fingertips' markers), None where withheld.
    trend: str | None = None


@dataclass(frozen=True)
class FunnelPoint:
    """A municipality in the funnel plot: its published value, the n the funnel puts it at
    (the survey design's effective n, or the denominator) and its limits at that n."""

    code: str
    name: str
    n: float
    value: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float
    position: str


@dataclass(frozen=True)
class Funnel:
    """The region's municipalities in the indicator's latest year around the region's value
    (PHEindicatormethods' limits, computed in the mart); withheld municipalities are left out."""

    year: int
    region_value: float
    points: list[FunnelPoint]


@dataclass(frozen=True)
class Series:
    """One line of a trend chart: a cluster, the region or Denmark."""

    key: str
    label: str
    kind: str  # cluster, region or country
    points: dict[int, Estimate]
    code: str = ""  # the geography code: cluster code, region code or 000

    def latest_before(self, year: int) -> tuple[int, Estimate] | None:
        """The last year before ``year`` with a published value, for "since last year"."""
        earlier = [(y, p) for y, p in self.points.items() if y < year and p.value is not None]
        return max(earlier, key=lambda item: item[0]) if earlier else None


@dataclass(frozen=True)
class Progress:
    geography: str
    geography_code: str
    geography_level: str
    baseline_year: int | None
    baseline_value: float | None
    latest_year: int | None
    latest_value: float | None
    change_points: float | None
    status: str
    target_period: str | None = None
    target_value: float | None = None


@dataclass(frozen=True)
class Provenance:
    """The form an indicator's figures came in for some of its years (listed oldest first)."""

    source_kind: str  # microdata, aggregated_counts or published_estimate
    years: list[int]
    is_synthetic: bool


@dataclass
class Indicator:
    code: str
    name: str
    direction: str
    source: str
    caveats: str | None
    years: list[int]
    break_years: list[int]
    series: list[Series]
    progress: list[Progress]
    provenance: list[Provenance] = field(default_factory=list)
    funnel: Funnel | None = None

    @property
    def is_synthetic(self) -> bool:
        """True when a synthetic file fed any of the indicator's figures."""
        return any(p.is_synthetic for p in self.provenance)

    @property
    def has_data(self) -> bool:
        """False while the indicator's source has not been delivered: no year to show."""
        return bool(self.years)

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    def series_for(self, key: str) -> Series:
        return next(s for s in self.series if s.key == key)

    def progress_for(self, geography_code: str) -> Progress | None:
        return next((p for p in self.progress if p.geography_code == geography_code), None)


@dataclass(frozen=True)
class ClusterActivities:
    cluster_code: str
    cluster: str
    n_planned: int
    n_in_progress: int
    n_implemented: int
    n_stopped: int
    activities: str | None


@dataclass
class Objective:
    code: str
    name: str
    follow_up: str
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[ClusterActivities] = field(default_factory=list)


@dataclass
class Vision:
    code: str
    name: str
    objectives: list[Objective] = field(default_factory=list)


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    starts_year: int
    ends_year: int
    midway_status_year: int | None
    final_status_year: int | None

    def status_kind(self, year: int) -> str | None:
        """midtvejs or slut when ``year`` is a year of a status to Sundhedsstyrelsen."""
        if year == self.final_status_year:
            return "slut"
        if year == self.midway_status_year:
            return "midtvejs"
        return None


@dataclass
class StatusReport:
    year: int
    period_name: str
    run_id: str
    published_at: str
    visions: list[Vision]
    period: Period | None = None
    clusters: dict[str, str] = field(default_factory=dict)  # code → Danish name, in order
    region_code: str = ""  # the settings' region
    region_name: str = ""
    country_code: str = ""  # the code Denmark is published under

    @property
    def indicators(self) -> list[Indicator]:
        return [i for v in self.visions for o in v.objectives for i in o.indicators]

    @property
    def is_synthetic(self) -> bool:
        """True when a synthetic file fed any indicator: the report's banner then says so."""
        return any(i.is_synthetic for i in self.indicators)


def fetch_dicts(
    conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
) -> list[dict]:
    cursor = conn.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def report_year(conn: duckdb.DuckDBPyConnection) -> int:
    """The year the clusters last reported on (the status survey), else the latest data year."""
    return conn.execute(
        "select coalesce((select max(year) from mart_cluster_activity_status), "
        "(select max(year) from mart_indicator_cluster_year))"
    ).fetchone()[0]


def load_report(
    conn: duckdb.DuckDBPyConnection, year: int, region_code: str, country_code: str
) -> StatusReport:
    """Everything the report shows, read from an open connection to the publication; the
    region and Denmark are the settings' codes."""
    publication = fetch_dicts(conn, "select run_id, published_at from _publication")[0]
    periods = fetch_dicts(
        conn,
        "select period_code, period_name_da, extract(year from starts_on) as starts_year, "
        "extract(year from ends_on) as ends_year, midway_status_year, final_status_year "
        "from dim_agreement_period where ? between extract(year from starts_on) "
        "and extract(year from ends_on) order by starts_on desc",
        [year],
    )
    period = Period(*periods[0].values()) if periods else None
    clusters = fetch_dicts(conn, "select cluster_code, cluster_name_da from dim_cluster order by 1")
    region_name = conn.execute(
        "select region_name_da from dim_region where region_code = ?", [region_code]
    ).fetchone()[0]
    geography_names = {c["cluster_code"]: c["cluster_name_da"] for c in clusters}
    geography_names[region_code] = region_name
    notes = NoteTranslator.from_publication(conn)
    visions = [
        Vision(v["vision_code"], v["vision_name_da"])
        for v in fetch_dicts(conn, "select * from dim_vision order by sort_order")
    ]
    objectives = fetch_dicts(conn, "select * from dim_objective order by sort_order")
    indicators = fetch_dicts(conn, "select * from dim_indicator order by sort_order")
    for vision in visions:
        for o in (o for o in objectives if o["vision_code"] == vision.code):
            objective = Objective(o["objective_code"], o["objective_name_da"], o["follow_up"])
            objective.indicators = [
                _indicator(
                    conn,
                    i,
                    clusters,
                    region_code,
                    country_code,
                    region_name,
                    geography_names,
                    notes,
                )
                for i in indicators
                if i["objective_code"] == objective.code
            ]
            objective.activities = activities(conn, objective.code, year)
            vision.objectives.append(objective)
    return StatusReport(
        year=year,
        period_name=period.name if period else "",
        run_id=publication["run_id"],
        published_at=str(publication["published_at"]),
        visions=visions,
        period=period,
        clusters={c["cluster_code"]: c["cluster_name_da"] for c in clusters},
        region_code=region_code,
        region_name=region_name,
        country_code=country_code,
    )


def estimate_of(row: dict, notes: NoteTranslator, compared_column: str | None) -> Estimate:
    """A mart row's value, interval, suppression, comparison (from ``compared_column``, if
    any) and Danish value note."""
    return Estimate(
        value=row["value"],
        ci_lower=row["ci_lower"],
        ci_upper=row["ci_upper"],
        is_suppressed=bool(row["is_suppressed"]),
        compared=row[compared_column] if compared_column else None,
        note_da=notes.danish(row["value_note"], leave_out=("synthetic data",)),
        trend=row.get("recent_trend"),
    )


def _indicator(
    conn: duckdb.DuckDBPyConnection,
    row: dict,
    clusters: list[dict],
    region_code: str,
    country_code: str,
    region_name: str,
    geography_names: dict[str, str],
    notes: NoteTranslator,
) -> Indicator:
    code = row["indicator_code"]
    cluster_rows = fetch_dicts(
        conn, "select * from mart_indicator_cluster_year where indicator_code = ?", [code]
    )
    benchmark_rows = fetch_dicts(
        conn,
        "select * from mart_indicator_region_year where indicator_code = ? "
        "and geography_code in (?, ?)",
        [code, region_code, country_code],
    )
    series = [
        Series(
            key=c["cluster_code"],
            label=c["cluster_name_da"],
            kind="cluster",
            points={
                r["year"]: estimate_of(r, notes, "compared_to_region")
                for r in cluster_rows
                if r["cluster_code"] == c["cluster_code"]
            },
            code=c["cluster_code"],
        )
        for c in clusters
    ]
    series.append(
        Series(
            REGION_SERIES,
            region_name,
            "region",
            {
                r["year"]: estimate_of(r, notes, "compared_to_denmark")
                for r in benchmark_rows
                if r["geography_level"] == "region"
            },
            code=region_code,
        )
    )
    series.append(
        Series(
            DENMARK_SERIES,
            "Hele landet",
            "country",
            {
                r["year"]: estimate_of(r, notes, None)
                for r in benchmark_rows
                if r["geography_level"] == "country"
            },
            code=country_code,
        )
    )
    years = sorted({r["year"] for r in cluster_rows} | {r["year"] for r in benchmark_rows})
    break_years = sorted({r["year"] for r in benchmark_rows if r["is_series_break"]})
    progress = [
        Progress(
            **{**p, "geography": geography_names.get(p["geography_code"], p["geography_code"])}
        )
        for p in fetch_dicts(
            conn,
            "select geography_code, geography_level, baseline_year, baseline_value, "
            "latest_year, latest_value, change_points, progress_status as status, "
            "target_period_code as target_period, target_value "
            "from mart_objective_progress where indicator_code = ? "
            "order by geography_level, geography_code",
            [code],
        )
    ]
    rows = cluster_rows + benchmark_rows
    provenance = [
        Provenance(
            source_kind=kind,
            years=sorted({r["year"] for r in rows if r["source_kind"] == kind}),
            is_synthetic=any(r["is_synthetic"] for r in rows if r["source_kind"] == kind),
        )
        for kind in sorted(
            {r["source_kind"] for r in rows},
            key=lambda k: min(r["year"] for r in rows if r["source_kind"] == k),
        )
    ]
    return Indicator(
        code=code,
        name=row["indicator_name_da"],
        direction=row["direction"],
        source=row["source_code"],
        caveats=row["caveats_da"] or None,
        years=years,
        break_years=break_years,
        series=series,
        progress=progress,
        provenance=provenance,
        funnel=_funnel(conn, code, region_code, years[-1]) if years else None,
    )


def _funnel(
    conn: duckdb.DuckDBPyConnection, indicator_code: str, region_code: str, year: int
) -> Funnel | None:
    """The region's municipalities with a published value and funnel limits in ``year``."""
    rows = fetch_dicts(
        conn,
        "select kommune_kode as code, kommune_name_da as name, effective_n as n, value, "
        "funnel_lower_95 as lower_95, funnel_upper_95 as upper_95, "
        "funnel_lower_998 as lower_998, funnel_upper_998 as upper_998, "
        "funnel_position as position, region_value "
        "from mart_indicator_municipality_year where indicator_code = ? and year = ? "
        "and region_code = ? and funnel_position is not null order by effective_n",
        [indicator_code, year, region_code],
    )
    if not rows:
        return None
    return Funnel(
        year=year,
        region_value=rows[0]["region_value"],
        points=[FunnelPoint(**{k: v for k, v in r.items() if k != "region_value"}) for r in rows],
    )


def activities(conn: duckdb.DuckDBPyConnection, objective: str, year: int) -> list:
    """Each cluster's reported activities under an objective in a year (the status survey)."""
    rows = fetch_dicts(
        conn,
        "select cluster_code, cluster_name_da as cluster, n_planned, n_in_progress, "
        "n_implemented, n_stopped, activities from mart_cluster_activity_status "
        "where objective_code = ? and year = ? order by cluster_code",
        [objective, year],
    )
    return [ClusterActivities(**row) for row in rows]
