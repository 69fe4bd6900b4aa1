"""Is the warehouse keeping up? The publication's currency and each source's last delivery.

Two questions a data engineer asks of an unattended warehouse, answered as Dagster asset checks
so they sit on the assets they are about and the heartbeat sensor (operations/heartbeat.py)
can alert on them like a failed run:

- ``published_warehouse:release_is_current`` (ERROR): when was the publication last confirmed
  current - a release published, the 02:00 schedule finding nothing new, a refresh finding
  nothing to build (publication/currency.py)? Longer ago than ``publication_max_age_hours``
  (26: a night and two hours for its run) means the nights have stopped doing their job: the
  daemon is down, the schedule is off, or the refreshes fail.
- ``raw/<table>:delivery_is_current`` (WARN), for every source with a delivery interval
  (RawSource.delivered_every_months): its newest landing file is older than the interval and
  ``delivery_grace_days``. The agreement expects most registers once a year and the survey
  every four; a late supplier is not a broken warehouse, but someone should ask.

The delivery time of a file is its modification time in the landing folder: when the supplier
(or `cp -p`, `rsync -t`) wrote it. The checks read only the instance and file metadata, so they
are cheap enough for a tick every few minutes and never open the DuckDB files a run may hold.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    DagsterInstance,
    multi_asset_check,
)

from dagster_project.publication.currency import PUBLISHED_WAREHOUSE, last_confirmed_current
from dagster_project.settings import Settings
from dagster_project.sources.assets import SOURCES
from dagster_project.sources.deliveries import Delivery, source_deliveries

PUBLICATION_CHECK = "release_is_current"
DELIVERY_CHECK = "delivery_is_current"
# A month as the checks count it: an interval of 12 months is 365 days.
DAYS_PER_MONTH = 365 / 12


@dataclass(frozen=True)
class Verdict:
    """One freshness check's answer, as a check result (in a run) or an evaluation (a sensor)."""

    asset_key: AssetKey
    check_name: str
    passed: bool
    severity: AssetCheckSeverity
    description: str
    metadata: dict = field(default_factory=dict)

    @property
    def key(self) -> AssetCheckKey:
        return AssetCheckKey(self.asset_key, self.check_name)

    def _fields(self) -> dict:
        return {
            "asset_key": self.asset_key,
            "check_name": self.check_name,
            "passed": self.passed,
            "severity": self.severity,
            "description": self.description,
            "metadata": self.metadata,
        }

    def result(self) -> AssetCheckResult:
        return AssetCheckResult(**self._fields())

    def evaluation(self) -> AssetCheckEvaluation:
        return AssetCheckEvaluation(**self._fields())


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def publication_verdict(
    instance: DagsterInstance, settings: Settings, now: datetime, watching_since: datetime
) -> Verdict:
    """``watching_since``: when freshness was first evaluated on this instance. A new instance
    has published nothing yet; it is not stale until it has had a night to do so."""
    confirmed = last_confirmed_current(instance)
    limit = timedelta(hours=settings.publication_max_age_hours)
    if confirmed is None:
        age = None
        passed = now - watching_since <= limit
        text = f"nothing published yet; watched since {watching_since:%Y-%m-%d %H:%M} UTC" + (
            "" if passed else f", more than {settings.publication_max_age_hours} hours"
        )
    else:
        age = now - confirmed
        passed = age <= limit
        text = (
            f"last confirmed current {_hours(age)} hours ago ({confirmed:%Y-%m-%d %H:%M} UTC)"
            + (
                ""
                if passed
                else f", more than {settings.publication_max_age_hours} hours: no night has "
                "refreshed or checked it since (is the daemon running, the schedule on, the "
                "last refresh failed?)"
            )
        )
    return Verdict(
        PUBLISHED_WAREHOUSE,
        PUBLICATION_CHECK,
        passed,
        AssetCheckSeverity.ERROR,
        text,
        {
            "confirmed_at": confirmed.isoformat(timespec="seconds") if confirmed else None,
            "hours_since": _hours(age) if age is not None else None,
            "max_hours": settings.publication_max_age_hours,
        },
    )


def delivery_verdict(delivery: Delivery, settings: Settings) -> Verdict:
    key = AssetKey(["raw", delivery.table])
    allowed = (
        None
        if delivery.every_months is None
        else round(delivery.every_months * DAYS_PER_MONTH) + settings.delivery_grace_days
    )
    if delivery.newest_file is None:
        # An undelivered source is reported by its ingestion asset on every night.
        passed, text = True, "nothing delivered yet: no delivery to age"
    elif allowed is None:
        passed, text = True, f"{delivery.describe()}; no delivery interval expected"
    else:
        passed = delivery.age_days <= allowed
        text = f"{delivery.describe()}; expected every {delivery.every_months} months" + (
            "" if passed else f", overdue (more than {allowed} days with the grace period)"
        )
    return Verdict(
        key,
        DELIVERY_CHECK,
        passed,
        AssetCheckSeverity.WARN,
        text,
        {
            "newest_file": delivery.newest_file,
            "delivered_at": (
                delivery.delivered_at.isoformat(timespec="seconds")
                if delivery.delivered_at
                else None
            ),
            "age_days": delivery.age_days,
            "allowed_days": allowed,
        },
    )


def freshness_verdicts(
    instance: DagsterInstance,
    settings: Settings,
    now: datetime | None = None,
    watching_since: datetime | None = None,
) -> list[Verdict]:
    now = now or datetime.now(UTC)
    return [
        publication_verdict(instance, settings, now, watching_since or now),
        *(delivery_verdict(d, settings) for d in source_deliveries(settings, now)),
    ]


FRESHNESS_SPECS = [
    AssetCheckSpec(
        PUBLICATION_CHECK,
        asset=PUBLISHED_WAREHOUSE,
        description="The publication was published or confirmed current within the last "
        "publication_max_age_hours (26).",
    ),
    *(
        AssetCheckSpec(
            DELIVERY_CHECK,
            asset=AssetKey(["raw", source.table]),
            description="The source's newest landing file is not older than its delivery "
            "interval and the grace period.",
        )
        for source in SOURCES
    ),
]


@multi_asset_check(
    specs=FRESHNESS_SPECS,
    name="freshness_checks",
    # A job of some of these assets (a test's, the UI's) takes only their checks.
    can_subset=True,
    description="Freshness of the publication and of each source's deliveries: evaluated by "
    "the heartbeat sensor every few minutes, and runnable by hand. Not part of the night.",
)
def freshness_checks(context: AssetCheckExecutionContext, settings: Settings):
    selected = context.selected_asset_check_keys
    for verdict in freshness_verdicts(context.instance, settings):
        if verdict.key in selected:
            yield verdict.result()
