"""Sundhedsprofilen's published estimates (danskernessundhed.dk) through their own door: the
publisher's names or codes, comma or point decimals, optional intervals, complements, and
unknown indicator names kept aside and counted, never an error."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.sources.landing import LandingFileError
from dagster_project.sources.raw_layer import sync_source
from dagster_project.sources.sundhedsprofilen_estimates import SUNDHEDSPROFILEN_ESTIMATES

# As exported by the publisher: Danish names, decimal commas, a BOM, intervals and counts.
DANISH = (
    "\ufeffindikator;aar;kommune;andel;koen;ki_nedre;ki_oevre;antal_svarpersoner\n"
    "Andel der ryger dagligt;2021;Odense;13,4;;12,1;14,7;4210\n"
    "Andel der ryger dagligt;2021;Region Syddanmark;14,9;;14,3;15,5;31200\n"
    "Andel der ryger dagligt;2021;Hele landet;13,9;;13,7;14,1;183646\n"
    "Opfylder ikke WHOs anbefalinger for fysisk aktivitet;2021;Odense;47,2;Kvinder;44,9;49,5;2300\n"
    "Dårligt mentalt helbred;2021;Odense;16,0;;14,8;17,2;4210\n"
    "Dårligt mentalt helbred;2021;Vejen;15,1;;12,9;17,3;880\n"
)
# Codes and points, without the optional columns.
CODES = "indikator;aar;kommune;andel\ndaily_smoking;2017;461;15.2\nSvær overvægt;2017;630;19.8\n"


def _sync(tmp_path: Path, files: dict[str, str]) -> tuple[dict, list[tuple]]:
    folder = tmp_path / "landing" / "sundhedsprofilen_estimates"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        report = sync_source(
            conn, SUNDHEDSPROFILEN_ESTIMATES, tmp_path / "landing", tmp_path / "quarantine"
        )
        rows = conn.execute(
            "select indicator_code, is_complement, year, area_code, sex_code, share_percent, "
            "ci_lower_percent, ci_upper_percent, n_respondents "
            "from raw.sundhedsprofilen_estimates_shares order by _source_file, _source_row"
        ).fetchall()
    return report.skipped, rows


def test_publisher_names_areas_and_comma_decimals_load_as_codes_and_numbers(
    tmp_path: Path,
) -> None:
    skipped, rows = _sync(tmp_path, {"sundhedsprofilen_2021.csv": DANISH})

    assert rows[:4] == [
        ("daily_smoking", False, 2021, "461", "TOT", 13.4, 12.1, 14.7, 4210),
        ("daily_smoking", False, 2021, "083", "TOT", 14.9, 14.3, 15.5, 31200),
        ("daily_smoking", False, 2021, "000", "TOT", 13.9, 13.7, 14.1, 183646),
        # The share not meeting the recommendations: the complement of physically_active.
        ("physically_active", True, 2021, "461", "2", 47.2, 44.9, 49.5, 2300),
    ]
    # A name the seed does not know is kept aside, counted by name, and is no error.
    assert [r[0] for r in rows[4:]] == [None, None]
    assert skipped == {"Dårligt mentalt helbred": 2}


def test_codes_point_decimals_and_no_interval_load_with_empty_bounds(tmp_path: Path) -> None:
    skipped, rows = _sync(tmp_path, {"estimates_2017.csv": CODES})

    assert rows == [
        ("daily_smoking", False, 2017, "461", "TOT", 15.2, None, None, None),
        ("severe_obesity", False, 2017, "630", "TOT", 19.8, None, None, None),
    ]
    assert skipped == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "indikator;aar;kommune;andel;ki_nedre;ki_oevre\n"
            "daily_smoking;2021;461;13,4;12.1;14,7\n",
            "mixes decimal commas and decimal points (one style per file)",
        ),
        (
            "indikator;aar;kommune;andel\ndaily_smoking;2021;Odensee;13.4\n",
            "row 1 (line 2), column kommune: must be a DST area code or the Danish name of a "
            "municipality, 'Region Syddanmark' (083) or 'Hele landet' (000): 'Odensee'",
        ),
        (
            "indikator;aar;kommune;andel;ki_nedre;ki_oevre\ndaily_smoking;2021;461;16.0;12.1;14.7\n",
            "column andel: must lie within its 95% interval (ki_nedre <= andel <= ki_oevre)",
        ),
        (
            "indikator;aar;kommune;andel;ki_nedre\ndaily_smoking;2021;461;13.4;12.1\n",
            "column ki_nedre: must be given together with ki_oevre",
        ),
        (
            "indikator;aar;kommune;andel\ndaily_smoking;2021;461;113.4\n",
            "column andel: must be a number with a decimal point from 0 to 100: '113.4'",
        ),
        (
            "indikator;aar;kommune;andel\n"
            "daily_smoking;2021;461;13.4\n"
            "Andel der ryger dagligt;2021;Odense;13.4\n",
            # The publisher's name and the code are one indicator: the second row is a double.
            "row 2 (line 3), column indikator: duplicate of row 1 in the key",
        ),
    ],
)
def test_a_broken_estimates_file_is_rejected_by_rule_and_quarantined(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(LandingFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _sync(tmp_path, {"estimates_2021.csv": text})
    quarantine = tmp_path / "quarantine" / "sundhedsprofilen_estimates"
    assert len(list(quarantine.glob("*_estimates_2021.csv"))) == 1
    assert not (tmp_path / "landing" / "sundhedsprofilen_estimates" / "estimates_2021.csv").exists()


def test_unknown_names_are_a_warning_check_and_counted_in_the_assets_metadata(
    tmp_path: Path,
) -> None:
    from dagster import AssetCheckSeverity, materialize

    from dagster_project.resources import CprKey, RefreshLock
    from dagster_project.sources.assets import INGESTION_ASSETS
    from tests.conftest import settings_in

    folder = tmp_path / "landing" / "sundhedsprofilen_estimates"
    folder.mkdir(parents=True)
    (folder / "sundhedsprofilen_2021.csv").write_text(DANISH, encoding="utf-8")
    settings = settings_in(tmp_path)
    (asset,) = (
        a for a in INGESTION_ASSETS if "sundhedsprofilen_estimates" in a.key.to_user_string()
    )

    result = materialize(
        [asset],
        resources={
            "settings": settings,
            "refresh_lock": RefreshLock(settings=settings),
            "cpr_key": CprKey(),
        },
    )

    assert result.success  # an unknown name is never an error
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "rows_left_out" and not check.passed
    assert check.severity == AssetCheckSeverity.WARN
    assert "'Dårligt mentalt helbred': 2 rows" in check.description
    (materialization,) = result.get_asset_materialization_events()
    metadata = materialization.materialization.metadata
    assert metadata["rows_left_out"].value == {"Dårligt mentalt helbred": 2}
    assert metadata["dagster/row_count"].value == 6


def test_one_figure_delivered_by_code_in_one_file_and_by_name_in_another_is_refused(
    tmp_path: Path,
) -> None:
    """The code and the publisher's name of one indicator are one figure: counted once."""
    _sync(tmp_path, {"a_2017.csv": "indikator;aar;kommune;andel\ndaily_smoking;2017;461;15.2\n"})
    with pytest.raises(LandingFileError, match="would be counted twice"):
        _sync(
            tmp_path,
            {
                "b_2017.csv": "indikator;aar;kommune;andel\n"
                "Andel der ryger dagligt;2017;Odense;15,2\n"
            },
        )
    assert (tmp_path / "quarantine" / "sundhedsprofilen_estimates").exists()
