"""Danish number formats and words for the report: decimal comma, en dash, status in Danish."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

SUPPRESSED = "diskretioneret"
NO_DATA = "ingen data"

PROGRESS_STATUS_DA = {
    "improving": "Forbedring",
    "worsening": "Forværring",
    "no significant change": "Ingen signifikant ændring",
    "no new data": "Ingen nye data",
    "not comparable": "Ikke sammenlignelig (databrud)",
    "not tested": "Ikke testet (ingen standardfejl for offentliggjorte tal)",
    "not yet delivered": "Ikke leveret endnu",
    "no data": "Ingen data",
}
DIRECTION_DA = {"up": "Højere er bedre", "down": "Lavere er bedre"}
# The mart's comparison with the benchmark (a cluster or municipality with the region, the region
# with Denmark), as the overview's legend and colours name it.
COMPARED_DA = {
    "better": "Bedre",
    "similar": "Ikke signifikant forskellig",
    "worse": "Dårligere",
    "higher": "Højere",
    "lower": "Lavere",
    "not compared": "Ikke sammenlignet",
}
# The mart's recent trend (OHID Fingertips' trend markers, in Danish): the chi-squared test for
# trend on the last 3-5 points of the series at the 99.8 % level.
TREND_DA = {
    "increasing_better": "Stigende og bedre",
    "increasing_worse": "Stigende og dårligere",
    "decreasing_better": "Faldende og bedre",
    "decreasing_worse": "Faldende og dårligere",
    "increasing": "Stigende",
    "decreasing": "Faldende",
    "no_significant_change": "Ingen signifikant ændring",
    "could_not_be_calculated": "Kan ikke beregnes (under tre år med tal)",
}
# Where a municipality lies in the funnel around the region's value.
FUNNEL_DA = {
    "below_998": "Under 99,8 %-grænsen",
    "below_95": "Under 95 %-grænsen",
    "within": "Inden for grænserne",
    "above_95": "Over 95 %-grænsen",
    "above_998": "Over 99,8 %-grænsen",
}
SIGNIFICANT_CHANGE = ("improving", "worsening")
# How a delivery reached the warehouse, as the report names it beside the register or survey.
SOURCE_KIND_DA = {
    "published_estimate": "danskernessundhed.dk, offentliggjorte kommunetal",
    "aggregated_counts": "aggregerede registertal (tællinger pr. kommune)",
}

SOURCE_DA = {
    "sundhedsprofilen": "Sundhedsprofilen (spørgeskemaundersøgelse, vægtet)",
    "trivsel": "Den nationale trivselsmåling i folkeskolen",
    "boernedatabasen": "Den Nationale Børnedatabase (sundhedsplejen)",
    "labour": "Beskæftigelses- og sygdomsregistre",
    "education": "Uddannelsesregistre",
    "folk1a": "Danmarks Statistik, FOLK1A",
}


def number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u2009").replace(".", ",")


def percent(value: float | None, decimals: int = 1) -> str:
    return NO_DATA if value is None else f"{number(value, decimals)} %"


def interval(lower: float | None, upper: float | None) -> str:
    """12,3–15,8; with a negative bound the words "til" and a true minus: −14,1 til 11,8."""
    if lower is None or upper is None:
        return ""
    if lower < 0 or upper < 0:
        return f"{signed_number(lower).lstrip('+')} til {signed_number(upper).lstrip('+')}"
    return f"{number(lower)}\u2013{number(upper)}"


def signed_number(value: float) -> str:
    """A difference with its sign: +2,1, −13,3, ±0,0."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return f"{sign}{number(abs(value))}"


def signed_points(value: float | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return f"{sign}{number(abs(value))} procentpoint"


def compared_class(compared: str | None) -> str:
    """The CSS class of a value coloured by its comparison; "none" when it was not compared."""
    return (compared or "none").replace(" ", "-")


def progress_arrow(status: str | None, change_points: float | None) -> str:
    """The progress status as an arrow: ↑ or ↓ for a significant change (its direction; the
    colour says whether it is the desired one), → for no significant change, empty when the
    change cannot be judged (no new data, a series break, not delivered)."""
    if status in SIGNIFICANT_CHANGE and change_points is not None:
        return "\u2191" if change_points > 0 else "\u2193"
    if status == "no significant change":
        return "\u2192"
    return ""


def danish_time(timestamp: str) -> str:
    """An ISO time with its offset, as a Danish report writes it: 1. december 2026, kl. 09.35.

    In Danish time, summer time included; a time without an offset is taken as UTC, as
    publication records it.
    """
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(DANISH_TIME)
    return f"{local.day}. {MONTHS_DA[local.month - 1]} {local.year}, kl. {local:%H.%M}"


def year_ranges(years: list[int]) -> str:
    """2013, 2017, 2021 stay a list; consecutive years join with an en dash (2022–2025)."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def source_line(source: str, provenance: list) -> str:
    """Where an indicator's figures come from, per form of delivery and its years."""
    register = SOURCE_DA.get(source, source)
    names = {
        "microdata": register,
        "aggregated_counts": f"{register}, {SOURCE_KIND_DA['aggregated_counts']}",
        "published_estimate": SOURCE_KIND_DA["published_estimate"],
    }
    if len(provenance) <= 1:
        return names[provenance[0].source_kind] if provenance else register
    return "; ".join(f"{names[p.source_kind]} ({year_ranges(p.years)})" for p in provenance)
