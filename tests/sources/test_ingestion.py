"""Ingestion of FOLK1A and Sundhedsprofilen landing files into the raw schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from dagster_project.sources.folk1a import FOLK1A
from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source
from dagster_project.sources.sundhedsprofilen import SUNDHEDSPROFILEN
from dagster_project.sources.trivsel import TRIVSEL
from synthetic.geography import load_geography
from synthetic.population import write_folk1a
from tests.conftest import SAMPLE_DIR


def _population(seed: int = 1) -> tuple:
    geo = load_geography()
    rng = np.random.default_rng(seed)
    pop = rng.integers(0, 50, size=(geo.n_municipalities, 2, 106, 1))
    return geo, pop


def _load(landing: Path, source=FOLK1A) -> list[tuple]:
    with duckdb.connect(str(landing.parent / "build.duckdb")) as conn:
        sync_source(conn, source, landing, landing.parent / "quarantine")
        return conn.execute(
            "select area_code, sex_code, age_code, quarter_code, population_count "
            "from raw.folk1a_population order by all"
        ).fetchall()


@pytest.mark.parametrize(
    ("presentation", "bom"),
    [("labels", False), ("labels", True), ("codes_and_labels", False), ("codes", True)],
)
def test_every_statbank_presentation_loads_as_the_same_codes(
    tmp_path: Path, presentation: str, bom: bool
) -> None:
    geo, pop = _population()
    write_folk1a(
        tmp_path / "codes" / "landing" / "folk1a" / "f.csv", geo, pop[..., 0], 2024, "codes", False
    )
    write_folk1a(
        tmp_path / "other" / "landing" / "folk1a" / "f.csv",
        geo,
        pop[..., 0],
        2024,
        presentation,
        bom,
    )
    as_codes = _load(tmp_path / "codes" / "landing")
    assert len(as_codes) > 98 * 2 * 106
    assert _load(tmp_path / "other" / "landing") == as_codes
    assert (
        "461",
        "1",
        "25",
        "2024K1",
        int(pop[geo.kommune_kode.index("461"), 0, 25, 0]),
    ) in as_codes


def _with_civilstand(plain: Path, target: Path, parts) -> None:
    """The plain file with a CIVILSTAND column: each row becomes the rows `parts` gives it."""
    lines = plain.read_text(encoding="utf-8").splitlines()
    out = ["OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"]
    for line in lines[1:]:
        area, sex, age, quarter, count = line.split(";")
        out += [f"{area};{sex};{age};{code};{quarter};{n}" for code, n in parts(int(count))]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


@pytest.mark.parametrize(
    "parts",
    [
        lambda n: [("TOT", n), ("U", n - n // 3), ("G", n // 3)],  # total row and its parts
        lambda n: [("U", n - n // 3), ("G", n // 3)],  # parts only: summed, each once
    ],
    ids=["with_total_rows", "parts_only"],
)
def test_an_extra_statbank_variable_counts_each_person_once(tmp_path: Path, parts) -> None:
    geo, pop = _population()
    plain = tmp_path / "plain" / "landing" / "folk1a" / "f.csv"
    write_folk1a(plain, geo, pop[..., 0], 2024, "codes", False)
    _with_civilstand(plain, tmp_path / "civil" / "landing" / "folk1a" / "f.csv", parts)
    assert _load(tmp_path / "civil" / "landing") == _load(tmp_path / "plain" / "landing")


def test_a_part_delivered_twice_is_rejected_naming_the_column(tmp_path: Path) -> None:
    geo, pop = _population()
    plain = tmp_path / "plain" / "folk1a" / "f.csv"
    write_folk1a(plain, geo, pop[..., 0], 2024, "codes", False)
    landing = tmp_path / "landing"
    _with_civilstand(plain, landing / "folk1a" / "f.csv", lambda n: [("U", n), ("U", 0)])
    with pytest.raises(LandingFileError) as raised:
        _load(landing)
    assert raised.value.column == "CIVILSTAND"
    assert "the same part appears twice for one cell" in raised.value.rule


def test_a_quarter_split_over_two_files_is_complete_only_together(tmp_path: Path) -> None:
    geo, pop = _population()
    whole = tmp_path / "whole" / "landing" / "folk1a" / "f.csv"
    write_folk1a(whole, geo, pop[..., 0], 2024, "codes", False)
    header, *rows = whole.read_text(encoding="utf-8").splitlines()
    west = [r for r in rows if r.split(";")[0] < "500"]
    east = [r for r in rows if r.split(";")[0] >= "500"]
    landing = tmp_path / "split" / "landing"
    (landing / "folk1a").mkdir(parents=True)
    (landing / "folk1a" / "a_west.csv").write_text("\n".join([header, *west]) + "\n")
    (landing / "folk1a" / "b_east.csv").write_text("\n".join([header, *east]) + "\n")
    assert sorted(_load(landing)) == sorted(_load(tmp_path / "whole" / "landing"))

    overlap = tmp_path / "overlap" / "landing"
    shutil.copytree(landing, overlap)
    (overlap / "folk1a" / "c_again.csv").write_text("\n".join([header, *east[:3]]) + "\n")
    with pytest.raises(LandingFileError) as raised:
        _load(overlap)
    assert raised.value.file == "c_again.csv"
    assert "of b_east.csv" in str(raised.value) and "counted twice" in str(raised.value)
    assert not (overlap / "folk1a" / "c_again.csv").exists()


def test_unknown_municipality_label_is_rejected_naming_file_row_and_value(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "folk1a").mkdir(parents=True)
    (landing / "folk1a" / "bad.csv").write_text(
        "OMRÅDE;KØN;ALDER;TID;INDHOLD\n"
        "Odense;Mænd;25 år;2024K1;1093\n"
        "Odensee;Mænd;26 år;2024K1;1000\n",
        encoding="utf-8",
    )
    with pytest.raises(LandingFileError) as raised:
        _load(landing)
    message = str(raised.value)
    assert (
        "bad.csv" in message and "row 2" in message and "OMRÅDE" in message and "Odensee" in message
    )
    assert not (landing / "folk1a" / "bad.csv").exists()
    reports = list((tmp_path / "quarantine" / "folk1a").glob("*.report.txt"))
    assert len(reports) == 1 and "Odensee" in reports[0].read_text()


def _copy_survey(tmp_path: Path, years=(2021,)) -> Path:
    landing = tmp_path / "landing"
    (landing / "sundhedsprofilen").mkdir(parents=True)
    for year in years:
        name = f"sundhedsprofilen/sundhedsprofilen_{year}.csv"
        shutil.copy(SAMPLE_DIR / "landing" / name, landing / name)
    shutil.copy(SAMPLE_DIR / "landing" / "_synthetic_manifest.json", landing)
    return landing


def _sync_survey(landing: Path):
    with duckdb.connect(str(landing.parent / "build.duckdb")) as conn:
        report = sync_source(conn, SUNDHEDSPROFILEN, landing, landing.parent / "quarantine")
        rows = conn.execute(
            "select count(*), bool_and(_is_synthetic), max(_loaded_at) "
            "from raw.sundhedsprofilen_respondents"
        ).fetchone()
    return report, rows


def _raw_files(tmp_path: Path, table: str = "sundhedsprofilen_respondents") -> dict[str, int]:
    """{path in the raw folder: inode} of a raw table's Parquet files."""
    folder = tmp_path / "raw" / table
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*.parquet")}


def test_a_file_of_one_year_and_a_file_of_two_are_stored_alike(tmp_path: Path) -> None:
    """A file of one year is written straight to its year's folder, a file of several through
    partition_by: the same folders and the same rows either way, the year in the folder name."""
    landing = _copy_survey(tmp_path, years=(2017, 2021))
    folder = landing / "sundhedsprofilen"
    raw = tmp_path / "raw" / "sundhedsprofilen_respondents"
    # The rows but for the stamps of the landing file (both.csv is not the generator's, so not
    # marked synthetic).
    read = (
        "select * exclude (_source_file, _source_row, _is_synthetic, _loaded_at) "
        f"from read_parquet('{raw.as_posix()}/**/*.parquet', hive_partitioning = true) "
        "order by all"
    )
    _, (rows, _, _) = _sync_survey(landing)
    one_year_each = _raw_files(tmp_path)
    with duckdb.connect() as conn:
        before = conn.execute(read).fetchall()
    # The two years delivered as one file: the header once, the rows of both.
    first, second = (folder / f"sundhedsprofilen_{year}.csv" for year in (2017, 2021))
    lines = first.read_text().splitlines(keepends=True)
    lines += second.read_text().splitlines(keepends=True)[1:]
    (folder / "both.csv").write_text("".join(lines))
    first.unlink()
    second.unlink()
    report, (rows_after, _, _) = _sync_survey(landing)
    after = _raw_files(tmp_path)
    with duckdb.connect() as conn:
        both = conn.execute(read).fetchall()
        in_files = {
            name
            for (name,) in conn.execute(
                f"select name from parquet_schema('{raw.as_posix()}/**/*.parquet')"
            ).fetchall()
        }
    assert [f["file"] for f in report.loaded] == ["both.csv"] and rows_after == rows
    assert sorted(n.split("/")[0] for n in one_year_each) == [
        "survey_year=2017",
        "survey_year=2021",
    ]
    assert sorted(n.split("/")[0] for n in after) == ["survey_year=2017", "survey_year=2021"]
    assert len(before) == rows and both == before
    assert "survey_year" not in in_files  # in the folder name only, as partition_by writes it


def test_unchanged_files_are_not_loaded_again(tmp_path: Path) -> None:
    landing = _copy_survey(tmp_path)
    first, (rows, synthetic, loaded_at) = _sync_survey(landing)
    second, (rows_again, _, loaded_at_again) = _sync_survey(landing)
    assert [f["file"] for f in first.loaded] == ["sundhedsprofilen_2021.csv"] and synthetic
    assert second.loaded == [] and second.unchanged == ["sundhedsprofilen_2021.csv"]
    assert not second.changed
    assert (rows_again, loaded_at_again) == (rows, loaded_at)


def test_a_changed_file_replaces_exactly_its_own_rows(tmp_path: Path) -> None:
    landing = _copy_survey(tmp_path, years=(2017, 2021))
    _, (rows, _, _) = _sync_survey(landing)
    before = _raw_files(tmp_path)
    path = landing / "sundhedsprofilen" / "sundhedsprofilen_2021.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-10]))  # a re-delivery with ten respondents fewer
    report, (rows_after, _, _) = _sync_survey(landing)
    assert [f["file"] for f in report.loaded] == ["sundhedsprofilen_2021.csv"]
    assert rows_after == rows - 10
    # One Parquet file a landing file and year: the 2017 file's is the same file (linked into
    # the new folder, not written again), the 2021 file's is new, and no other file is left.
    after = _raw_files(tmp_path)
    assert sorted(name.split("/")[0] for name in after) == ["survey_year=2017", "survey_year=2021"]
    kept = {n for n in after if n.startswith("survey_year=2017/")}
    assert kept and all(after[n] == before[n] for n in kept)
    assert all(n not in before for n in after if n.startswith("survey_year=2021/"))
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        flags = dict(
            conn.execute(
                "select _source_file, bool_and(_is_synthetic) "
                "from raw.sundhedsprofilen_respondents group by 1"
            ).fetchall()
        )
    # The edited file no longer matches the generator's checksum: it is not labelled synthetic.
    assert flags == {"sundhedsprofilen_2017.csv": True, "sundhedsprofilen_2021.csv": False}


def test_a_removed_file_takes_its_rows_with_it(tmp_path: Path) -> None:
    landing = _copy_survey(tmp_path, years=(2017, 2021))
    _sync_survey(landing)
    (landing / "sundhedsprofilen" / "sundhedsprofilen_2017.csv").unlink()
    report, _ = _sync_survey(landing)
    assert report.removed == ["sundhedsprofilen_2017.csv"]
    with duckdb.connect() as conn:
        delivered = conn.execute(
            "select count(distinct kommune_kode) from read_csv(?, all_varchar = true)",
            [str(SAMPLE_DIR / "landing" / "sundhedsprofilen" / "sundhedsprofilen_2017.csv")],
        ).fetchone()[0]
    # Never a silent drop: the year that lost its municipalities is reported.
    assert report.coverage_drops == [(2017, delivered, 0)]
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        years = conn.execute(
            "select distinct survey_year from raw.sundhedsprofilen_respondents"
        ).fetchall()
    assert years == [(2021,)]


@pytest.mark.parametrize(
    ("column", "bad_value", "rule"),
    [
        ("daily_smoker", "2", "must be 0 or 1 (empty when not answered)"),
        ("weight", "12,5", "must be a number with a decimal point above 0"),
        ("kommune_kode", "999", "must be one of the 98 municipality codes"),
        ("age", "7", "must be a whole number from 16 to 120"),
    ],
)
def test_a_bad_survey_value_is_rejected_and_nothing_is_loaded(
    tmp_path: Path, column: str, bad_value: str, rule: str
) -> None:
    landing = _copy_survey(tmp_path)
    _sync_survey(landing)
    before = _raw_files(tmp_path)
    path = landing / "sundhedsprofilen" / "sundhedsprofilen_2023.csv"
    source_lines = (
        (SAMPLE_DIR / "landing" / "sundhedsprofilen" / "sundhedsprofilen_2023.csv")
        .read_text()
        .splitlines()
    )
    header = source_lines[0].split(",")
    cells = source_lines[3].split(",")
    cells[header.index(column)] = f'"{bad_value}"' if "," in bad_value else bad_value
    source_lines[3] = ",".join(cells)
    path.write_text("\n".join(source_lines) + "\n")
    with pytest.raises(LandingFileError) as raised:
        _sync_survey(landing)
    assert str(raised.value) == (
        f"file sundhedsprofilen_2023.csv, row 3 (line 4), column {column}: {rule}: '{bad_value}'"
    )
    assert not path.exists()
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        years = conn.execute(
            "select distinct survey_year from raw.sundhedsprofilen_respondents"
        ).fetchall()
    assert years == [(2021,)]
    # The live raw folder is the one from before, file for file; nothing half-written beside it.
    assert _raw_files(tmp_path) == before
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["sundhedsprofilen_respondents"]


def test_a_redelivery_under_another_name_is_rejected_not_counted_twice(tmp_path: Path) -> None:
    landing = _copy_survey(tmp_path)
    _, (rows, _, _) = _sync_survey(landing)
    again = landing / "sundhedsprofilen" / "sundhedsprofilen_2021_rettet.csv"
    shutil.copy(landing / "sundhedsprofilen" / "sundhedsprofilen_2021.csv", again)

    with pytest.raises(LandingFileError) as raised:
        _sync_survey(landing)

    assert str(raised.value) == (
        "file sundhedsprofilen_2021_rettet.csv, row 1 (line 2): has the key (respondent_id, "
        "survey_year) of row 1 of sundhedsprofilen_2021.csv: the rows would be counted twice (a "
        "re-delivery under another name? remove the file it replaces)"
    )
    assert not again.exists()
    _, (rows_after, _, _) = _sync_survey(landing)
    assert rows_after == rows


def test_a_school_year_is_stored_as_the_year_it_ends_also_in_a_raw_layer_from_before(
    tmp_path: Path,
) -> None:
    """2021/22 is reported as 2022 (the survey runs in the spring). A raw layer written before
    ingestion stored the year - the raw table of the layout before Parquet, without the column -
    is written anew from the landing folder, the year included, and the table replaced by the
    view over the Parquet folder."""
    landing = tmp_path / "landing" / "trivsel"
    landing.mkdir(parents=True)
    shutil.copy(SAMPLE_DIR / "landing" / "trivsel" / "trivsel_2021-22.csv", landing)
    database = str(tmp_path / "build.duckdb")
    with duckdb.connect(database) as conn:
        sync_source(conn, TRIVSEL, tmp_path / "landing", tmp_path / "quarantine")
        assert conn.execute(
            "select distinct school_year, year from raw.trivsel_wellbeing"
        ).fetchall() == [("2021/22", 2022)]
        # The raw layer as an older version left it: a table without the year column, its
        # file recorded as loaded.
        conn.execute("create table old_rows as select * exclude (year) from raw.trivsel_wellbeing")
        conn.execute("drop view raw.trivsel_wellbeing")
        conn.execute("create table raw.trivsel_wellbeing as select * from old_rows")
    shutil.rmtree(tmp_path / "raw")
    shutil.copy(SAMPLE_DIR / "landing" / "trivsel" / "trivsel_2023-24.csv", landing)
    with duckdb.connect(database) as conn:
        sync_source(conn, TRIVSEL, tmp_path / "landing", tmp_path / "quarantine")
        years = conn.execute(
            "select school_year, year, count(*) from raw.trivsel_wellbeing group by all order by 1"
        ).fetchall()
        kind = conn.execute(
            "select table_type from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'trivsel_wellbeing'"
        ).fetchone()
    assert [(school_year, year) for school_year, year, _ in years] == [
        ("2021/22", 2022),
        ("2023/24", 2024),
    ]
    assert kind == ("VIEW",)
    assert sorted(p.name for p in (tmp_path / "raw" / "trivsel_wellbeing").iterdir()) == [
        ".layout",
        "_landing_files",
        "year=2022",
        "year=2024",
    ]
