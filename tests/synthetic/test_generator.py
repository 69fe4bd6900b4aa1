"""The synthetic generator: deterministic, labelled, and faithful to the truth it records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest

from dagster_project.reference_data import read_seed
from synthetic import generate_extracts
from synthetic.prevalence import SURVEY_INDICATORS
from synthetic.registers import person_keys
from tests.conftest import file_digest, settings_in

YEARS = [2017, 2021]


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): file_digest(p) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def small_extracts(tmp_path_factory: pytest.TempPathFactory):
    return generate_extracts(tmp_path_factory.mktemp("gen"), seed=7, scale=0.02, survey_years=YEARS)


def test_same_seed_and_scale_write_the_same_bytes(small_extracts, tmp_path: Path) -> None:
    again = generate_extracts(tmp_path, seed=7, scale=0.02, survey_years=YEARS)
    assert _digests(again.landing_dir) == _digests(small_extracts.landing_dir)
    assert _digests(again.truth_dir) == _digests(small_extracts.truth_dir)


def test_another_seed_writes_other_respondents(small_extracts, tmp_path: Path) -> None:
    # The survey alone: the registers, schools and status workbooks are what takes the time.
    other = generate_extracts(
        tmp_path,
        seed=8,
        scale=0.02,
        survey_years=YEARS,
        register_years=[],
        school_years=[],
        status_years=[],
    )
    name = "sundhedsprofilen/sundhedsprofilen_2021.csv"
    assert file_digest(other.landing_dir / name) != file_digest(small_extracts.landing_dir / name)


def test_every_generated_file_is_labelled_synthetic_with_its_checksum(small_extracts) -> None:
    manifest = json.loads((small_extracts.landing_dir / "_synthetic_manifest.json").read_text())
    assert "SYNTHETIC" in manifest["note"]
    assert set(manifest["files"]) == {
        str(p.relative_to(small_extracts.landing_dir)) for p in small_extracts.files
    }
    for name, digest in manifest["files"].items():
        assert file_digest(small_extracts.landing_dir / name) == digest


def test_recorded_truth_hits_the_syddanmark_targets(small_extracts) -> None:
    syddanmark = [
        m["kommune_kode"] for m in read_seed("municipalities") if m["region_code"] == "083"
    ]
    truth = duckdb.execute(
        f"""
        select indicator_code, year, sum(population * true_prevalence) / sum(population) as p
        from read_csv('{small_extracts.truth_dir / "sundhedsprofilen_true_prevalence.csv"}',
                      types = {{'kommune_kode': 'varchar'}})
        where kommune_kode in ({", ".join(repr(k) for k in syddanmark)})
        group by all
        """
    ).fetchall()
    assert len(truth) == len(SURVEY_INDICATORS) * len(YEARS)
    for indicator, year, p in truth:
        assert p == pytest.approx(SURVEY_INDICATORS[indicator].targets[year], abs=1e-4)


def test_survey_weights_add_up_to_the_population_aged_16_and_over(small_extracts) -> None:
    folk1a = small_extracts.landing_dir / "folk1a" / "FOLK1A_2021K1.csv"
    survey = small_extracts.landing_dir / "sundhedsprofilen" / "sundhedsprofilen_2021.csv"
    # The second file of a run is written with codes; skip the total and region rows.
    population = duckdb.execute(
        f"""
        select sum(cast("INDHOLD" as bigint))
        from read_csv('{folk1a}', delim = ';', all_varchar = true)
        where "KØN" in ('1', '2') and "ALDER" <> 'IALT' and cast("ALDER" as integer) >= 16
          and "OMRÅDE" not in ('000', '081', '082', '083', '084', '085')
        """
    ).fetchone()[0]
    weights = duckdb.execute(f"select sum(weight) from read_csv('{survey}')").fetchone()[0]
    assert weights == pytest.approx(population, rel=1e-3)


def test_generation_reports_each_file_with_rows_per_second_and_percent_done(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    result = generate_extracts(
        tmp_path,
        seed=7,
        scale=0.01,
        survey_years=[2021],
        register_years=[2024],
        school_years=[2024],
        status_years=[2024],
        progress=lines.append,
    )
    assert len(lines) == len(result.files) == 2 + 2 + 2 + 4
    percents = [int(re.search(r"\] +(\d+)% ", line).group(1)) for line in lines]
    assert percents == sorted(percents) and percents[-1] == 100
    labour = next(line for line in lines if "labour_2024.parquet" in line)
    rows = duckdb.execute(
        "select count(*) from read_parquet(?)",
        [str(tmp_path / "landing/labour/labour_2024.parquet")],
    ).fetchone()[0]
    assert re.search(rf"labour_2024\.parquet: {rows:,} rows \([\d,]+ rows/s\); eta \d+ s$", labour)


def test_the_generator_job_logs_its_progress_in_the_run_log_and_spares_the_landing_folder(
    tmp_path: Path,
) -> None:
    from dagster import DagsterInstance

    from dagster_project.definitions import build_definitions

    settings = settings_in(tmp_path)
    defs = build_definitions(settings)
    job = defs.resolve_job_def("generate_synthetic_extracts")
    small = {
        "scale": 0.01,
        "survey_years": [2021],
        "register_years": [2024],
        "school_years": [2024],
        "status_years": [2024],
    }
    with DagsterInstance.ephemeral() as instance:
        out = tmp_path / "synthetic"
        config = {"ops": {"write_synthetic_extracts": {"config": {**small, "out": str(out)}}}}
        result = job.execute_in_process(run_config=config, instance=instance)
        assert result.success
        logged = [e.user_message for e in instance.all_logs(result.run_id)]
        percents = [int(p.group(1)) for m in logged if (p := re.search(r"\] +(\d+)% ", m))]
        assert len(percents) == 10 and percents[-1] == 100
        assert any(
            re.search(r"labour_2024\.parquet: [\d,]+ rows \([\d,]+ rows/s\)", m) for m in logged
        )
        assert (out / "landing" / "labour" / "labour_2024.parquet").exists()

        live = {"ops": {"write_synthetic_extracts": {"config": {**small, "out": str(tmp_path)}}}}
        refused = job.execute_in_process(run_config=live, instance=instance, raise_on_error=False)
        assert not refused.success
        assert not settings.landing_dir.exists()


def test_person_keys_never_collide_and_follow_a_person_across_years() -> None:
    """Keys hashed from a person's fields collided at three times national scale, and the
    labour contract rightly rejected the file; packed and permuted, they cannot."""
    sex = np.repeat([1, 2], 47 * 2_000)
    birth_year = np.tile(np.repeat(np.arange(1960, 2007), 2_000), 2)
    keys = [k for m in range(0, 98, 7) for k in person_keys(2024, "labour", m, sex, birth_year)]
    assert len(keys) == 14 * 188_000
    assert len(set(keys)) == len(keys)
    assert all(len(k) == 12 for k in keys[:1000])
    # The same persons in another year's extract, listed in the same order, get the same keys.
    assert person_keys(2024, "labour", 0, sex, birth_year) == keys[:188_000]
    assert person_keys(2025, "labour", 0, sex, birth_year) != keys[:188_000]  # another seed


def test_the_education_truth_mixes_back_to_the_cell_truth_and_carries_the_gradient(
    small_extracts,
) -> None:
    """Per municipality × year, the groups' truth weighted by their population is the truth of
    the same residents aged 25+ in the cell file, and shorter education means more smoking and
    severe obesity and less physical activity (the gradient the issue asks for)."""
    truth = small_extracts.truth_dir
    mixed = duckdb.execute(
        f"""
        with groups as (
            select indicator_code, year, kommune_kode,
                sum(population * true_prevalence) / sum(population) as p,
                sum(population) as population
            from read_csv('{truth / "sundhedsprofilen_true_prevalence_by_education.csv"}',
                          types = {{'kommune_kode': 'varchar'}})
            group by all
        ),
        cells as (
            select indicator_code, year, kommune_kode,
                sum(population * true_prevalence) / sum(population) as p,
                sum(population) as population
            from read_csv('{truth / "sundhedsprofilen_true_prevalence.csv"}',
                          types = {{'kommune_kode': 'varchar'}})
            where age_band_code not in ('00-15', '16-24')
            group by all
        )
        select max(abs(groups.p - cells.p)), max(abs(groups.population - cells.population)),
            count(*)
        from groups inner join cells using (indicator_code, year, kommune_kode)
        """
    ).fetchone()
    assert mixed[0] < 1e-5 and mixed[1] < 1.0 and mixed[2] > 98 * len(YEARS) * 4
    by_group = {
        (code, group): p
        for code, group, p in duckdb.execute(
            f"""
            select indicator_code, education_group,
                sum(population * true_prevalence) / sum(population)
            from read_csv('{truth / "sundhedsprofilen_true_prevalence_by_education.csv"}')
            where year = 2021 group by all
            """
        ).fetchall()
    }
    for code in ("daily_smoking", "severe_obesity"):
        assert by_group[(code, "grundskole")] > by_group[(code, "lang_videregaaende")] + 0.03
    assert (
        by_group[("physically_active", "grundskole")]
        < by_group[("physically_active", "lang_videregaaende")] - 0.1
    )
