"""The report's Danish formats, against how a Danish report writes them."""

from __future__ import annotations

from dagster_project.report.formatting import danish_time, signed_points


def test_a_change_is_written_in_procentpoint_with_a_decimal_comma() -> None:
    assert signed_points(-1.4) == "\u22121,4 procentpoint"
    assert signed_points(2.0) == "+2,0 procentpoint"
    assert signed_points(0.0) == "\u00b10,0 procentpoint"
    assert signed_points(None) == ""


def test_the_publication_time_is_danish_time_written_the_danish_way() -> None:
    # Winter time is UTC+1, summer time UTC+2.
    assert danish_time("2026-12-01T08:35:07+00:00") == "1. december 2026, kl. 09.35"
    assert danish_time("2026-07-15T22:05:00+00:00") == "16. juli 2026, kl. 00.05"
    assert (
        danish_time("2026-03-29T00:59:00") == "29. marts 2026, kl. 01.59"
    )  # UTC, before the switch
    assert danish_time("2026-03-29T01:00:00") == "29. marts 2026, kl. 03.00"  # after it


def test_an_interval_with_a_negative_bound_reads_with_til_and_a_minus_sign() -> None:
    from dagster_project.report.formatting import interval

    assert interval(12.3, 15.8) == "12,3\u201315,8"
    assert interval(-14.1, 11.8) == "\u221214,1 til 11,8"
    assert interval(-16.6, -10.1) == "\u221216,6 til \u221210,1"
