"""A quality scorecard of the gated marts, plotted over time in the Dagster UI (group quality).

The GX gate answers "may this be published?" with yes or no. The scorecard keeps the numbers
behind that answer from night to night - rows and the share of cells withheld by disclosure
control, per mart - as asset metadata, which Dagster plots. A slowly rising suppressed share is
the early sign of a thinning delivery long before a gate fails.
"""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from dagster_project.quality.gate import GATED_MARTS, MART_SCHEMA
from dagster_project.settings import Settings


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


def scorecard_asset(mart_keys: list[AssetKey]):
    @asset(
        name="mart_quality_scorecard",
        group_name="quality",
        owners=["team:sundhedsdata"],
        kinds={"duckdb"},
        deps=mart_keys,
        description=(
            "Rows and share of suppressed cells per gated mart, recorded every night as "
            "metadata so the Dagster UI plots their trend beside the GX gate's pass or fail."
        ),
    )
    def _scorecard(context: AssetExecutionContext, settings: Settings) -> MaterializeResult:
        with settings.connect(read_only=True) as conn:
            metrics = mart_scorecard(conn)
        context.log.info(", ".join(f"{k} {v}" for k, v in metrics.items()))
        return MaterializeResult(metadata=metrics)

    return _scorecard
