"""When the publication was last known to be current, as events on its own asset.

A night with nothing new publishes nothing, so the age of the newest release says little: a
release can be a year old and still hold every file delivered since. What an unattended
warehouse needs to know is when it was last *confirmed* current. That happens three ways, each
recorded on the ``published_warehouse`` asset in Dagster's event log:

- a release is published (a materialisation);
- the 02:00 schedule finds every landing file ingested and the publication built from them, and
  skips (an observation, from the schedule);
- a refresh finds nothing to build (an observation, from the dbt step).

The freshness check (operations/freshness.py) reads the newest of them. It has no import of the
stages, so the dbt step and the schedule can both record through it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dagster import AssetKey, AssetObservation, DagsterInstance

PUBLISHED_WAREHOUSE = AssetKey("published_warehouse")


def confirmation(by: str, reason: str) -> AssetObservation:
    """The observation that the publication is current; ``by`` says who checked."""
    return AssetObservation(
        asset_key=PUBLISHED_WAREHOUSE,
        description=f"confirmed current by the {by}: {reason}",
        metadata={"confirmed_current_by": by},
    )


def last_confirmed_current(instance: DagsterInstance) -> datetime | None:
    """The newest publication or confirmation of it in the instance; None if there is none."""
    times = []
    materialization = instance.get_latest_materialization_event(PUBLISHED_WAREHOUSE)
    if materialization is not None:
        times.append(materialization.timestamp)
    observations = instance.fetch_observations(PUBLISHED_WAREHOUSE, limit=1).records
    times += [record.timestamp for record in observations]
    return datetime.fromtimestamp(max(times), UTC) if times else None
