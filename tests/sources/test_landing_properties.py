"""Property-based tests of every source's landing contract (Hypothesis).

A good file, randomly corrupted, must either load exactly the rows of the clean file (when the
corruption keeps its content: another line ending, quoting, a BOM, ASCII re-encoded, a column
repeated) or be rejected with the landing error naming the file and the rule (every other
corruption). Any other exception - a library's own, an IndexError - fails the test, and so does
a corrupted file that loads.

One corruption is left out on purpose: dropping a data line of a person-level or aggregated
file gives a valid, smaller delivery that no contract can tell from a real one (only FOLK1A,
whose completeness is defined, can; there it is included). The municipality-coverage warning is
the guard against a delivery that shrank.

Derandomised with a fixed number of examples, so CI runs the same cases every time.
"""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dagster_project.reference_data import municipality_codes
from dagster_project.sources.assets import SOURCES
from dagster_project.sources.contracts import check_unique
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source
from tests.conftest import SAMPLE_DIR

BY_NAME = {source.name: source for source in SOURCES}
EXAMPLES = settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Columns whose every value is valid text (keys and free text): a changed cell there is a
# different delivery, not a corrupt one.
FREE_TEXT = {"respondent_id", "person_key", "titel", "beskrivelse"}
BAD_TOKEN = "?x"


@dataclass(frozen=True)
class TextCase:
    source: str
    name: str
    delimiter: str
    lines: list[list[str]]  # header first

    def render(self, delimiter: str | None = None, quote_all: bool = False, eol: str = "\n"):
        out = io.StringIO()
        writer = csv.writer(
            out,
            delimiter=delimiter or self.delimiter,
            lineterminator=eol,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        )
        writer.writerows(self.lines)
        return out.getvalue()


def _csv_lines(path: Path, delimiter: str, keep: int) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    return rows[: keep + 1]


def _folk1a_case() -> TextCase:
    """A complete, small quarter: every municipality, both sexes, ages 0 and 1, no totals."""
    path = SAMPLE_DIR / "landing" / "folk1a" / "FOLK1A_2025K1.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle, delimiter=";"))
    codes = set(municipality_codes())
    kept = [r for r in rows if r[0] in codes and r[1] in ("1", "2") and r[2] in ("0", "1")]
    return TextCase("folk1a", "FOLK1A_2025K1.csv", ";", [header, *kept])


TEXT_CASES = [
    _folk1a_case(),
    *(
        TextCase(source, file, ",", _csv_lines(SAMPLE_DIR / "landing" / source / file, ",", 12))
        for source, file in [
            ("sundhedsprofilen", "sundhedsprofilen_2021.csv"),
            ("boernedatabasen", "boernedatabasen_2024-25.csv"),
            ("trivsel", "trivsel_2024-25.csv"),
            ("education", "education_2024.csv"),
        ]
    ),
]


def _load(source: str, name: str, content: bytes) -> list[tuple]:
    """Sync one file into a fresh warehouse; the raw rows it stored, without load metadata."""
    with tempfile.TemporaryDirectory() as root:
        landing = Path(root) / "landing"
        (landing / source).mkdir(parents=True)
        (landing / source / name).write_bytes(content)
        with duckdb.connect(str(Path(root) / "build.duckdb")) as conn:
            sync_source(conn, BY_NAME[source], landing, Path(root) / "quarantine")
            return conn.execute(
                f"select * exclude (_source_file, _source_row, _is_synthetic, _loaded_at) "
                f"from raw.{BY_NAME[source].table} order by all"
            ).fetchall()


def _assert_outcome(source: str, name: str, content: bytes, keeps_content: bool, clean) -> None:
    try:
        rows = _load(source, name, content)
    except LandingFileError as error:
        assert not keeps_content, f"a content-preserving change was rejected: {error}"
        assert error.file == name and error.rule
        assert str(error).startswith(f"file {name}")
        return
    assert keeps_content, "a corrupted file was loaded"
    assert rows == clean


@pytest.fixture(scope="module")
def clean_rows() -> dict[str, list[tuple]]:
    rows = {
        case.source: _load(case.source, case.name, case.render().encode()) for case in TEXT_CASES
    }
    for parquet in PARQUET_CASES:
        rows[parquet] = _load(parquet, "good.parquet", _parquet_bytes(parquet, lambda sql: sql))
    rows["cluster_status"] = _load("cluster_status", "good.xlsx", _workbook_bytes(lambda ws: None))
    assert all(rows.values())
    return rows


@st.composite
def text_corruptions(draw, case: TextCase) -> tuple[bytes, bool]:
    """(corrupted bytes, whether the corruption keeps the file's content)."""
    header = case.lines[0]
    lines = [list(line) for line in case.lines]
    kind = draw(
        st.sampled_from(
            [
                "change_cell",
                "delete_cell",
                "duplicate_cell",
                "drop_line",
                "repeat_line",
                "drop_column",
                "repeat_column",
                "other_delimiter",
                "encoding",
                "line_ending",
                "quote_everything",
                "byte_order_mark",
                "truncate",
            ]
        )
    )
    row = draw(st.integers(1, len(lines) - 1))
    column = draw(st.integers(0, len(header) - 1))
    if kind == "change_cell":
        typed = [i for i, name in enumerate(header) if name not in FREE_TEXT]
        lines[row][draw(st.sampled_from(typed))] = BAD_TOKEN
        return TextCase(case.source, case.name, case.delimiter, lines).render().encode(), False
    if kind in ("delete_cell", "duplicate_cell"):
        cells = lines[row]
        cells[column : column + 1] = [] if kind == "delete_cell" else [cells[column]] * 2
        return TextCase(case.source, case.name, case.delimiter, lines).render().encode(), False
    if kind == "drop_line":
        # Any line of FOLK1A leaves a hole; elsewhere only the header is detectable (docstring).
        index = row if case.source == "folk1a" else 0
        del lines[index]
        return TextCase(case.source, case.name, case.delimiter, lines).render().encode(), False
    if kind == "repeat_line":
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index + 1, list(lines[index]))
        return TextCase(case.source, case.name, case.delimiter, lines).render().encode(), False
    if kind in ("drop_column", "repeat_column"):
        for cells in lines:
            cells[column : column + 1] = [] if kind == "drop_column" else [cells[column]] * 2
        rendered = TextCase(case.source, case.name, case.delimiter, lines).render().encode()
        return rendered, kind == "repeat_column"
    if kind == "other_delimiter":
        other = draw(st.sampled_from([d for d in (",", ";", "\t", "|") if d != case.delimiter]))
        return case.render(delimiter=other).encode(), False
    text = case.render()
    if kind == "encoding":
        encoding = draw(st.sampled_from(["cp1252", "utf-16"]))
        return text.encode(encoding), encoding == "cp1252" and text.isascii()
    if kind == "line_ending":
        return case.render(eol="\r\n").encode(), True
    if kind == "quote_everything":
        return case.render(quote_all=True).encode(), True
    if kind == "byte_order_mark":
        return text.encode("utf-8-sig"), True
    data = text.encode()
    cuts = [i for i in range(len(lines[0]) + 1, len(data)) if data[i - 1 : i] != b"\n"]
    # Most cuts fall in the last line, and in its last field, where a shortened number still
    # parses: only the missing final line break gives such a file away.
    body = data.rstrip(b"\r\n")
    last_line = [i for i in cuts if i > body.rfind(b"\n")]
    last_field = [i for i in cuts if i > body.rfind(case.delimiter.encode())]
    where = st.sampled_from(last_field) | st.sampled_from(last_line) | st.sampled_from(cuts)
    return data[: draw(where)], False


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c.source for c in TEXT_CASES])
def test_a_corrupted_text_delivery_loads_exactly_or_is_rejected_by_name(
    case: TextCase, clean_rows: dict
) -> None:
    @EXAMPLES
    @given(corruption=text_corruptions(case))
    def check(corruption: tuple[bytes, bool]) -> None:
        content, keeps_content = corruption
        _assert_outcome(case.source, case.name, content, keeps_content, clean_rows[case.source])

    check()


PARQUET_CASES = ["labour"]


def _parquet_bytes(source: str, change) -> bytes:
    """The first 12 sample rows as Parquet, after `change` rewrites the select over them."""
    sample = sorted((SAMPLE_DIR / "landing" / source).glob("*.parquet"))[0]
    with tempfile.TemporaryDirectory() as root, duckdb.connect() as conn:
        conn.execute(f"create table t as select * from '{sample}' order by all limit 12")
        out = Path(root) / "x.parquet"
        conn.execute(f"copy ({change('select * from t')}) to '{out}' (format parquet)")
        return out.read_bytes()


@st.composite
def parquet_corruptions(draw) -> tuple[bytes, bool]:
    kind = draw(st.sampled_from(["truncate", "drop_column", "repeat_row", "bad_flag", "text"]))
    if kind == "truncate":
        data = _parquet_bytes("labour", lambda sql: sql)
        return data[: len(data) * draw(st.integers(0, 999)) // 1000], False
    if kind == "drop_column":
        column = draw(st.sampled_from(["person_key", "year", "kommune_kode", "attached"]))
        return _parquet_bytes("labour", lambda sql: f"select * exclude ({column}) from t"), False
    if kind == "repeat_row":
        return _parquet_bytes(
            "labour", lambda sql: f"{sql} union all (select * from t limit 1)"
        ), False
    if kind == "bad_flag":
        flag = draw(st.sampled_from(["somatic_chronic", "psychiatric", "attached"]))
        return _parquet_bytes("labour", lambda sql: f"select * replace (2 as {flag}) from t"), False
    column = draw(st.sampled_from(["year", "sex", "age", "attached"]))
    return _parquet_bytes(
        "labour", lambda sql: f"select * replace ('ja' as {column}) from t"
    ), False


def test_a_corrupted_parquet_delivery_is_rejected_by_name(clean_rows: dict) -> None:
    @EXAMPLES
    @given(corruption=parquet_corruptions())
    def check(corruption: tuple[bytes, bool]) -> None:
        content, keeps_content = corruption
        _assert_outcome("labour", "good.parquet", content, keeps_content, clean_rows["labour"])

    check()


def _workbook_bytes(change) -> bytes:
    sample = sorted((SAMPLE_DIR / "landing" / "cluster_status").glob("*.xlsx"))[0]
    workbook = load_workbook(sample)
    change(workbook["aktiviteter"])
    # openpyxl stamps the save time: fixed, so the same change gives the same bytes.
    workbook.properties.created = workbook.properties.modified = datetime(2026, 1, 1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@st.composite
def workbook_corruptions(draw) -> tuple[bytes, bool]:
    kind = draw(st.sampled_from(["change_cell", "drop_column", "repeat_row", "truncate"]))
    header = ["klynge", "aar", "maalsaetning", "titel", "status", "beskrivelse"]
    if kind == "change_cell":
        column = draw(st.sampled_from(["klynge", "aar", "maalsaetning", "status"]))
        row = draw(st.integers(2, 3))
        return _workbook_bytes(
            lambda ws: ws.cell(row=row, column=header.index(column) + 1, value=BAD_TOKEN)
        ), False
    if kind == "drop_column":
        column = draw(st.sampled_from(header[:5]))
        return _workbook_bytes(lambda ws: ws.delete_cols(header.index(column) + 1)), False
    if kind == "repeat_row":
        return _workbook_bytes(lambda ws: ws.append([c.value for c in ws[2]])), False
    data = _workbook_bytes(lambda ws: None)  # a zip: its bytes carry the time of writing
    return data[: len(data) * draw(st.integers(0, 999)) // 1000], False


def test_a_corrupted_status_workbook_is_rejected_by_name(clean_rows: dict) -> None:
    @EXAMPLES
    @given(corruption=workbook_corruptions())
    def check(corruption: tuple[bytes, bool]) -> None:
        content, keeps_content = corruption
        _assert_outcome(
            "cluster_status", "good.xlsx", content, keeps_content, clean_rows["cluster_status"]
        )

    check()


@settings(derandomize=True, max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "ø", None]), st.integers(2023, 2025)),
        min_size=1,
        max_size=12,
    )
)
def test_the_key_check_finds_exactly_the_duplicates(keys) -> None:
    """The fast path (distinct hashes) and the exact search together: a file is rejected when
    and only when two rows share their key, naming the first pair."""
    with duckdb.connect() as conn:
        conn.execute("create table t (source_row bigint, person_key varchar, year integer)")
        conn.executemany(
            "insert into t values (?, ?, ?)", [(i + 1, k, y) for i, (k, y) in enumerate(keys)]
        )
        first_seen: dict = {}
        pairs = []
        for row, key in enumerate(keys, start=1):
            if key in first_seen:
                pairs.append((first_seen[key], row))
            first_seen.setdefault(key, row)
        if not pairs:
            check_unique(conn, "t", ("person_key", "year"), "f.csv")
            return
        with pytest.raises(LandingFileError) as raised:
            check_unique(conn, "t", ("person_key", "year"), "f.csv")
    # The duplicate group whose first row comes first, reported at its last row.
    first = min(first_seen[keys[r - 1]] for _, r in pairs)
    last = max(r for f, r in pairs if f == first)
    assert f"duplicate of row {first} in the key (person_key, year)" in str(raised.value)
    assert f"row {last}" in str(raised.value)
