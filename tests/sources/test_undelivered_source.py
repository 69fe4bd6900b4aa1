"""Sources with no delivery yet: the night still publishes, the assets say so, and the
committee's report renders without their indicators (a test of its own: the report's browser
tests hold Playwright's event loop in their module).

The warehouse here has no person-level file at all: FOLK1A, the survey as the publisher's
municipal estimates only, the labour register as count tables and the clusters' status
survey. It must publish and report from them alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.definitions import build_definitions
from tests.conftest import copy_sample_landing, run_nightly, settings_in

pytestmark = pytest.mark.slow

PERSON_LEVEL = ("sundhedsprofilen", "labour", "education", "boernedatabasen", "trivsel")


def test_a_warehouse_without_microdata_publishes_and_reports_from_aggregated_forms(
    tmp_path: Path, dagster_instance
) -> None:
    landing = copy_sample_landing(tmp_path)
    for folder in PERSON_LEVEL:
        shutil.rmtree(landing / folder)
    settings = settings_in(tmp_path)

    result = run_nightly(build_definitions(settings), dagster_instance)

    assert result.success
    (survey,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "raw/sundhedsprofilen_respondents"
    ]
    assert survey.materialization.metadata["delivered"].value is False
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        kinds = conn.execute(
            "select indicator_code, list(distinct source_kind order by source_kind), "
            "list(distinct year order by year) from mart_indicator_cluster_year group by 1 "
            "order by 1"
        ).fetchall()
        statuses = dict(
            conn.execute(
                "select indicator_code, list(distinct progress_status) "
                "from mart_objective_progress group by 1"
            ).fetchall()
        )
    # The publisher's estimates of 2010 and 2021 (the sample delivers 2021 as respondents too;
    # without them, the estimates are what is left).
    assert kinds == [
        ("alcohol_over_10_units", ["published_estimate"], [2010, 2021]),
        ("daily_smoking", ["published_estimate"], [2010, 2021]),
        ("physically_active", ["published_estimate"], [2010, 2021]),
        ("psychiatric_labour_attached", ["aggregated_counts"], [2022, 2023, 2024]),
        ("severe_obesity", ["published_estimate"], [2010, 2021]),
        ("somatic_labour_attached", ["aggregated_counts"], [2022, 2023, 2024]),
    ]
    for code in ("pupils_thriving", "children_overweight", "young_good_mental_health"):
        assert statuses[code] == ["not yet delivered"], code

    (html,) = settings.reports_dir.glob("status_[0-9][0-9][0-9][0-9].html")  # the annual report
    assert (settings.reports_dir / html.name.replace(".html", ".pdf")).exists()
    # The four clusters' reports render too, with nothing but FOLK1A and published figures.
    clusters = {"fyn", "lillebaelt", "soenderjylland", "sydvestjylland"}
    assert {p.stem.rsplit("_", 1)[1] for p in settings.reports_dir.glob(f"{html.stem}_*.pdf")} == (
        clusters
    )
    text = html.read_text(encoding="utf-8")

    def article(code: str) -> str:
        return text.split(f'id="indicator-{code}"', 1)[1].split("</article>", 1)[0]

    for code in ("young_good_mental_health", "other_nicotine", "pupils_thriving"):
        assert "Ingen tal endnu" in article(code), code
    for code in ("daily_smoking", "somatic_labour_attached"):
        assert "Ingen tal endnu" not in article(code) and "trend-chart" in article(code), code
    assert "danskernessundhed.dk, offentliggjorte kommunetal" in article("daily_smoking")
