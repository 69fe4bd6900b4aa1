"""A text file's structure - encoding, delimiter, header, required columns - checked first.

Before DuckDB reads a row, and before any other step (CPR pseudonymisation included), the first
lines of a delivery are read in Python and held against what the source expects. A delivery that
fails here is almost always the wrong *kind* of file, not a file with a bad value, so the message
says which kind it looks like, by name:

* UTF-16 or another encoding than UTF-8;
* the right columns with another delimiter (a ``;`` file where ``,`` is expected, or the reverse);
* a StatBank web download in pivot layout (a title line, quarters as columns) instead of the
  API's CSV (recognised by quarters like 2024K1 in its first lines, where the header belongs);
* an aggregated table (published shares, counts) dropped where person-level rows belong;
* otherwise every missing column, with the expected header and the header that was found.
"""

import csv
import io
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dagster_project.sources.landing import LandingFile, LandingFileError

HEAD_BYTES = 1 << 16
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
QUARTER = re.compile(r"\b(19|20)\d{2}K[1-4]\b")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DIGITS = re.compile(r"[0-9]+")
# Column names of aggregated deliveries: published estimates and register count tables.
AGGREGATE_COLUMNS = {
    "andel",
    "indikator",
    "ki_nedre",
    "ki_oevre",
    "antal_svarpersoner",
    "antal",
    "taeller",
    "naevner",
    "numerator",
    "denominator",
    "share",
    "procent",
    "indhold",
}


@dataclass(frozen=True)
class TextLayout:
    """How a source's text files are laid out: delimiter, required columns, row grain."""

    delimiter: str
    required: tuple[str, ...]
    person_level: bool = False  # one row per person: an aggregated table is a wrong delivery


def delimiter_words(delimiter: str) -> str:
    return f"{DELIMITER_NAMES.get(delimiter, repr(delimiter))}-separated ({delimiter!r})"


def missing_columns_error(
    file: str, missing: list[str], expected: Iterable[str], found: Iterable[str], sep: str = ","
) -> LandingFileError:
    """One message naming every missing column, the header expected and the header found."""
    names = ", ".join(repr(c) for c in missing)
    verb = "columns {} are" if len(missing) > 1 else "column {} is"
    return LandingFileError(
        file,
        f"required {verb.format(names)} missing; expected header {sep.join(expected)!r}, "
        f"found {sep.join(found)!r}",
    )


def encoding_error(file: str, data: bytes) -> LandingFileError | None:
    """The error for bytes that are not UTF-8 (a BOM allowed), naming the line; None if they are."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        return LandingFileError(file, "is UTF-16 text, not UTF-8: deliver the file as UTF-8")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        start = data.rfind(b"\n", 0, error.start) + 1
        end = data.find(b"\n", error.start)
        as_latin1 = data[start : end if end >= 0 else len(data)].decode("cp1252", "replace")
        return LandingFileError(
            file,
            f"is not UTF-8 text (line {line}, byte {data[error.start : error.start + 1]!r}); "
            f"read as Latin-1 the line says {as_latin1.rstrip(chr(13))!r}: deliver the file as "
            "UTF-8",
            row=line - 1 if line > 1 else None,
        )
    return None


def _head_text(file: LandingFile) -> str:
    """The first lines of the file as text; encoding problems are named here."""
    with file.path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if len(head) == HEAD_BYTES and b"\n" in head:
        head = head[: head.rfind(b"\n") + 1]  # never cut a multi-byte character in two
    error = encoding_error(file.name, head)
    if error:
        raise error
    return head.decode("utf-8-sig")


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])


def check_text_structure(file: LandingFile, layout: TextLayout) -> None:
    """Raise a LandingFileError naming the kind of wrong delivery, or return for a good header."""
    if file.size_bytes == 0:
        raise LandingFileError(file.name, "file is empty (0 bytes)")
    lines = _head_text(file).splitlines()
    if not lines or not lines[0].strip():
        raise LandingFileError(file.name, "the first line is empty: expected the header")
    header = _split(lines[0], layout.delimiter)
    missing = [c for c in layout.required if c not in header]
    if not missing:
        return
    for other in DELIMITER_NAMES:
        if other != layout.delimiter and all(c in _split(lines[0], other) for c in layout.required):
            raise LandingFileError(
                file.name,
                f"is {delimiter_words(other)}; this source expects "
                f"{delimiter_words(layout.delimiter)} text",
            )
    if any(QUARTER.search(line) for line in lines[:3]):
        raise LandingFileError(
            file.name,
            "is a StatBank web download (a title line or periods as columns), not the API's "
            "CSV: download the table from api.statbank.dk as CSV, one column per variable plus "
            "INDHOLD",
        )
    found_names = {c.strip().lower() for d in DELIMITER_NAMES for c in _split(lines[0], d)}
    aggregate = sorted(found_names & AGGREGATE_COLUMNS)
    if layout.person_level and aggregate:
        raise LandingFileError(
            file.name,
            f"is an aggregated table (columns {', '.join(aggregate)}), but this folder takes "
            "person-level rows, one per respondent or person; published estimates and count "
            "tables are not microdata",
        )
    raise missing_columns_error(file.name, missing, layout.required, header, layout.delimiter)


def looks_like_decimal_commas(header: list[str], row: list[str], delimiter: str) -> bool:
    """A comma-separated row with more fields than the header and two numbers side by side:
    most likely a number written with a decimal comma (51,9444), which splits into two fields.
    Which field it was cannot be told from the row alone, so the message does not guess."""
    if delimiter != "," or len(row) <= len(header):
        return False
    return any(
        WHOLE_NUMBER.fullmatch(a) and DIGITS.fullmatch(b) for a, b in itertools.pairwise(row)
    )
