"""Each indicator of the committee's report names its source per form of delivery and carries a
synthetic banner of its own, only where a synthetic file fed it (read from the rendered HTML of
the shipped sample's refresh)."""

from __future__ import annotations

import pytest

from tests.conftest import Refreshed

pytestmark = pytest.mark.slow


def _article(refreshed: Refreshed, code: str) -> str:
    (html,) = refreshed.settings.reports_dir.glob("status_[0-9][0-9][0-9][0-9].html")  # annual
    text = html.read_text(encoding="utf-8")
    return text.split(f'id="indicator-{code}"', 1)[1].split("</article>", 1)[0]


def test_each_indicator_names_its_source_per_form_of_delivery(refreshed: Refreshed) -> None:
    smoking = _article(refreshed, "daily_smoking")
    assert "Kilde: danskernessundhed.dk, offentliggjorte kommunetal (2010)" in smoking
    assert "Sundhedsprofilen (spørgeskemaundersøgelse, vægtet) (2013, 2017, 2021, 2023, 2025)" in (
        smoking
    )
    labour = _article(refreshed, "somatic_labour_attached")
    assert "aggregerede registertal (tællinger pr. kommune) (2022, 2023)" in labour
    # One form only: the source is named without years.
    assert "Kilde: Den nationale trivselsmåling i folkeskolen</span>" in _article(
        refreshed, "pupils_thriving"
    )


def test_the_synthetic_banner_is_shown_per_indicator(refreshed: Refreshed) -> None:
    for code in ("daily_smoking", "somatic_labour_attached", "pupils_thriving"):
        assert 'class="synthetic-indicator"' in _article(refreshed, code), code
