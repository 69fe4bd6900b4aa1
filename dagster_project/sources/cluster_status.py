"""The clusters' annual status survey: one Excel workbook per cluster and year.

Read with openpyxl (sheet "aktiviteter"), turned into the same text table every other source
is checked as, so unknown clusters, objectives and statuses are reported with file, row and
value like any contract breach. Row numbers count data rows; the "line" is the Excel row.
Completely empty rows (common below a table in Excel) carry nothing and are passed over.
A status may be written as its code (in_progress), English (in progress) or Danish (Igangsat);
it is stored as the code.
"""

from __future__ import annotations

import zipfile

import duckdb
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from dagster_project.reference_data import read_seed
from dagster_project.sources.contracts import (
    TableContract,
    check_contract,
    one_of,
    period_year,
    required,
)
from dagster_project.sources.landing import LandingFile, LandingFileError
from dagster_project.sources.loaders import write_raw_rows
from dagster_project.sources.raw_layer import LoadOptions, RawSource

SHEET = "aktiviteter"
COLUMNS = ("klynge", "aar", "maalsaetning", "titel", "status", "beskrivelse")


def status_spellings() -> dict[str, str]:
    """Every accepted way of writing a status → its code."""
    spellings = {}
    for row in read_seed("activity_statuses"):
        for spelling in (row["status_code"], row["status_name_en"], row["status_name_da"]):
            spellings[spelling] = spellings[spelling.lower()] = row["status_code"]
    return spellings


def status_objectives() -> list[str]:
    """Objectives followed up by the annual status survey (O1.2, O2.1, O4.1, O4.2)."""
    return [
        r["objective_code"] for r in read_seed("objectives") if "status_survey" in r["follow_up"]
    ]


CONTRACT = TableContract(
    columns={
        "klynge": "varchar",
        "aar": "integer",
        "maalsaetning": "varchar",
        "titel": "varchar",
        "status": "varchar",
        "beskrivelse": "varchar",
    },
    rules=lambda: [
        *(required(c) for c in ("klynge", "aar", "maalsaetning", "titel", "status")),
        one_of("klynge", [r["cluster_code"] for r in read_seed("clusters")], "a cluster code"),
        period_year("aar"),
        one_of("maalsaetning", status_objectives(), "an objective followed up by status survey"),
        one_of(
            "status", sorted(status_spellings()), "planned, in progress, implemented or stopped"
        ),
    ],
    unique_key=("klynge", "aar", "maalsaetning", "titel"),
)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _read_sheet(file: LandingFile) -> tuple[list[str], list[tuple]]:
    try:
        workbook = load_workbook(file.path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise LandingFileError(
            file.name, f"cannot be opened as an Excel workbook ({error})"
        ) from error
    try:
        if SHEET not in workbook.sheetnames:
            raise LandingFileError(
                file.name, f"sheet {SHEET!r} is missing (found {workbook.sheetnames})"
            )
        rows = workbook[SHEET].iter_rows(values_only=True)
        header = [_text(cell) or "" for cell in next(rows, ())]
        records = []
        for data_row, values in enumerate(rows, start=1):
            cells = [_text(v) for v in values]
            if any(cells):
                records.append((data_row, *(cells + [None] * len(header))[: len(header)]))
        return header, records
    finally:
        workbook.close()


def load_status_workbook(
    conn: duckdb.DuckDBPyConnection, file: LandingFile, options: LoadOptions
) -> int:
    header, records = _read_sheet(file)
    named = [(i, name) for i, name in enumerate(header) if name]
    conn.execute("drop table if exists _landing")
    columns = ", ".join(f'"{name}" varchar' for _, name in named)
    conn.execute(f"create temp table _landing (source_row bigint, {columns})")
    if records:
        placeholders = ", ".join("?" * (len(named) + 1))
        conn.executemany(
            f"insert into _landing values ({placeholders})",
            [(r[0], *(r[i + 1] for i, _ in named)) for r in records],
        )
    check_contract(conn, "_landing", CONTRACT, file.name)
    cases = " ".join(
        f"when '{spelling.replace(chr(39), chr(39) * 2)}' then '{code}'"
        for spelling, code in status_spellings().items()
    )
    return write_raw_rows(
        conn,
        f"klynge, cast(aar as integer), maalsaetning, titel, case status {cases} end, beskrivelse",
        file,
        options,
    )


CLUSTER_STATUS = RawSource(
    name="cluster_status",
    table="cluster_status_activities",
    patterns=("*.xlsx",),
    columns_ddl=(
        "cluster_code varchar not null, year integer not null, objective_code varchar not null, "
        "title varchar not null, status_code varchar not null, description varchar"
    ),
    load_file=load_status_workbook,
    unique_key=("cluster_code", "year", "objective_code", "title"),
    year_column="year",
    description="The clusters' annual status survey: activities per objective with their status.",
)
