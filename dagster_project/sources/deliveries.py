"""How old each source's newest landing file is: for the freshness checks, the scorecard and
the run summary.

The delivery time of a file is its modification time in the landing folder, which is when the
supplier (or `cp -p`, `rsync -t`) wrote it. Only file metadata is read: no checksum, no DuckDB.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from dagster_project.settings import Settings
from dagster_project.sources.assets import SOURCES
from dagster_project.sources.raw_layer import RawSource


@dataclass(frozen=True)
class Delivery:
    """A source's newest landing file and how old it is."""

    source: str
    table: str
    newest_file: str | None
    delivered_at: datetime | None
    age_days: float | None
    every_months: int | None

    def describe(self) -> str:
        if self.newest_file is None:
            return f"{self.source}: nothing delivered"
        return f"{self.source}: {self.newest_file}, {self.age_days:.0f} days old"


def newest_delivery(source: RawSource, settings: Settings, now: datetime) -> Delivery:
    folder = settings.landing_dir / source.name
    files = (
        [p for pattern in source.patterns for p in folder.glob(pattern) if p.is_file()]
        if folder.is_dir()
        else []
    )
    if not files:
        return Delivery(source.name, source.table, None, None, None, source.delivered_every_months)
    newest = max(files, key=lambda p: p.stat().st_mtime)
    at = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    age = round((now - at).total_seconds() / 86400, 1)
    return Delivery(
        source.name,
        source.table,
        newest.relative_to(folder).as_posix(),
        at,
        age,
        source.delivered_every_months,
    )


def source_deliveries(settings: Settings, now: datetime | None = None) -> list[Delivery]:
    """Every source's newest file."""
    now = now or datetime.now(UTC)
    return [newest_delivery(source, settings, now) for source in SOURCES]
