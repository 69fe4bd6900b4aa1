"""Sundhedsaftalen i tal: the offline indicator explorer, written into each release.

The explorer is a folder of static files (``index.html``, its script and style, the charting
library and ``data.js``) that opens from the file system with no server and asks for nothing
outside its folder. Publication writes it into the release it is building, from that release's
own tables, so the atomic switch that hands BI a new release hands the explorer the same
figures; ``warehouse/explorer`` is a link into the current release.

The figures go into ``data.js`` as one assignment rather than a JSON file: a page opened from
``file://`` may run a script beside it but may not fetch a file. Every Danish label comes from
the reports' own tables (``report/formatting.py``) and value notes from ``dim_value_note``, so
the explorer and the reports say the same things the same way.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from dagster_project.report import formatting
from dagster_project.report.content import fetch_dicts
from dagster_project.report.notes import NoteTranslator
from dagster_project.settings import REPO_ROOT

EXPLORER_DIR = "explorer"
APP_DIR = REPO_ROOT / "explorer" / "app"
NODE_MODULES = REPO_ROOT / "explorer" / "node_modules"
# The charting library and the one it is drawn with, vendored from their npm packages
# (explorer/package.json, installed by make's install step).
VENDORED = {
    "d3.min.js": NODE_MODULES / "d3" / "dist" / "d3.min.js",
    "plot.umd.min.js": NODE_MODULES / "@observablehq" / "plot" / "dist" / "plot.umd.min.js",
}
SYNTHETIC_NOTE = "synthetic data"


# The change since the agreement's baseline for the region's municipalities, by the rule
# mart_objective_progress applies to the clusters and the region: the baseline is the last
# published value up to the first year of the agreement period (the newest in
# dim_agreement_period), compared with the latest only within one series. The mart also tests
# the change; a municipality's change is shown untested (status null) unless there is nothing
# to compare.
MUNICIPALITY_BASELINES = """
with

period as (
    select extract(year from starts_on) as first_year
    from dim_agreement_period
    order by starts_on desc
    limit 1
),

shown as (
    select indicator_code, kommune_kode, year, value, series_number
    from mart_indicator_municipality_year
    where region_code = ? and not is_suppressed and value is not null
),

chosen as (
    select
        shown.indicator_code,
        shown.kommune_kode,
        max(case when shown.year <= period.first_year then shown.year end) as baseline_year,
        max(shown.year) as latest_year
    from shown
    cross join period
    group by shown.indicator_code, shown.kommune_kode
)

select
    chosen.indicator_code,
    chosen.kommune_kode as geography_code,
    chosen.baseline_year,
    baseline.value as baseline_value,
    chosen.latest_year,
    latest.value as latest_value,
    case
        when baseline.series_number = latest.series_number
            and chosen.latest_year > chosen.baseline_year
            then round(latest.value - baseline.value, 1)
    end as change_points,
    case
        when chosen.baseline_year is null then 'no data'
        when chosen.latest_year = chosen.baseline_year then 'no new data'
        when baseline.series_number <> latest.series_number then 'not comparable'
    end as progress_status,
    null as target_value,
    null as target_period_code
from chosen
left join shown as baseline
    on chosen.indicator_code = baseline.indicator_code
    and chosen.kommune_kode = baseline.kommune_kode
    and chosen.baseline_year = baseline.year
left join shown as latest
    on chosen.indicator_code = latest.indicator_code
    and chosen.kommune_kode = latest.kommune_kode
    and chosen.latest_year = latest.year
order by 1, 2
"""


class ExplorerNotInstalled(FileNotFoundError):
    """The explorer's vendored parts are missing: its npm packages were never installed."""


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _estimate(row: dict) -> dict:
    """The keys every figure in data.js has: indicator, area, year, value and its interval."""
    return {
        "i": row["indicator_code"],
        "a": row["area"],
        "y": row["year"],
        "v": _rounded(row["value"]),
        "lo": _rounded(row["ci_lower"]),
        "hi": _rounded(row["ci_upper"]),
    }


def explorer_data(conn: duckdb.DuckDBPyConnection, region_code: str, country_code: str) -> dict:
    """Everything the explorer shows, from one release's tables: the catalogue, the areas
    (the region's municipalities, its clusters, the region and Denmark) and their values."""
    notes = NoteTranslator.from_publication(conn)

    def note_da(note: str | None) -> str | None:
        return notes.danish(note, leave_out=(SYNTHETIC_NOTE,))

    visions = fetch_dicts(
        conn, "select vision_code, vision_name_da from dim_vision order by sort_order"
    )
    objectives = fetch_dicts(
        conn,
        "select objective_code, vision_code, objective_name_da from dim_objective "
        "order by sort_order",
    )
    indicators = fetch_dicts(
        conn,
        "select indicator_code, objective_code, vision_code, indicator_name_da, unit, direction, "
        "definition_da, numerator_da, denominator_da, source_code, statistic, age_min, age_max, "
        "caveats_da, first_series_break_year "
        "from dim_indicator order by sort_order",
    )
    for indicator in indicators:
        indicator["source_da"] = formatting.SOURCE_DA.get(indicator["source_code"])
    municipalities = fetch_dicts(
        conn,
        "select kommune_kode as code, kommune_name_da as name from dim_municipality "
        "where region_code = ? order by kommune_name_da",
        [region_code],
    )
    members = fetch_dicts(
        conn,
        "select cluster_code, kommune_kode from dim_cluster_membership where is_current "
        "order by 1, 2",
    )
    clusters = fetch_dicts(
        conn,
        "select cluster_code as code, cluster_name_da as name from dim_cluster "
        "where region_code = ? order by cluster_name_da",
        [region_code],
    )
    for cluster in clusters:
        code = cluster["code"]
        cluster["members"] = [m["kommune_kode"] for m in members if m["cluster_code"] == code]
    (region_name,) = conn.execute(
        "select distinct geography_name_da from mart_indicator_region_year "
        "where geography_level = 'region' and geography_code = ?",
        [region_code],
    ).fetchone()
    (country_name,) = conn.execute(
        "select distinct geography_name_da from mart_indicator_region_year "
        "where geography_level = 'country'"
    ).fetchone()
    areas = (
        [{"code": region_code, "level": "region", "name": region_name}]
        + [{**c, "level": "cluster"} for c in clusters]
        + [{**m, "level": "municipality"} for m in municipalities]
        + [{"code": country_code, "level": "country", "name": country_name}]
    )

    common = (
        "indicator_code, year, value, ci_lower, ci_upper, value_note, is_suppressed, "
        "is_series_break, series_number, recent_trend, source_kind, is_synthetic"
    )
    # Municipalities and clusters are compared with the region, the region with Denmark;
    # Denmark is the benchmark and compared with nothing.
    observed = [
        *fetch_dicts(
            conn,
            f"select kommune_kode as area, 'municipality' as level, {common}, "
            "compared_to_region as compared, "
            "coalesce(effective_n, denominator) as funnel_n, funnel_lower_95, "
            "funnel_upper_95, funnel_lower_998, funnel_upper_998, funnel_position "
            "from mart_indicator_municipality_year where region_code = ? "
            "order by indicator_code, area, year",
            [region_code],
        ),
        *fetch_dicts(
            conn,
            f"select cluster_code as area, 'cluster' as level, {common}, "
            "compared_to_region as compared "
            "from mart_indicator_cluster_year order by indicator_code, area, year",
        ),
        *fetch_dicts(
            conn,
            f"select geography_code as area, geography_level as level, {common}, "
            "case when geography_level = 'country' then null else compared_to_denmark end "
            "as compared from mart_indicator_region_year "
            "where geography_code in (?, ?) order by indicator_code, area, year",
            [region_code, country_code],
        ),
    ]
    values = [
        {
            **_estimate(row),
            "c": row["compared"],
            "t": row["recent_trend"],
            "s": bool(row["is_suppressed"]),
            "b": bool(row["is_series_break"]),
            "sn": row["series_number"],
            "k": row["source_kind"],
            "n": note_da(row["value_note"]),
            **(
                {
                    "f": [
                        _rounded(row["funnel_lower_998"]),
                        _rounded(row["funnel_lower_95"]),
                        _rounded(row["funnel_upper_95"]),
                        _rounded(row["funnel_upper_998"]),
                    ],
                    "fp": row["funnel_position"],
                    "fn": _rounded(row["funnel_n"], 1),
                }
                if row.get("funnel_position")
                else {}
            ),
        }
        for row in observed
    ]
    progress = [
        {
            "i": r["indicator_code"],
            "a": r["geography_code"],
            "by": r["baseline_year"],
            "bv": _rounded(r["baseline_value"]),
            "ly": r["latest_year"],
            "lv": _rounded(r["latest_value"]),
            "d": _rounded(r["change_points"]),
            "st": r["progress_status"],
            "tv": _rounded(r["target_value"]),
            "tp": r["target_period_code"],
        }
        for r in [
            *fetch_dicts(conn, "select * from mart_objective_progress order by 1, 2, 3"),
            *fetch_dicts(conn, MUNICIPALITY_BASELINES, [region_code]),
        ]
    ]
    education = [
        {
            **_estimate(r),
            "g": r["education_group_name_da"],
            "o": r["ridit_order"],
            "s": bool(r["is_suppressed"]),
        }
        for r in fetch_dicts(
            conn,
            "select indicator_code, geography_code as area, year, value, ci_lower, ci_upper, "
            "education_group_name_da, ridit_order, is_suppressed "
            "from mart_indicator_education_year where is_ranked "
            "order by indicator_code, geography_code, year, ridit_order",
        )
    ]
    # The slope index of inequality, as a value with its interval like every other figure.
    inequality = [
        {**_estimate(r), "b": bool(r["is_series_break"])}
        for r in fetch_dicts(
            conn,
            "select indicator_code, geography_code as area, year, sii as value, "
            "sii_ci_lower as ci_lower, sii_ci_upper as ci_upper, is_series_break "
            "from mart_inequality_year order by indicator_code, geography_code, year",
        )
    ]
    (published_at, run_id) = conn.execute(
        "select cast(published_at as varchar), run_id from _publication"
    ).fetchone()
    synthetic = bool(
        conn.execute("select bool_or(is_synthetic) from mart_indicator_cluster_year").fetchone()[0]
    )
    return {
        "published_at": formatting.danish_time(published_at),
        "run_id": run_id,
        "synthetic": synthetic,
        "region": region_code,
        "country": country_code,
        "labels": {
            "compared": formatting.COMPARED_DA,
            "trend": formatting.TREND_DA,
            "progress": formatting.PROGRESS_STATUS_DA,
            "direction": formatting.DIRECTION_DA,
            "funnel": formatting.FUNNEL_DA,
            "source_kind": formatting.SOURCE_KIND_DA,
            "suppressed": formatting.SUPPRESSED,
            "no_data": formatting.NO_DATA,
        },
        "visions": visions,
        "objectives": objectives,
        "indicators": indicators,
        "areas": areas,
        "values": values,
        "progress": progress,
        "education": education,
        "inequality": inequality,
    }


def explorer_bytes(folder: Path) -> int:
    """The explorer folder's size: what a reader downloads to open it."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def write_explorer(
    conn: duckdb.DuckDBPyConnection, folder: Path, region_code: str, country_code: str
) -> None:
    """Write the explorer for the release ``conn`` holds into ``folder``."""
    missing = [str(path) for path in VENDORED.values() if not path.is_file()]
    if missing:
        raise ExplorerNotInstalled(
            f"the explorer's charting library is not installed ({', '.join(missing)}): "
            "run make install (it runs npm ci in explorer/)"
        )
    data = explorer_data(conn, region_code, country_code)
    folder.mkdir(parents=True)
    for path in APP_DIR.iterdir():
        shutil.copyfile(path, folder / path.name)
    vendor = folder / "vendor"
    vendor.mkdir()
    for name, path in VENDORED.items():
        shutil.copyfile(path, vendor / name)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    (folder / "data.js").write_text(f"window.SUNDHEDSDATA = {text};\n", encoding="utf-8")
