"""Danish number formats and words for the report: decimal comma, en dash, status in Danish."""

SUPPRESSED = "diskretioneret"
NO_DATA = "ingen data"

PROGRESS_STATUS_DA = {
    "improving": "Forbedring",
    "worsening": "Forværring",
    "no significant change": "Ingen signifikant ændring",
    "no new data": "Ingen nye data",
    "not comparable": "Ikke sammenlignelig (databrud)",
}
DIRECTION_DA = {"up": "Højere er bedre", "down": "Lavere er bedre"}
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
    if lower is None or upper is None:
        return ""
    return f"{number(lower)}\u2013{number(upper)}"


def signed_points(value: float | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return f"{sign}{number(abs(value))} point"
