"""The report's section on inequality, read from mart_indicator_education_year and
mart_inequality_year: the agreement's overall vision is "mere lighed i sundhed".

Per survey indicator with values by education: the education gradient in the latest year for
each cluster, the region and Denmark; the slope index of inequality (SII) over time with its
interval; and one plain-Danish sentence per geography on the gap between the shortest and the
longest education.
"""

from dataclasses import dataclass, field

import duckdb

from dagster_project.report.content import (
    DENMARK_SERIES,
    REGION_SERIES,
    Estimate,
    Indicator,
    Series,
    fetch_dicts,
)
from dagster_project.report.formatting import number, percent

CHANGE_DA = {
    "narrowing": "mindsket",
    "widening": "øget",
    "no significant change": "ikke ændret signifikant",
}


@dataclass(frozen=True)
class Gap:
    """One geography's inequality in one year (mart_inequality_year)."""

    geography_code: str
    geography_name: str
    year: int
    abs_gap: float | None
    least: Estimate | None
    most: Estimate | None
    sii: Estimate  # value = sii, with its interval
    is_significant: bool
    baseline_year: int | None
    change_status: str | None

    def sentence(self) -> str:
        """ "Forskellen mellem korteste og længste uddannelse er …", in plain Danish."""
        if self.abs_gap is None or self.least is None or self.most is None:
            return (
                f"{self.geography_name}: forskellen mellem korteste og længste uddannelse kan "
                f"ikke vises for {self.year}, fordi en uddannelsesgruppe er diskretioneret."
            )
        direction = "højere" if self.abs_gap > 0 else "lavere"
        text = (
            f"{self.geography_name}: forskellen mellem korteste og længste uddannelse er "
            f"{number(abs(self.abs_gap))} procentpoint i {self.year}; andelen er {direction} "
            f"blandt dem med grundskole ({percent(self.least.value)}) end blandt dem med en lang "
            f"videregående uddannelse ({percent(self.most.value)})."
        )
        if self.sii.value is not None:
            text += " Uligheden over alle uddannelsesgrupper (SII) er " + (
                "statistisk signifikant" if self.is_significant else "ikke signifikant"
            )
            if self.change_status in CHANGE_DA and self.baseline_year:
                text += f", og den er {CHANGE_DA[self.change_status]} siden {self.baseline_year}"
            text += "."
        return text


@dataclass
class IndicatorInequality:
    code: str
    name: str
    latest_year: int
    groups: list[tuple[str, str]]  # (code, Danish name), least to most advantaged, then the rest
    # geography code → group code → the latest year's value
    gradient: dict[str, dict[str, Estimate]] = field(default_factory=dict)
    geographies: list[tuple[str, str]] = field(default_factory=list)  # (code, name) in order
    gaps: list[Gap] = field(default_factory=list)  # the latest year, per geography
    # geography code → year → the sii with its interval
    sii_over_time: dict[str, dict[int, Estimate]] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    break_years: list[int] = field(default_factory=list)


def _estimate(value, lower, upper, suppressed=False) -> Estimate:
    return Estimate(value=value, ci_lower=lower, ci_upper=upper, is_suppressed=suppressed)


def load_inequality(conn: duckdb.DuckDBPyConnection) -> list[IndicatorInequality]:
    groups = [
        (r["education_group_code"], r["education_group_name_da"])
        for r in fetch_dicts(conn, "select * from dim_education_group order by sort_order")
    ]
    indicators = fetch_dicts(
        conn,
        "select i.indicator_code, i.indicator_name_da, max(e.year) as latest_year "
        "from dim_indicator as i inner join mart_indicator_education_year as e "
        "using (indicator_code) group by all order by min(i.sort_order)",
    )
    order = "case geography_level when 'cluster' then 1 when 'region' then 2 else 3 end"
    result = []
    for row in indicators:
        code, year = row["indicator_code"], row["latest_year"]
        item = IndicatorInequality(code, row["indicator_name_da"], year, groups)
        values = fetch_dicts(
            conn,
            "select * from mart_indicator_education_year where indicator_code = ? and year = ? "
            f"order by {order}, geography_code",
            [code, year],
        )
        for v in values:
            if (v["geography_code"], v["geography_name_da"]) not in item.geographies:
                item.geographies.append((v["geography_code"], v["geography_name_da"]))
            item.gradient.setdefault(v["geography_code"], {})[v["education_group"]] = _estimate(
                v["value"], v["ci_lower"], v["ci_upper"], bool(v["is_suppressed"])
            )
        names = dict(item.geographies)
        for g in fetch_dicts(
            conn,
            "select * from mart_inequality_year where indicator_code = ? "
            f"order by {order}, geography_code, year",
            [code],
        ):
            sii = _estimate(g["sii"], g["sii_ci_lower"], g["sii_ci_upper"], g["sii"] is None)
            if g["is_series_break"] and g["year"] not in item.break_years:
                item.break_years.append(g["year"])
            item.sii_over_time.setdefault(g["geography_code"], {})[g["year"]] = sii
            if g["year"] == year:
                gradient = item.gradient.get(g["geography_code"], {})
                item.gaps.append(
                    Gap(
                        geography_code=g["geography_code"],
                        geography_name=names.get(g["geography_code"], g["geography_code"]),
                        year=year,
                        abs_gap=g["abs_gap"],
                        least=gradient.get("grundskole"),
                        most=gradient.get("lang_videregaaende"),
                        sii=sii,
                        is_significant=bool(g["is_gap_significant"]),
                        baseline_year=g["baseline_year"],
                        change_status=g["sii_change_status"],
                    )
                )
        item.years = sorted({y for s in item.sii_over_time.values() for y in s})
        result.append(item)
    return result


def sii_indicator(item: IndicatorInequality, region_code: str, country_code: str) -> Indicator:
    """The SII over time as chart input: a line per cluster, the region (with its interval as
    the band) and Denmark, in procentpoint."""
    names = dict(item.geographies)

    def series(code: str) -> Series:
        if code == region_code:
            return Series(REGION_SERIES, names.get(code, code), "region", item.sii_over_time[code])
        if code == country_code:
            return Series(DENMARK_SERIES, "Hele landet", "country", item.sii_over_time[code])
        return Series(code, names.get(code, code), "cluster", item.sii_over_time[code], code)

    return Indicator(
        code=f"sii-{item.code}",
        name=f"Ulighed efter uddannelse (SII), {item.name}",
        direction="",
        source="sundhedsprofilen",
        caveats=None,
        years=item.years,
        break_years=sorted(item.break_years),
        series=[series(code) for code, _ in item.geographies if code in item.sii_over_time],
        progress=[],
    )
