"""Reading one landing file into the temporary table ``_landing``, with its row numbers.

CSV and other delimited text is read every column as text after its structure is checked
(structure.py); Parquet is read with its own types where they are exact. Either way a file that
cannot be read is a LandingFileError naming the file and, where it can, the line.
"""

from __future__ import annotations

import csv
import io
import re

import duckdb

from dagster_project.sources.contracts import INTEGER_TYPES, quoted
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.structure import (
    TextLayout,
    check_text_structure,
    delimiter_words,
    encoding_error,
    looks_like_decimal_commas,
    missing_columns_error,
)


def read_text_file(conn: duckdb.DuckDBPyConnection, file: LandingFile, layout: TextLayout) -> str:
    """Read a delimited UTF-8 file, every column as text, into temp table _landing with row numbers.

    The structure (encoding of the first lines, delimiter, header, required columns) is checked
    first (structure.py). DuckDB's reader is strict: a ragged or truncated line or a byte that
    is not UTF-8 is an error, which diagnose_text turns into one naming the line. Returns the
    temp table's name.
    """
    check_text_structure(file, layout)
    conn.execute("drop table if exists _landing")
    try:
        conn.execute(
            "create temp table _landing as "
            "select row_number() over () as source_row, * "
            "from read_csv(?, delim = ?, header = true, all_varchar = true, quote = '\"', "
            "strict_mode = true, null_padding = false)",
            [str(file.path), layout.delimiter],
        )
    except duckdb.Error as error:
        diagnosis = diagnose_text(file, layout.delimiter)
        if diagnosis:
            raise diagnosis from error
        line = re.search(r"[Ll]ine:? (\d+)", str(error))
        raise LandingFileError(
            file.name,
            f"cannot be parsed as {delimiter_words(layout.delimiter)} text with a header line "
            "(an unbalanced quote character?)",
            row=int(line.group(1)) - 1 if line and int(line.group(1)) > 1 else None,
        ) from None
    with file.path.open("rb") as handle:
        handle.seek(-1, 2)
        if handle.read(1) != b"\n":
            raise LandingFileError(
                file.name,
                "does not end with a line break, so its last line may have been cut short: "
                "deliver the whole file",
            )
    return "_landing"


def diagnose_text(file: LandingFile, delimiter: str) -> LandingFileError | None:
    """Why a text file does not parse, in words a data engineer can act on (failure path only)."""
    raw = file.path.read_bytes()
    error = encoding_error(file.name, raw)
    if error:
        return error
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    for row_number, row in enumerate(reader, start=1):
        if row and len(row) != len(header):
            last = not text.endswith("\n") and reader.line_num == text.count("\n") + 1
            if last:
                kind = "the last line is truncated"
            elif looks_like_decimal_commas(header, row, delimiter):
                kind = (
                    "a number written with a decimal comma splits into two fields: write "
                    "decimals with a point"
                )
            else:
                kind = "a ragged line"
            return LandingFileError(
                file.name,
                f"has {len(row)} fields where the header has {len(header)} ({kind})",
                row=row_number,
            )
    return None


# Parquet types a contract column keeps as they are: every value of such a type prints as a value
# the contract's text rules would judge the same way (they cast to bigint or double themselves),
# so a typed file need not be printed and re-parsed. Any other type (a date, a decimal, an
# integer delivered for a code) is read as text, as a CSV would be.
_EXACT_TYPES = {
    "integer": INTEGER_TYPES,
    "bigint": INTEGER_TYPES,
    "double": ("DOUBLE",),  # not FLOAT: 0.1 as float is not 0.1 as double, its text is
    "varchar": ("VARCHAR",),
}


def parquet_select(found: dict[str, str], types: dict[str, str] | None) -> str:
    """The _landing select list: contract columns of a matching type typed, the rest as text."""
    if types is None:
        return "columns(* exclude (file_row_number))::varchar"
    items = []
    for column, parquet_type in found.items():
        if column not in types:
            continue
        exact = parquet_type in _EXACT_TYPES.get(types[column].lower(), ())
        items.append(quoted(column) if exact else f"{quoted(column)}::varchar as {quoted(column)}")
    return ", ".join(items)


# What a Parquet file DuckDB cannot read is called, here and where one is checked in place.
NOT_PARQUET = "cannot be read as Parquet (not a Parquet file, or cut short)"
DAMAGED_PARQUET = "cannot be read as Parquet (a damaged data page or column chunk)"


def parquet_columns(conn: duckdb.DuckDBPyConnection, file: LandingFile) -> dict[str, str]:
    """{column: DuckDB type} of a Parquet file, from its footer; unreadable: LandingFileError."""
    try:
        return dict(
            conn.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))",
                [str(file.path)],
            ).fetchall()
        )
    except duckdb.Error:
        raise LandingFileError(file.name, NOT_PARQUET) from None


def read_parquet_file(
    conn: duckdb.DuckDBPyConnection,
    file: LandingFile,
    required: tuple[str, ...],
    types: dict[str, str] | None = None,
) -> str:
    """Read a Parquet file into temp table _landing, like read_text_file.

    The schema is checked for the required columns first. With ``types`` (a contract's column
    types) only the contract's columns are kept, and each keeps its Parquet type where that type
    holds nothing but values of the contract's type (parquet_select); the rest become text, so
    one set of contract rules serves CSV and Parquet deliveries of the same source, and a typed
    file is never printed and re-parsed. Without ``types`` every column is text. Row numbers are
    the reader's own (1-based like a CSV's data lines), not a window over it.
    """
    conn.execute("drop table if exists _landing")
    found = parquet_columns(conn, file)
    missing = [c for c in required if c not in found]
    if missing:
        raise missing_columns_error(file.name, missing, required, list(found))
    try:
        conn.execute(
            "create temp table _landing as select file_row_number + 1 as source_row, "
            f"{parquet_select(found, types)} from read_parquet(?, file_row_number = true)",
            [str(file.path)],
        )
    except duckdb.Error:
        raise LandingFileError(file.name, DAMAGED_PARQUET) from None
    return "_landing"


def read_landing_file(
    conn: duckdb.DuckDBPyConnection,
    file: LandingFile,
    layout: TextLayout,
    types: dict[str, str] | None = None,
) -> str:
    """Read a CSV or Parquet landing file into _landing (types: see read_parquet_file)."""
    if file.path.suffix.lower() == ".parquet":
        return read_parquet_file(conn, file, layout.required, types)
    return read_text_file(conn, file, layout)
