"""A source with no delivery yet: the night still publishes, the asset says so, and the
committee's report renders without the source's indicators (a test of its own: the report's
browser tests hold Playwright's event loop in their module)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dagster_project.definitions import build_definitions
from tests.conftest import copy_sample_landing, run_nightly, settings_in

pytestmark = pytest.mark.slow


def test_a_source_not_yet_delivered_is_reported_and_the_report_renders_without_it(
    tmp_path: Path, dagster_instance
) -> None:
    landing = copy_sample_landing(tmp_path)
    shutil.rmtree(landing / "sundhedsprofilen")
    settings = settings_in(tmp_path)

    result = run_nightly(build_definitions(settings), dagster_instance)

    assert result.success
    (survey,) = [
        e
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() == "raw/sundhedsprofilen_respondents"
    ]
    assert survey.materialization.metadata["delivered"].value is False
    (html,) = settings.reports_dir.glob("status_*.html")
    text = html.read_text(encoding="utf-8")
    survey_indicators = ["daily_smoking", "severe_obesity", "physically_active"]
    for code in survey_indicators:
        article = text.split(f'id="indicator-{code}"', 1)[1].split("</article>", 1)[0]
        assert "Ingen tal endnu" in article, code
    register = text.split('id="indicator-somatic_labour_attached"', 1)[1].split("</article>")[0]
    assert "Ingen tal endnu" not in register and "trend-chart" in register
