"""Write-audit-publish: the audited marts become a release, and one rename switches it in.

dbt writes warehouse/build.duckdb; BI must never open that file (DuckDB has one writer, and a
writer locks out readers). Publication writes a complete *release* beside the published one:

    warehouse/releases/<release>/published.duckdb     every table of the marts schema
    warehouse/releases/<release>/<table>.parquet      the same tables, for Parquet readers
    warehouse/releases/<release>/explorer/            the offline explorer drawn from them

and then points the symbolic link ``warehouse/published`` at it with ``os.replace``, which is
atomic on POSIX. ``warehouse/published.duckdb`` is a fixed link to ``published/published.duckdb``
(and ``warehouse/explorer`` to ``published/explorer``), so the DuckDB file, the Parquet files
and the explorer switch together in that one rename: a reader never sees
Parquet from one run and DuckDB from another. A reader that has a file open keeps reading it (the
two newest earlier releases are kept, older ones deleted; an open file outlives its deletion on
POSIX), a new reader gets the new release, and the refresh never waits for readers.

A blocking check does not undo the write of the asset it checks; it only stops what is
downstream. So this asset is downstream of every mart, and it also refuses to run unless every
gate check passed in this same run - materialising it alone from the UI cannot skip the gate.
"""

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from dagster_project.locking import RELEASES, remove_leftovers
from dagster_project.publication.currency import PUBLISHED_WAREHOUSE
from dagster_project.quality.disclosure_audit import DISCLOSURE_AUDIT_KEY
from dagster_project.quality.gate import GATED_MARTS, MART_SCHEMA, gate_check_key
from dagster_project.report.explorer import EXPLORER_DIR, explorer_bytes, write_explorer
from dagster_project.resources import WAREHOUSE_POOL, RefreshLock
from dagster_project.settings import Settings
from dagster_project.transform.fingerprint import inputs_fingerprint

# A published column must never hold a person identifier (docs/domain.md); GX checks the marts, and
# these guards cover every published table: no column named like one, no text that looks like a
# CPR number (six digits, optional hyphen, four digits, not part of a longer number).
PERSON_IDENTIFIER = re.compile(
    r"(^|_)(cpr|cpr_nr|person_key|person_id|respondent_id|pnr)($|_)", re.I
)
CPR_LIKE = "(^|[^0-9])[0-9]{6}-?[0-9]{4}($|[^0-9])"
PUBLISHED_DB_NAME = "published.duckdb"
# Earlier releases kept besides the current one, for readers still holding their files.
KEEP_EARLIER_RELEASES = 2


@dataclass(frozen=True)
class Publication:
    release_dir: Path
    tables: dict[str, int]
    published_at: str

    @property
    def release(self) -> str:
        return self.release_dir.name


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def releases_dir(warehouse_dir: Path) -> Path:
    return warehouse_dir / RELEASES


def publish_database(
    settings: Settings, run_id: str, inputs_fingerprint: str | None = None
) -> Publication:
    """Copy every table of the build's marts schema into a new release and switch it in."""
    warehouse_dir = settings.warehouse_dir
    releases = releases_dir(warehouse_dir)
    releases.mkdir(parents=True, exist_ok=True)
    remove_leftovers(warehouse_dir)  # also done when the run took the refresh lock
    published_at = datetime.now(UTC)
    release = f"{published_at:%Y%m%dT%H%M%S%fZ}-{re.sub(r'[^A-Za-z0-9_-]', '_', run_id)[:40]}"
    staging = releases / f".{release}.tmp"
    staging.mkdir()
    try:
        tables = _write_release(
            settings,
            staging,
            run_id,
            published_at.isoformat(timespec="seconds"),
            inputs_fingerprint,
        )
        for path in staging.iterdir():
            _fsync(path)
        target = releases / release
        os.rename(staging, target)
        _fsync(releases)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    switch_to(warehouse_dir, target)
    _prune(releases, keep=target)
    return Publication(target, tables, published_at.isoformat(timespec="seconds"))


def _write_release(
    settings: Settings, folder: Path, run_id: str, published_at: str, fingerprint: str | None
) -> dict[str, int]:
    tables: dict[str, int] = {}
    with settings.connect(folder / PUBLISHED_DB_NAME) as conn:
        conn.execute(f"attach '{settings.build_db}' as build (read_only)")
        names = [
            row[0]
            for row in conn.execute(
                "select table_name from duckdb_tables() where database_name = 'build' "
                "and schema_name = ? order by table_name",
                [MART_SCHEMA],
            ).fetchall()
        ]
        if not names:
            raise RuntimeError(
                f"{settings.build_db} has no tables in schema {MART_SCHEMA}: nothing to publish"
            )
        for name in names:
            columns = [
                c[0] for c in conn.execute(f"describe build.{MART_SCHEMA}.{name}").fetchall()
            ]
            leaked = [c for c in columns if PERSON_IDENTIFIER.search(c)]
            if leaked:
                raise RuntimeError(
                    f"refusing to publish {name}: person identifier column(s) {leaked}"
                )
            conn.execute(f"create table main.{name} as select * from build.{MART_SCHEMA}.{name}")
            tables[name] = conn.execute(f"select count(*) from main.{name}").fetchone()[0]
        refuse_cpr_like_text(conn)
        conn.execute(
            "create table main._publication as select ? as run_id, cast(? as timestamptz) "
            "as published_at, ? as table_count, cast(? as varchar) as inputs_fingerprint",
            [run_id, published_at, len(tables), fingerprint],
        )
        conn.execute("detach build")
        # The explorer is part of the release: the switch below hands it to readers together
        # with the tables it was drawn from.
        write_explorer(conn, folder / EXPLORER_DIR, settings.region_code, settings.country_code)
        for name in [*names, "_publication"]:
            conn.execute(
                f"copy main.{name} to '{folder / name}.parquet' (format parquet, compression zstd)"
            )
        conn.execute("checkpoint")
    return tables


def switch_to(warehouse_dir: Path, release: Path) -> None:
    """Point ``published`` at the release (the one atomic step) and make sure the file link exists.

    A warehouse published before releases existed has a plain published.duckdb file; it is
    replaced by the link once, right after the first switch, with the same atomic rename.
    """
    link = warehouse_dir / "published"
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} must be the link publication manages, found a real directory")
    _replace_with_link(link, Path("releases") / release.name)
    db_link = warehouse_dir / PUBLISHED_DB_NAME
    if not db_link.is_symlink():
        _replace_with_link(db_link, Path("published") / PUBLISHED_DB_NAME)
    explorer_link = warehouse_dir / EXPLORER_DIR
    if not explorer_link.is_symlink():
        _replace_with_link(explorer_link, Path("published") / EXPLORER_DIR)
    _fsync(warehouse_dir)


def _replace_with_link(path: Path, target: Path) -> None:
    staged = path.with_name(f".{path.name}.link.tmp")
    staged.unlink(missing_ok=True)
    staged.symlink_to(target)
    os.replace(staged, path)


def _prune(releases: Path, keep: Path) -> None:
    finished = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    earlier = [p for p in finished if p != keep]
    for old in earlier[: max(len(earlier) - KEEP_EARLIER_RELEASES, 0)]:
        shutil.rmtree(old)


def refuse_cpr_like_text(conn: duckdb.DuckDBPyConnection) -> None:
    """Scan every text column about to be published for CPR-like values."""
    text_columns = conn.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = current_database() and data_type = 'VARCHAR'"
    ).fetchall()
    for table, column in text_columns:
        found = conn.execute(
            f'select count(*) from main."{table}" where regexp_matches("{column}", ?)', [CPR_LIKE]
        ).fetchone()[0]
        if found:
            raise RuntimeError(
                f"refusing to publish: {table}.{column} holds {found} CPR-like value(s)"
            )


def failed_gates(context: AssetExecutionContext) -> list[str]:
    """Gate checks and the disclosure audit that did not pass in this run (missing counts as not
    passed).

    Read from this run's own event log: the instance's "latest execution" of a check can be a
    run queued behind this one, whose checks are planned but not evaluated yet.
    """
    keys = [gate_check_key(mart) for mart in GATED_MARTS] + [DISCLOSURE_AUDIT_KEY]
    evaluations = {}
    for record in context.instance.all_logs(
        context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ):
        evaluation = record.dagster_event.event_specific_data
        evaluations[evaluation.asset_check_key] = evaluation
    problems = []
    for key in keys:
        evaluation = evaluations.get(key)
        if evaluation is None:
            problems.append(f"{key.name}: did not run in this run")
        elif not evaluation.passed and evaluation.severity.value == "ERROR":
            problems.append(f"{key.name}: {evaluation.description}")
    return problems


def published_warehouse_asset(mart_keys: list[AssetKey]):
    @asset(
        key=PUBLISHED_WAREHOUSE,
        pool=WAREHOUSE_POOL,
        group_name="publication",
        owners=["team:sundhedsdata"],
        kinds={"duckdb", "parquet"},
        deps=mart_keys,
        description=(
            "warehouse/published.duckdb and warehouse/published/*.parquet: the star schema and "
            "marts BI tools read, switched in together and only after every quality gate of the "
            "run passed."
        ),
    )
    def _publish(
        context: AssetExecutionContext, settings: Settings, refresh_lock: RefreshLock
    ) -> MaterializeResult:
        problems = failed_gates(context)
        if problems:
            raise Failure(
                description="Publication refused; the previous publication is unchanged: "
                + "; ".join(problems)
            )
        publication = publish_database(
            settings,
            context.run_id,
            str(inputs_fingerprint(settings)),
        )
        context.log.info(
            f"published {len(publication.tables)} tables as release {publication.release}"
        )
        return MaterializeResult(
            metadata={
                "release": publication.release,
                "path": MetadataValue.path(str(publication.release_dir)),
                "published_at": publication.published_at,
                "tables": MetadataValue.json(publication.tables),
                "explorer": MetadataValue.path(str(publication.release_dir / EXPLORER_DIR)),
                "explorer_bytes": explorer_bytes(publication.release_dir / EXPLORER_DIR),
                "dagster/row_count": sum(publication.tables.values()),
            }
        )

    return _publish
