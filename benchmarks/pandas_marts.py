"""(c) of the benchmark: the indicator marts' values in plain pandas, as a competent analyst would.

`python -m benchmarks.pandas_marts --landing DIR --out FILE.parquet`. Vectorised throughout:
files are read with the columns and types needed, rules are column expressions and groupbys,
and the only Python loops run over indicators and files, never over rows. Complementary
suppression is the platform's disclosure engine, told the tables this module computed.
The rules are the dbt project's (docs/domain.md); benchmarks/agreement.py checks they agree.
"""

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from benchmarks.agreement import implementation_main
from benchmarks.floor import dbt_vars
from dagster_project.disclosure.assets import decide
from dagster_project.disclosure.rule import ProtectionRule

ROOT = Path(__file__).resolve().parent.parent
GEO = ["geography_level", "geography_code"]
CELL = ["indicator_code", "year", "kommune_kode"]
# A cell within a municipality: sex × age band × school stage (cell_key: "<sex> <school stage>";
# the band by its youngest age), and the education group of the survey's respondents and the
# labour register's persons ("" elsewhere): the cells add the groups up again, disclosure
# control needs both.
FINE = [*CELL, "cell_key", "age_min", "education_group"]
MEASURES = ["numerator", "denominator", "ssw", "sswp", "n_persons", "n_positive"]
SURVEY_COLUMNS = {
    "survey_year": "int64",
    "kommune_kode": "string",
    "sex": "int64",
    "age": "int64",
    "weight": "float64",
    "daily_smoker": "float64",
    "other_nicotine": "float64",
    "alcohol_units_week": "float64",
    "height_cm": "float64",
    "weight_kg": "float64",
    "pa_moderate_min_week": "float64",
    "pa_vigorous_min_week": "float64",
    "mcs12": "float64",
    "education_group": "string",
}


def read_csvs(folder: Path, dtype: dict) -> pd.DataFrame:
    files = sorted(folder.glob("*.csv"))
    return pd.concat(
        [pd.read_csv(f, usecols=list(dtype), dtype=dtype) for f in files], ignore_index=True
    )


def school_year_end(school_year: pd.Series) -> pd.Series:
    return school_year.str[:4].astype("int64") + 1


class Reference:
    """The seeds the computation needs."""

    def __init__(self, seeds: Path, country_code: str) -> None:
        self.indicators = pd.read_csv(seeds / "indicators.csv").set_index("indicator_code")
        self.bands = pd.read_csv(seeds / "age_bands.csv")
        self.education_groups = list(
            pd.read_csv(seeds / "education_groups.csv")["education_group_code"]
        )
        self.municipalities = pd.read_csv(seeds / "municipalities.csv", dtype=str)
        cutoffs = pd.read_csv(seeds / "survey_item_cutoffs.csv")
        self.cutoff = dict(zip(cutoffs["cutoff_code"], cutoffs["cutoff_value"], strict=True))
        members = pd.read_csv(
            seeds / "cluster_municipalities.csv",
            dtype=str,
            parse_dates=["valid_from", "valid_to"],
        )
        today = pd.Timestamp(date.today())
        current = (members["valid_from"] <= today) & (
            members["valid_to"].isna() | (members["valid_to"] > today)
        )
        self.memberships = pd.concat(
            [
                members.loc[current, ["cluster_code", "kommune_kode"]]
                .rename(columns={"cluster_code": "parent_code"})
                .assign(parent_level="cluster"),
                self.municipalities.rename(columns={"region_code": "parent_code"})[
                    ["parent_code", "kommune_kode"]
                ].assign(parent_level="region"),
                self.municipalities[["kommune_kode"]].assign(
                    parent_level="country", parent_code=country_code
                ),
            ],
            ignore_index=True,
        )

    def source_band_min(self, code: str) -> int:
        """The youngest age of the band an aggregated source's indicator is filed under."""
        youngest = self.indicators.loc[code, "age_min"]
        bands = self.bands[self.bands["age_min"] <= youngest]
        return int(bands["age_min"].max())

    def in_a_band(self, age: pd.Series) -> pd.Series:
        return age.between(self.bands["age_min"].min(), self.bands["age_max"].max())

    def band_min(self, age: pd.Series) -> pd.Series:
        """The youngest age of the band holding each age (ages in a band only)."""
        starts = np.sort(self.bands["age_min"].to_numpy())
        return pd.Series(starts[np.searchsorted(starts, age.to_numpy(), "right") - 1], age.index)

    def of_source(self, source: str) -> list[str]:
        return list(self.indicators.index[self.indicators["source_code"] == source])


def survey_cells(landing: Path, ref: Reference) -> pd.DataFrame:
    r = read_csvs(landing / "sundhedsprofilen", SURVEY_COLUMNS).rename(
        columns={"survey_year": "year"}
    )
    c = ref.cutoff
    bmi = r["weight_kg"] / (r["height_cm"] / 100.0) ** 2
    moderate, vigorous = r["pa_moderate_min_week"], r["pa_vigorous_min_week"]
    outcomes = {
        "daily_smoking": r["daily_smoker"],
        "other_nicotine": r["other_nicotine"],
        "alcohol_over_10_units": (r["alcohol_units_week"] > c["alcohol_units_week_max"])
        .astype("float64")
        .where(r["alcohol_units_week"].notna()),
        "severe_obesity": (bmi >= c["bmi_severe_obesity_min"]).astype("float64").where(bmi.notna()),
        "physically_active": pd.Series(
            np.select(
                [
                    moderate >= c["pa_moderate_min_week"],
                    vigorous >= c["pa_vigorous_min_week"],
                    moderate.isna() | vigorous.isna(),
                ],
                [1.0, 1.0, np.nan],
                0.0,
            ),
            index=r.index,
        ),
        "young_good_mental_health": (r["mcs12"] >= c["mcs12_good_mental_health_min"])
        .astype("float64")
        .where(r["mcs12"].notna()),
    }
    group = education_group(r["education_group"])
    parts = []
    for code in ref.indicators.index[ref.indicators["statistic"] == "survey_share"]:
        low, high = ref.indicators.loc[code, ["age_min", "age_max"]]
        high = 150 if pd.isna(high) else high
        y = outcomes[code]
        keep = r["age"].between(low, high) & ref.in_a_band(r["age"]) & y.notna()
        w = r.loc[keep, "weight"]
        parts.append(
            pd.DataFrame(
                {
                    "indicator_code": code,
                    "year": r.loc[keep, "year"],
                    "kommune_kode": r.loc[keep, "kommune_kode"],
                    "cell_key": r.loc[keep, "sex"].astype(str) + " all",
                    "age_min": ref.band_min(r.loc[keep, "age"]),
                    "education_group": group[keep],
                    "numerator": w * y[keep],
                    "denominator": w,
                    "ssw": w * w,
                    "sswp": w * w * y[keep],
                    "n_persons": 1,
                    "n_positive": y[keep],
                }
            )
        )
    cells = pd.concat(parts).groupby(FINE, as_index=False)[MEASURES].sum()
    # Every municipality × round is a stratum; its size counts every respondent.
    strata = r.groupby(["year", "kommune_kode"]).size().rename("stratum_n").reset_index()
    return cells.merge(strata, on=["year", "kommune_kode"])


def education_group(column: pd.Series) -> pd.Series:
    """A person's education group; one without is "ukendt"."""
    return column.fillna("").replace("", "ukendt")


def person_cells(frame: pd.DataFrame, code: str, outcome: str) -> pd.DataFrame:
    """Register cells: every person weighs 1. `frame` has cell_key, age_min, education_group."""
    keys = ["year", "kommune_kode", "cell_key", "age_min", "education_group"]
    grouped = frame.groupby(keys, as_index=False).agg(
        numerator=(outcome, "sum"), denominator=(outcome, "size")
    )
    return grouped.assign(
        indicator_code=code,
        ssw=grouped["denominator"],
        sswp=grouped["numerator"],
        n_persons=grouped["denominator"],
        n_positive=grouped["numerator"],
    )


def labour_cells(landing: Path, ref: Reference) -> pd.DataFrame:
    columns = [
        "year", "kommune_kode", "sex", "age", "somatic_chronic", "psychiatric", "attached",
        "education_group",
    ]  # fmt: skip
    files = sorted((landing / "labour").glob("*.parquet"))
    # A file without the education column has everyone in group ukendt (as in staging).
    labour = pd.concat(
        [pd.read_parquet(f).reindex(columns=columns) for f in files], ignore_index=True
    )
    in_a_band = ref.in_a_band(labour["age"])
    flags = {
        "somatic_labour_attached": "somatic_chronic",
        "psychiatric_labour_attached": "psychiatric",
    }
    parts = []
    for code in ref.of_source("labour"):
        low, high = ref.indicators.loc[code, ["age_min", "age_max"]]
        keep = (labour[flags[code]] == 1) & labour["age"].between(low, high) & in_a_band
        persons = labour.loc[keep]
        persons = persons.assign(
            cell_key=persons["sex"].astype(str) + " all",
            age_min=ref.band_min(persons["age"]),
            education_group=education_group(persons["education_group"]),
        )
        parts.append(person_cells(persons, code, "attached"))
    return pd.concat(parts)


def education_cells(landing: Path, ref: Reference) -> pd.DataFrame:
    dtype = {
        "year": "int64",
        "kommune_kode": "string",
        "sex": "int64",
        "psychiatric_before_18": "int64",
        "completed_youth_education": "int64",
    }
    cohorts = read_csvs(landing / "education", dtype)
    cohorts = cohorts[cohorts["psychiatric_before_18"] == 1]
    return pd.concat(
        person_cells(
            cohorts.assign(
                cell_key=cohorts["sex"].astype(str) + " all",
                age_min=ref.source_band_min(code),
                education_group="",
            ),
            code,
            "completed_youth_education",
        )
        for code in ref.of_source("education")
    )


def counted_cells(
    frame: pd.DataFrame, codes: list[str], n: str, positive: str, ref: Reference
) -> pd.DataFrame:
    """Cells of a source delivered as counts per municipality (and cell_key)."""
    frame = frame.assign(year=school_year_end(frame["school_year"]))
    keys = ["year", "kommune_kode", "cell_key"]
    grouped = frame.groupby(keys, as_index=False)[[n, positive]].sum()
    cells = pd.DataFrame(
        {
            "year": grouped["year"],
            "kommune_kode": grouped["kommune_kode"],
            "cell_key": grouped["cell_key"],
            "numerator": grouped[positive],
            "denominator": grouped[n],
            "ssw": grouped[n],
            "sswp": grouped[positive],
            "n_persons": grouped[n],
            "n_positive": grouped[positive],
        }
    )
    return pd.concat(
        cells.assign(indicator_code=code, age_min=ref.source_band_min(code), education_group="")
        for code in codes
    )


def all_cells(landing: Path, ref: Reference) -> pd.DataFrame:
    trivsel = read_csvs(
        landing / "trivsel",
        {
            "school_year": "string",
            "kommune_kode": "string",
            "n_respondents": "int64",
            "n_high_wellbeing": "int64",
        },
    )
    exams = read_csvs(
        landing / "boernedatabasen",
        {
            "school_year": "string",
            "kommune_kode": "string",
            "school_stage": "string",
            "sex": "int64",
            "n_measured": "int64",
            "n_overweight": "int64",
        },
    )
    trivsel["cell_key"] = "T all"
    exams["cell_key"] = exams["sex"].astype(str) + " " + exams["school_stage"]
    cells = pd.concat(
        [
            survey_cells(landing, ref),
            labour_cells(landing, ref),
            education_cells(landing, ref),
            counted_cells(
                trivsel, ref.of_source("trivsel"), "n_respondents", "n_high_wellbeing", ref
            ),
            counted_cells(
                exams, ref.of_source("boernedatabasen"), "n_measured", "n_overweight", ref
            ),
        ],
        ignore_index=True,
    )
    return cells[[*FINE, *MEASURES, "stratum_n"]].astype(
        {m: "float64" for m in [*MEASURES, "stratum_n"]}
    )


def estimates(fine: pd.DataFrame, ref: Reference, rules: dict) -> pd.DataFrame:
    """Every geography × indicator-year Denmark has data for: sums, shares, CIs, suppression."""
    cells = fine.groupby(CELL, as_index=False).agg(
        **{m: (m, "sum") for m in MEASURES}, stratum_n=("stratum_n", "max")
    )
    # The survey's design-based variance terms per municipality (one stratum): Taylor
    # linearisation, k = n/(n - 1), t0 = k(C - A²/n), t1 = k(C - AB/n), t2 = k(D - B²/n) with
    # A = Σwy, B = Σw, C = Σw²y, D = Σw²; a geography adds its municipalities' terms.
    a, b, n = cells["numerator"], cells["denominator"], cells["stratum_n"]
    k = n / (n - 1)
    cells["t0"] = k * (cells["sswp"] - a * a / n)
    cells["t1"] = k * (cells["sswp"] - a * b / n)
    cells["t2"] = k * (cells["ssw"] - b * b / n)
    cells = cells.drop(columns="stratum_n")
    terms = ["t0", "t1", "t2"]
    municipal = cells.rename(columns={"kommune_kode": "geography_code"}).assign(
        geography_level="municipality"
    )
    parents = cells.merge(ref.memberships, on="kommune_kode").rename(
        columns={"parent_level": "geography_level", "parent_code": "geography_code"}
    )
    keys = [*GEO, "indicator_code", "year"]
    totals = (
        pd.concat([municipal, parents])
        .groupby(keys, as_index=False)[[*MEASURES, *terms]]
        .sum(min_count=1)
    )
    geographies = pd.concat(
        [
            ref.memberships[["parent_level", "parent_code"]]
            .drop_duplicates()
            .set_axis(GEO, axis=1),
            ref.municipalities[["kommune_kode"]]
            .set_axis(["geography_code"], axis=1)
            .assign(geography_level="municipality"),
        ]
    )
    grid = geographies.merge(cells[["indicator_code", "year"]].drop_duplicates(), how="cross")
    e = grid.merge(totals, on=keys, how="left").fillna({m: 0.0 for m in MEASURES})
    e["statistic"] = e["indicator_code"].map(ref.indicators["statistic"])
    e["p"] = e["numerator"] / e["denominator"].replace(0, np.nan)
    survey = e["statistic"] == "survey_share"
    p = e["p"]
    variance = (e["t0"] - 2 * p * e["t1"] + p * p * e["t2"]) / e["denominator"] ** 2
    kish = e["denominator"] ** 2 / e["ssw"].where(e["ssw"] > 0)
    design = (p * (1 - p) / variance).where((variance > 0) & (p > 0) & (p < 1))
    e["n_eff"] = np.where(survey, design.fillna(kish), e["denominator"])
    low = rules["min_cell_count"]
    n, positive = e["n_persons"], e["n_positive"]
    e["is_suppressed"] = (
        (n == 0)
        | (survey & (n < rules["min_survey_respondents"]))
        | (n < low)
        | (positive < low)
        | (n - positive < low)
    )
    z, p, n_eff = rules["ci_z"], e["p"], e["n_eff"].where(e["n_eff"] > 0)
    centre = p + z * z / (2 * n_eff)
    half = z * np.sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff))
    e["ci_lower"] = (centre - half) / (1 + z * z / n_eff)
    e["ci_upper"] = (centre + half) / (1 + z * z / n_eff)
    return e


# What withholding a value costs the engine: its persons, and this much more for a total.
LEVEL_COSTS = {"municipality": 1e6, "cluster": 1e7, "region": 1e8, "country": 1e9}
VALUE_COLUMNS = [
    "indicator_code", "year", "value_kind", "value_key", "n_persons", "n_positive",
    "primary_reason", "is_publishable", "is_known", "complement_cost",
]  # fmt: skip


def _withheld(n: pd.Series, positive: pd.Series, survey: pd.Series, rules: dict) -> pd.Series:
    low = rules["min_cell_count"]
    return (
        (n == 0)
        | (survey & (n < rules["min_survey_respondents"]))
        | (n < low)
        | (positive < low)
        | (n - positive < low)
    )


def _values(frame: pd.DataFrame, kind: str, ref: Reference, rules: dict, **columns) -> pd.DataFrame:
    """Rows of the engine's values from a frame with indicator_code, year, n_persons,
    n_positive; columns gives value_key and, for the counts never published, the rest."""
    statistic = frame["indicator_code"].map(ref.indicators["statistic"])
    withheld = _withheld(
        frame["n_persons"], frame["n_positive"], statistic == "survey_share", rules
    )
    values = pd.DataFrame(
        {
            "indicator_code": frame["indicator_code"],
            "year": frame["year"],
            "value_kind": kind,
            "n_persons": frame["n_persons"],
            "n_positive": frame["n_positive"].where(statistic == "register_share"),
            "primary_reason": pd.Series(np.where(withheld, "primary", None), frame.index),
            "is_publishable": True,
            "is_known": True,
        }
    )
    for name, column in columns.items():
        values[name] = column
    return values


def describe(
    fine: pd.DataFrame, e: pd.DataFrame, ref: Reference, rules: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables as the disclosure engine is told them (docs/disclosure.md): every cell, total
    and value by education, and the counts never published that tie them together - a
    municipality's persons in an education group, and in its cells of the education ages."""
    min_age = int(rules["education_min_age"])
    cells = fine.groupby(FINE[:-1], as_index=False)[["n_persons", "n_positive"]].sum()
    bands = dict(zip(ref.bands["age_min"], ref.bands["age_band_code"], strict=True))
    band = cells["age_min"].map(bands)
    sex_stage = cells["cell_key"].str.split(" ", n=1, expand=True)
    cells["key"] = (
        "cell " + cells["kommune_kode"] + " " + sex_stage[0] + " " + band + " " + sex_stage[1]
    )
    municipality = "municipality " + cells["kommune_kode"]
    values = [_values(cells, "cell", ref, rules, value_key=cells["key"],
                      complement_cost=cells["n_persons"])]  # fmt: skip
    # Totals: the rule already decided (estimates); withheld ones are primary.
    totals = e[e["n_persons"].notna()]
    values.append(
        _values(
            totals, "total", ref, rules,
            value_key=totals["geography_level"] + " " + totals["geography_code"],
            complement_cost=totals["geography_level"].map(LEVEL_COSTS) + totals["n_persons"],
        )
    )  # fmt: skip
    values[-1]["primary_reason"] = np.where(totals["is_suppressed"], "primary", None)
    sums = [pd.DataFrame({"indicator_code": cells["indicator_code"], "year": cells["year"],
                          "sum_kind": "municipality_cells", "total_key": municipality,
                          "member_key": cells["key"]})]  # fmt: skip
    parents = totals[totals["geography_level"] != "municipality"].merge(
        ref.memberships,
        left_on=["geography_level", "geography_code"],
        right_on=["parent_level", "parent_code"],
    )
    sums.append(
        pd.DataFrame(
            {
                "indicator_code": parents["indicator_code"],
                "year": parents["year"],
                "sum_kind": "geography_municipalities",
                "total_key": parents["geography_level"] + " " + parents["geography_code"],
                "member_key": "municipality " + parents["kommune_kode"],
            }
        )
    )
    # Values by education: the groups of the persons of the education ages, per municipality.
    adults = fine[(fine["education_group"] != "") & (fine["age_min"] >= min_age)]
    counts = adults.groupby([*CELL, "education_group"], as_index=False)[
        ["n_persons", "n_positive"]
    ].sum()
    where = ref.memberships[
        ref.memberships["parent_level"].isin(["cluster", "country"])
        | (
            (ref.memberships["parent_level"] == "region")
            & (ref.memberships["parent_code"] == str(rules["region_code"]))
        )
    ]
    groups = pd.DataFrame({"education_group": ref.education_groups})
    places = counts[CELL].drop_duplicates()
    grid = (
        places.merge(groups, how="cross")
        .merge(counts, on=[*CELL, "education_group"], how="left")
        .fillna({"n_persons": 0.0, "n_positive": 0.0})
    )
    group_key = "group " + grid["kommune_kode"] + " " + grid["education_group"]
    unpublished = {"primary_reason": None, "is_publishable": False, "complement_cost": 0.0}
    values.append(_values(grid, "group", ref, rules, value_key=group_key, **unpublished))
    by_place = grid.merge(where, on="kommune_kode")
    geography = ["parent_level", "parent_code", "indicator_code", "year", "education_group"]
    education = by_place.groupby(geography, as_index=False)[["n_persons", "n_positive"]].sum()
    full = (
        where[["parent_level", "parent_code"]]
        .drop_duplicates()
        .merge(counts[["indicator_code", "year"]].drop_duplicates(), how="cross")
        .merge(groups, how="cross")
        .merge(education, how="left")
        .fillna({"n_persons": 0.0, "n_positive": 0.0})
    )
    education_key = (
        full["parent_level"] + " " + full["parent_code"] + " education " + full["education_group"]
    )
    values.append(
        _values(full, "education", ref, rules, value_key=education_key,
                complement_cost=full["parent_level"].map(LEVEL_COSTS) + full["n_persons"])
    )  # fmt: skip
    sums.append(
        pd.DataFrame(
            {
                "indicator_code": by_place["indicator_code"],
                "year": by_place["year"],
                "sum_kind": "education_groups",
                "total_key": by_place["parent_level"] + " " + by_place["parent_code"]
                + " education " + by_place["education_group"],
                "member_key": "group " + by_place["kommune_kode"] + " "
                + by_place["education_group"],
            }
        )
    )  # fmt: skip
    # A municipality's cells of the education ages hold the same persons as its groups.
    if min_age in set(ref.bands["age_min"]):
        adult_cells = cells[cells["age_min"] >= min_age].merge(places, on=CELL)
        persons = adult_cells.groupby(CELL, as_index=False)[["n_persons", "n_positive"]].sum()
        adults_key = "adults " + persons["kommune_kode"]
        values.append(_values(persons, "adults", ref, rules, value_key=adults_key, **unpublished))
        sums.append(
            pd.DataFrame({"indicator_code": adult_cells["indicator_code"],
                          "year": adult_cells["year"], "sum_kind": "adult_cells",
                          "total_key": "adults " + adult_cells["kommune_kode"],
                          "member_key": adult_cells["key"]})
        )  # fmt: skip
        sums.append(
            pd.DataFrame({"indicator_code": grid["indicator_code"], "year": grid["year"],
                          "sum_kind": "adult_groups", "total_key": "adults " + grid["kommune_kode"],
                          "member_key": group_key})
        )  # fmt: skip
    return pd.concat(values, ignore_index=True)[VALUE_COLUMNS], pd.concat(sums, ignore_index=True)


def protect(fine: pd.DataFrame, e: pd.DataFrame, ref: Reference, rules: dict) -> pd.DataFrame:
    """The estimates with the totals the disclosure engine withholds to protect a small count."""
    values, sums = describe(fine, e, ref, rules)
    values = values.astype({"year": "int64", "n_persons": "int64", "n_positive": "Int64",
                            "complement_cost": "float64"})  # fmt: skip
    sums = sums.astype({"year": "int64"})
    rule = ProtectionRule.from_vars(rules)
    with duckdb.connect() as conn:
        conn.execute("create schema intermediate")
        conn.register("described_values", values)
        conn.register("described_sums", sums)
        conn.execute("create table intermediate.int_disclosure__values as from described_values")
        conn.execute("create table intermediate.int_disclosure__sums as from described_sums")
        rows = decide(conn, rule, "intermediate").rows
    withheld = pd.DataFrame(rows, columns=["indicator_code", "year", "value_key"])
    key = e["geography_level"] + " " + e["geography_code"]
    hit = (
        pd.DataFrame({"indicator_code": e["indicator_code"], "year": e["year"], "value_key": key})
        .merge(withheld.drop_duplicates(), how="left", indicator=True)["_merge"]
        .eq("both")
        .to_numpy()
    )
    e["is_suppressed"] |= hit
    return e


def mart_values(e: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    keys = ["indicator_code", "year"]
    shown = ~e["is_suppressed"]
    e["shown_p"] = e["p"].where(shown)
    region_of = pd.concat(
        [
            ref.municipalities.assign(geography_level="municipality").rename(
                columns={"kommune_kode": "geography_code"}
            ),
            ref.memberships[ref.memberships["parent_level"] == "cluster"]
            .merge(ref.municipalities, on="kommune_kode")
            .drop_duplicates("parent_code")
            .rename(columns={"parent_code": "geography_code"})
            .assign(geography_level="cluster"),
            ref.municipalities[["region_code"]]
            .drop_duplicates()
            .assign(geography_level="region", geography_code=lambda f: f["region_code"]),
        ]
    )[[*GEO, "region_code"]]
    e = e.merge(region_of, on=GEO, how="left")
    benchmark = e[["geography_code", *keys, "shown_p"]]
    regions = benchmark[e["geography_level"] == "region"].rename(
        columns={"geography_code": "region_code", "shown_p": "region_p"}
    )
    country = benchmark[e["geography_level"] == "country"].drop(columns="geography_code")
    e = e.merge(regions, on=["region_code", *keys], how="left").merge(
        country.rename(columns={"shown_p": "country_p"}), on=keys, how="left"
    )
    return pd.DataFrame(
        {
            "geography_level": e["geography_level"],
            "geography_code": e["geography_code"],
            "indicator_code": e["indicator_code"],
            "year": e["year"].astype("int32"),
            "value": (100 * e["shown_p"]).round(1),
            "ci_lower": (100 * e["ci_lower"].where(shown)).round(1),
            "ci_upper": (100 * e["ci_upper"].where(shown)).round(1),
            "numerator": e["numerator"].where(shown).round(0),
            "denominator": e["denominator"].where(shown).round(0),
            "n_unweighted": e["n_persons"].where(shown).astype("Int64"),
            "is_suppressed": e["is_suppressed"],
            "region_value": (100 * e["region_p"]).round(1),
            "denmark_value": (100 * e["country_p"]).round(1),
        }
    )


def run_pandas(landing: Path, out: Path, seeds: Path = ROOT / "seeds") -> int:
    rules = dbt_vars()
    ref = Reference(seeds, str(rules["country_code"]))
    fine = all_cells(landing, ref)
    e = estimates(fine, ref, rules)
    e = protect(fine, e, ref, rules)
    values = mart_values(e, ref)
    values.to_parquet(out, index=False)
    return len(values)


if __name__ == "__main__":
    implementation_main("(c) pandas", run_pandas, __doc__.splitlines()[0])
