"""A digest of a publication: one line per table with its row count and a SHA-256 of its rows.

The rows are read from the published DuckDB file ordered by every column and rendered with
DuckDB's own casts, so two publications with the same rows give the same lines whatever order
they were written in. ``scripts/mart-digest`` prints it: a refactoring that must not change
figures is checked by comparing the output before and after (docs/architecture.md). The soak
(soak/) compares the publication each morning with what the night should have left.

Two builds of the same files give the same digest, bit for bit: the build's sums of non-whole
numbers are exact (dbt macro exact_sum), so the order threads add their terms in does not show.
With ``digits`` every floating-point value is rounded to that many significant digits first, for
comparing across a change that means to alter arithmetic in the last bits (a new summation, a
reordered formula) but not the figures.
"""

import hashlib
from pathlib import Path

import duckdb

# Publication bookkeeping (run id, time, fingerprint) differs on every run by design.
SKIP = {"_publication"}


def _rounded(value: object, digits: int) -> object:
    return float(f"{value:.{digits}g}") if isinstance(value, float) else value


def publication_digest(path: Path | str, digits: int | None = None) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256)} of every published table but the bookkeeping."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as conn:
        tables = conn.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
        ).fetchall()
        for (table,) in tables:
            if table in SKIP:
                continue
            digest = hashlib.sha256()
            columns = [c[0] for c in conn.execute(f'describe "{table}"').fetchall()]
            digest.update(repr(columns).encode())
            rows = conn.execute(f'select * from "{table}" order by all').fetchall()
            for row in rows:
                if digits is not None:
                    row = tuple(_rounded(value, digits) for value in row)
                digest.update(repr(row).encode())
            found[table] = (len(rows), digest.hexdigest())
    return found
