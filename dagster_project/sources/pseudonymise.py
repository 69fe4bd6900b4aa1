"""CPR numbers never get past ingestion: a keyed hash replaces them before anything is stored.

Person-level extracts should carry pseudonymous keys, but a delivery may carry the raw
10-digit CPR number in its key column. Each such value is replaced, in DuckDB and before the
rows are inserted anywhere, by HMAC-SHA256(key, the ten digits) in hex. The key comes from
SUNDHEDSDATA_CPR_HMAC_KEY through the Dagster resource ``cpr_key`` (resources.CprKey, which the
UI shows as the variable's name, never its value); the same key gives the same pseudonym, so a
person links across files and years, and without the key the pseudonym cannot be reversed by
trying all CPR numbers. A CPR-bearing file with no key set is rejected - and the error never
repeats the number.
"""

from __future__ import annotations

import hashlib

import duckdb

from dagster_project.sources.landing import LandingFileError

KEY_VARIABLE = "SUNDHEDSDATA_CPR_HMAC_KEY"
CPR_PATTERN = "[0-9]{6}-?[0-9]{4}"
_BLOCK = 64  # SHA-256 block size in bytes


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer HMAC pads (RFC 2104) for a key."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def cpr_sql(quoted: str) -> str:
    """True for a value (the quoted column) that looks like a CPR number, as SQL."""
    # A match without spaces around it is 10 or 11 characters; only a value of that length or
    # with a space at either end is given to the pattern, which is most of the test's cost
    # (a register year of 12-character keys: 0.38 s with the pattern for every value, 0.26 s).
    # The spaces trim() would take are in the pattern: the test then needs no copy of each
    # value, which halves its cost on a register year.
    return (
        f"case when length({quoted}) between 10 and 11 or starts_with({quoted}, ' ') "
        f"or ends_with({quoted}, ' ') "
        f"then coalesce(regexp_full_match({quoted}, ' *{CPR_PATTERN} *'), false) else false end"
    )


def pseudonymise_cpr(
    conn: duckdb.DuckDBPyConnection, table: str, column: str, file: str, key: str | None
) -> int:
    """Replace CPR-like values in table.column by their keyed hash; return how many."""
    quoted = '"' + column.replace('"', '""') + '"'
    is_cpr = cpr_sql(quoted)
    found, first_row = conn.execute(
        f"select count(*), min(source_row) from {table} where {is_cpr}"
    ).fetchone()
    if not found:
        return 0
    if not key:
        raise LandingFileError(
            file,
            f"holds CPR numbers ({found} rows) but {KEY_VARIABLE} is not set, so they cannot be "
            "replaced by a keyed hash; set the key and deliver the file again",
            row=first_row,
            column=column,
        )
    inner, outer = hmac_pads(key.encode("utf-8"))
    digest = (
        f"sha256(?::blob || unhex(sha256(?::blob || encode(replace(trim({quoted}), '-', '')))))"
    )
    conn.execute(f"update {table} set {quoted} = {digest} where {is_cpr}", [outer, inner])
    return found
