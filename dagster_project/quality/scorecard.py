"""A quality scorecard of the gated marts, plotted over time in the Dagster UI (group quality).

The GX gate answers "may this be published?" with yes or no. The scorecard keeps the numbers
behind that answer from night to night - rows and the share of cells withheld by disclosure
control, per mart - as asset metadata, which Dagster plots. A slowly rising suppressed share is
the early sign of a thinning delivery long before a gate fails.

It keeps how old each source's newest landing file is, and it also says what disclosure control
cost that night: cells withheld by the primary rule and as
complements, and the values - municipality, cluster, region, Denmark and by education - that
could have been published but were withheld to protect a small count (docs/disclosure.md).
"""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from dagster_project.quality.gate import GATED_MARTS, MART_SCHEMA
from dagster_project.settings import Settings
from dagster_project.sources.deliveries import source_deliveries


def mart_scorecard(conn: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Rows and suppressed share of every gated mart that has cells to suppress."""
    metrics: dict[str, float] = {}
    for mart in GATED_MARTS:
        columns = {c[0] for c in conn.execute(f"describe {MART_SCHEMA}.{mart}").fetchall()}
        suppressed = "sum(case when is_suppressed then 1 else 0 end)"
        rows, withheld = conn.execute(
            f"select count(*), {suppressed if 'is_suppressed' in columns else 0} "
            f"from {MART_SCHEMA}.{mart}"
        ).fetchone()
        metrics[f"{mart}.rows"] = rows
        if "is_suppressed" in columns:
            metrics[f"{mart}.suppressed_share"] = round(withheld / rows, 4) if rows else 0.0
    return metrics


BUILD_SCHEMA = "intermediate"
SCORECARD_ASSET = "mart_quality_scorecard"


def protection_cost(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Cells withheld (primary, complementary) and publishable values withheld as complements,
    from the reason codes of the one model that holds every decision (int_disclosure__decisions)."""
    primary, complement = conn.execute(
        f"""
        select
            count(*) filter (where suppression_reason like 'primary_%'),
            count(*) filter (where is_complement)
        from {BUILD_SCHEMA}.int_disclosure__decisions
        where value_kind = 'cell'
        """
    ).fetchone()
    cost = {"protection.cells_primary": primary, "protection.cells_complement": complement}
    for level in ("municipality", "cluster", "region", "country", "education"):
        cost[f"protection.values_lost.{level}"] = 0
    for level, count in conn.execute(
        f"""
        select case when value_kind = 'education' then 'education' else geography_level end,
            count(*)
        from {BUILD_SCHEMA}.int_disclosure__decisions
        where value_kind in ('total', 'education') and is_complement
        group by 1
        """
    ).fetchall():
        cost[f"protection.values_lost.{level}"] = count
    return cost


def describe_protection_cost(metadata: dict) -> str:
    """One line for the run summary from the scorecard's protection metadata."""

    def value(name: str) -> int:
        entry = metadata.get(f"protection.{name}")
        return int(getattr(entry, "value", entry) or 0)

    return (
        f"disclosure control withheld {value('cells_primary')} cells by the rule and "
        f"{value('cells_complement')} as complements; values withheld to protect them: "
        f"{value('values_lost.municipality')} municipality, {value('values_lost.cluster')} "
        f"cluster, {value('values_lost.region')} region, {value('values_lost.country')} "
        f"Denmark, {value('values_lost.education')} by education"
    )


def delivery_ages(settings: Settings) -> dict[str, float]:
    """Days since each delivered source's newest landing file was written (sources/deliveries.py):
    plotted night after night, a line that only rises is a supplier that stopped delivering."""
    return {
        f"delivery.{d.source}.age_days": d.age_days
        for d in source_deliveries(settings)
        if d.age_days is not None
    }


def scorecard_asset(mart_keys: list[AssetKey]):
    @asset(
        name=SCORECARD_ASSET,
        group_name="quality",
        owners=["team:sundhedsdata"],
        kinds={"duckdb"},
        deps=mart_keys,
        description=(
            "Rows and share of suppressed cells per gated mart, and what disclosure control "
            "withheld (cells by the rule, complements, values lost by level), recorded every "
            "night as metadata so the Dagster UI plots their trend beside the gate's verdict."
        ),
    )
    def _scorecard(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
        with settings.connect(read_only=True) as conn:
            metrics = mart_scorecard(conn) | protection_cost(conn) | delivery_ages(settings)
        context.log.info(", ".join(f"{k} {v}" for k, v in metrics.items()))
        return MaterializeResult(metadata=metrics)

    return _scorecard
