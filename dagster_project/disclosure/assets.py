"""The disclosure engine in the night: between the two halves of the dbt build.

dbt describes every table the warehouse publishes (int_disclosure__values: the counts, their
primary reasons and costs; int_disclosure__sums: what adds up to what). This asset reads that
description from the build database, lets the engine (engine.py) decide the complements of every
indicator-year, and writes them to the raw layer as the source raw.disclosure_complements: a
Parquet folder like every landing source, so DuckDB, Spark and PostgreSQL's copy read it the same
way. int_disclosure__decisions then applies the complements to every published table.

The dbt project is two multi-assets around this asset (transform/assets.py): the first builds
what the engine reads, the second what reads the complements, so the engine sees exactly what
the first built.
"""

import hashlib
import json
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from dagster_project.disclosure import engine
from dagster_project.disclosure import rule as rule_module
from dagster_project.disclosure.engine import Sum, Table, Value, protect
from dagster_project.disclosure.rule import ProtectionRule
from dagster_project.quality import feasibility
from dagster_project.resources import FORCE_TAG, WAREHOUSE_POOL, RefreshLock
from dagster_project.settings import Settings

COMPLEMENTS_TABLE = "disclosure_complements"
COMPLEMENTS_KEY = AssetKey(["raw", COMPLEMENTS_TABLE])
DESCRIPTION_KEYS = [
    AssetKey(["intermediate", "int_disclosure__values"]),
    AssetKey(["intermediate", "int_disclosure__sums"]),
]
COLUMNS = {"indicator_code": "varchar", "year": "integer", "value_key": "varchar"}
# Beside the complements, not read as a source: Spark skips files whose name starts with "_", and
# DuckDB's view reads *.parquet.
DIGESTS_FILE = "_description_digests.json"


@dataclass
class Decided:
    """What the engine decided over every indicator-year of one night."""

    rows: list[tuple[str, int, str]] = field(default_factory=list)
    indicator_years: int = 0
    by_room: int = 0
    by_programs: int = 0
    linear_programs: int = 0
    complements_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    digests: dict[tuple[str, int], str] = field(default_factory=dict)
    reused: int = 0  # indicator-years described as an earlier night did: its decision kept


def described_tables(
    conn: duckdb.DuckDBPyConnection, schema: str = "intermediate"
) -> Iterator[tuple[str, int, Table, dict[str, str]]]:
    """(indicator, year, table, {value key: value kind}) for every indicator-year dbt described."""
    values: dict[tuple[str, int], dict[str, Value]] = defaultdict(dict)
    kinds: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for (
        indicator,
        year,
        kind,
        key,
        persons,
        positive,
        reason,
        publishable,
        known,
        cost,
    ) in conn.execute(
        f"""
            select indicator_code, year, value_kind, value_key, n_persons, n_positive,
                primary_reason, is_publishable, is_known, complement_cost
            from {schema}.int_disclosure__values
            order by indicator_code, year, value_key
            """
    ).fetchall():
        values[(indicator, year)][key] = Value(
            key,
            int(persons or 0),
            None if positive is None else int(positive),
            float(cost),
            reason,
            bool(publishable),
            bool(known),
        )
        kinds[(indicator, year)][key] = kind
    members: dict[tuple[str, int], dict[tuple[str, str], list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for indicator, year, sum_kind, total, member in conn.execute(
        f"""
        select indicator_code, year, sum_kind, total_key, member_key
        from {schema}.int_disclosure__sums
        order by indicator_code, year, sum_kind, total_key, member_key
        """
    ).fetchall():
        members[(indicator, year)][(sum_kind, total)].append(member)
    for indicator, year in sorted(values):
        sums = [
            Sum(total, tuple(keys))
            for (_, total), keys in sorted(members[(indicator, year)].items())
        ]
        yield indicator, year, Table(values[(indicator, year)], sums), kinds[(indicator, year)]


# The code that decides: a change to any of it decides every table again.
_DECIDING_CODE = (
    Path(engine.__file__),
    Path(rule_module.__file__),
    Path(feasibility.__file__),
)


def description_digest(table: Table, rule: ProtectionRule) -> str:
    """What the engine's decision for one table depends on, as a digest: the rule, the code
    that decides, and every value and sum of the table. The engine is deterministic, so an
    equal digest is an equal decision."""
    digest = hashlib.sha256(repr(rule).encode())
    for path in _DECIDING_CODE:
        digest.update(path.read_bytes())
    for key in sorted(table.values):
        v = table.values[key]
        digest.update(
            f"v|{key}|{v.persons}|{v.positive}|{v.cost!r}|{v.primary}|{v.publishable}|{v.known}\n".encode()
        )
    for s in table.sums:
        digest.update(("s|" + "|".join((s.total, *s.members)) + "\n").encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Earlier:
    """An earlier night's decision for one indicator-year: its digest and its complements."""

    digest: str
    keys: tuple[str, ...]


def decide(
    conn: duckdb.DuckDBPyConnection,
    rule: ProtectionRule,
    schema: str = "intermediate",
    earlier: Mapping[tuple[str, int], Earlier] | None = None,
) -> Decided:
    """The complements of every described indicator-year.

    Where earlier holds a decision for a table described exactly as tonight (the same digest),
    it is taken as it is: a new register year changes its own year's tables, and the others
    need no programs solved again.
    """
    decided = Decided()
    earlier = earlier or {}
    for indicator, year, table, kinds in described_tables(conn, schema):
        digest = description_digest(table, rule)
        decided.digests[(indicator, year)] = digest
        decided.indicator_years += 1
        previous = earlier.get((indicator, year))
        if previous is not None and previous.digest == digest:
            decided.reused += 1
            keys = list(previous.keys)
        else:
            protection = protect(table, rule)
            decided.by_room += protection.by_room
            decided.by_programs += protection.by_programs
            decided.linear_programs += protection.linear_programs
            keys = [k for k in protection.codes if table.values[k].primary is None]
        for key in keys:
            decided.rows.append((indicator, year, key))
            decided.complements_by_kind[kinds[key]] += 1
    return decided


def earlier_decisions(raw_dir: Path) -> dict[tuple[str, int], Earlier]:
    """The decisions the complements folder holds, with their digests (none before the first
    night that recorded them, or where the record does not match the folder)."""
    folder = raw_dir / COMPLEMENTS_TABLE
    record = folder / DIGESTS_FILE
    if not record.exists():
        return {}
    try:
        digests = json.loads(record.read_text())
    except (OSError, ValueError):
        return {}  # unreadable: decide again, as on a first night
    keys: dict[tuple[str, int], list[str]] = defaultdict(list)
    with duckdb.connect() as conn:
        for indicator, year, key in conn.execute(
            f"select indicator_code, year, value_key from "
            f"read_parquet('{_sql_path(folder)}/*.parquet') order by all"
        ).fetchall():
            keys[(indicator, int(year))].append(key)
    return {
        (entry["indicator_code"], int(entry["year"])): Earlier(
            entry["digest"], tuple(keys[(entry["indicator_code"], int(entry["year"]))])
        )
        for entry in digests
    }


def _sql_path(path: Path) -> str:
    return path.as_posix().replace("'", "''")


def write_complements(
    conn: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    rows: list[tuple[str, int, str]],
    digests: Mapping[tuple[str, int], str] | None = None,
) -> None:
    """The complements as the raw folder disclosure_complements and its view, switched whole:
    the folder is written beside the old one and renamed into place. The digest of each
    indicator-year's description goes with them (DIGESTS_FILE), in the same folder, so the
    record never describes other complements than the ones beside it."""
    folder = raw_dir / COMPLEMENTS_TABLE
    incoming = folder.with_name(folder.name + ".incoming")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    if digests:
        record = [
            {"indicator_code": indicator, "year": year, "digest": digest}
            for (indicator, year), digest in sorted(digests.items())
        ]
        (incoming / DIGESTS_FILE).write_text(json.dumps(record, indent=1) + "\n")
    columns = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    conn.execute(f"create or replace temporary table _complements ({columns})")
    if rows:
        conn.executemany("insert into _complements values (?, ?, ?)", rows)
    conn.execute(
        f"copy (select * from _complements order by all) "
        f"to '{_sql_path(incoming / 'complements.parquet')}' (format parquet)"
    )
    conn.execute("drop table _complements")
    previous = folder.with_name(folder.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.rename(previous)
    incoming.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)
    declare_complements(conn, raw_dir)


def declare_complements(conn: duckdb.DuckDBPyConnection, raw_dir: Path) -> None:
    """The view raw.disclosure_complements over its folder (an empty one before any night)."""
    folder = raw_dir / COMPLEMENTS_TABLE
    if not any(folder.glob("*.parquet")):
        write_complements(conn, raw_dir, [])
        return
    conn.execute("create schema if not exists raw")
    casts = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in COLUMNS.items())
    conn.execute(
        f"create or replace view raw.{COMPLEMENTS_TABLE} as select {casts} "
        f"from read_parquet('{_sql_path(folder)}/*.parquet')"
    )


@asset(
    key=COMPLEMENTS_KEY,
    deps=DESCRIPTION_KEYS,
    pool=WAREHOUSE_POOL,
    group_name="warehouse",
    owners=["team:sundhedsdata"],
    kinds={"python", "parquet"},
    description=(
        "The disclosure engine: the values withheld to protect a small count (complementary "
        "suppression), decided over every published table of each indicator-year at once from "
        "the description dbt built (int_disclosure__values, int_disclosure__sums), and written "
        "to the raw layer for int_disclosure__decisions."
    ),
)
def disclosure_complements(
    context: AssetExecutionContext, settings: Settings, refresh_lock: RefreshLock
) -> MaterializeResult:
    rule = settings.protection_rule()
    started = time.perf_counter()
    forced = context.run.tags.get(FORCE_TAG, "").lower() == "true"
    earlier = {} if forced else earlier_decisions(settings.raw_dir)
    with settings.connect() as conn:
        decided = decide(conn, rule, earlier=earlier)
        write_complements(conn, settings.raw_dir, decided.rows, decided.digests)
    seconds = time.perf_counter() - started
    kinds = dict(sorted(decided.complements_by_kind.items()))
    context.log.info(
        f"disclosure engine: {len(decided.rows)} complements over {decided.indicator_years} "
        f"indicator-years ({decided.reused} as decided before, {decided.by_room} by the room "
        f"rule, {decided.by_programs} by the "
        f"attacker's programs; {decided.linear_programs} linear programs) in {seconds:.1f} s"
    )
    return MaterializeResult(
        metadata={
            "dagster/row_count": len(decided.rows),
            "indicator_years": decided.indicator_years,
            "indicator_years_as_decided_before": decided.reused,
            "complements_by_kind": MetadataValue.json(kinds),
            "chosen_by_room_rule": decided.by_room,
            "chosen_by_linear_programs": decided.by_programs,
            "linear_programs": decided.linear_programs,
            "seconds": round(seconds, 2),
        }
    )
