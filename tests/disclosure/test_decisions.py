"""The engine's decisions in the night's raw layer: written with the digest of what they were
decided from, and taken again, without a program, where a table is described as before."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.disclosure import assets as engine_asset
from dagster_project.disclosure.assets import (
    COMPLEMENTS_TABLE,
    DIGESTS_FILE,
    decide,
    earlier_decisions,
    write_complements,
)
from dagster_project.disclosure.rule import ProtectionRule

RULE = ProtectionRule(min_cell_count=5, protection_level=1)


def _describe(conn: duckdb.DuckDBPyConnection, boys_2025: int) -> None:
    """Two years of one municipality's four cells and its total, as dbt describes them. In
    both, the boys' indskoling numerator (3 in 2024) is the only count under 5: alone in the
    total it needs a complement."""
    conn.execute("create schema if not exists intermediate")
    conn.execute(
        "create or replace table intermediate.int_disclosure__values (indicator_code varchar, "
        "year integer, value_kind varchar, value_key varchar, n_persons integer, "
        "n_positive integer, primary_reason varchar, is_publishable boolean, is_known boolean, "
        "complement_cost double)"
    )
    conn.execute(
        "create or replace table intermediate.int_disclosure__sums (indicator_code varchar, "
        "year integer, sum_kind varchar, total_key varchar, member_key varchar)"
    )
    for year, boys in ((2024, 3), (2025, boys_2025)):
        cells = {"cell 661 1 ind": (30, boys), "cell 661 2 ind": (35, 10),
                 "cell 661 1 ud": (30, 12), "cell 661 2 ud": (40, 15)}  # fmt: skip
        for key, (persons, positive) in cells.items():
            reason = "primary_small_count" if positive < 5 else None
            conn.execute(
                "insert into intermediate.int_disclosure__values values "
                "('a', ?, 'cell', ?, ?, ?, ?, true, true, ?)",
                [year, key, persons, positive, reason, persons],
            )
            conn.execute(
                "insert into intermediate.int_disclosure__sums values "
                "('a', ?, 'municipality_cells', 'municipality 661', ?)",
                [year, key],
            )
        persons = sum(p for p, _ in cells.values())
        positive = sum(n for _, n in cells.values())
        conn.execute(
            "insert into intermediate.int_disclosure__values values "
            "('a', ?, 'total', 'municipality 661', ?, ?, null, true, true, ?)",
            [year, persons, positive, 1e6 + persons],
        )


@pytest.fixture
def night(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A build database described as in _describe, its raw folder, and the engine's calls."""
    calls: list[int] = []
    protect = engine_asset.protect

    def counted(table, rule):
        calls.append(1)
        return protect(table, rule)

    monkeypatch.setattr(engine_asset, "protect", counted)
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        _describe(conn, boys_2025=3)
        yield conn, tmp_path / "raw", calls


def test_a_table_described_as_before_keeps_its_decision_and_a_changed_one_is_decided_again(
    night,
) -> None:
    conn, raw, calls = night
    first = decide(conn, RULE, earlier=earlier_decisions(raw))
    assert len(calls) == 2 and first.reused == 0
    # Each year's lone small cell takes one complement: the cheapest published cell.
    assert sorted(first.rows) == [("a", 2024, "cell 661 1 ud"), ("a", 2025, "cell 661 1 ud")]
    write_complements(conn, raw, first.rows, first.digests)

    again = decide(conn, RULE, earlier=earlier_decisions(raw))
    assert len(calls) == 2 and again.reused == 2  # no program solved
    assert sorted(again.rows) == sorted(first.rows)

    # 2025's boys now hold 20 in the numerator: nothing is small there, nothing withheld.
    _describe(conn, boys_2025=20)
    changed = decide(conn, RULE, earlier=earlier_decisions(raw))
    assert len(calls) == 3 and changed.reused == 1
    assert changed.rows == [("a", 2024, "cell 661 1 ud")]


def test_without_a_readable_record_every_table_is_decided_again(night) -> None:
    conn, raw, calls = night
    first = decide(conn, RULE)
    write_complements(conn, raw, first.rows, first.digests)
    (raw / COMPLEMENTS_TABLE / DIGESTS_FILE).write_text("{ not json")
    again = decide(conn, RULE, earlier=earlier_decisions(raw))
    assert len(calls) == 4 and again.reused == 0
    assert sorted(again.rows) == sorted(first.rows)
