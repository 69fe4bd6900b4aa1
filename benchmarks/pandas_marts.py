"""(c) of the benchmark: the indicator marts' values in plain pandas, as a competent analyst would.

`python -m benchmarks.pandas_marts --landing DIR --out FILE.parquet`. Vectorised throughout:
files are read with the columns and types needed, rules are column expressions and groupbys,
and the only Python loops run over indicators, files and suppression passes, never over rows.
The rules are the dbt project's (docs/domain.md); benchmarks/agreement.py checks they agree.
"""

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.agreement import implementation_main
from benchmarks.floor import dbt_vars

ROOT = Path(__file__).resolve().parent.parent
GEO = ["geography_level", "geography_code"]
CELL = ["indicator_code", "year", "kommune_kode"]
# A cell within a municipality: sex × age band × school stage (cell_key, a number: sex, or sex
# and school stage), and its band's youngest age.
FINE = [*CELL, "cell_key", "age_min"]
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
                    "cell_key": r.loc[keep, "sex"],
                    "age_min": ref.band_min(r.loc[keep, "age"]),
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


def person_cells(frame: pd.DataFrame, code: str, outcome: str) -> pd.DataFrame:
    """Register cells: every person weighs 1. `frame` has cell_key and age_min."""
    grouped = frame.groupby(["year", "kommune_kode", "cell_key", "age_min"], as_index=False).agg(
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
    columns = ["year", "kommune_kode", "sex", "age", "somatic_chronic", "psychiatric", "attached"]
    files = sorted((landing / "labour").glob("*.parquet"))
    labour = pd.concat([pd.read_parquet(f, columns=columns) for f in files], ignore_index=True)
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
        persons = persons.assign(cell_key=persons["sex"], age_min=ref.band_min(persons["age"]))
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
            cohorts.assign(cell_key=cohorts["sex"], age_min=ref.source_band_min(code)),
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
        cells.assign(indicator_code=code, age_min=ref.source_band_min(code)) for code in codes
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
    trivsel["cell_key"] = 0
    stage = pd.factorize(exams["school_stage"], sort=True)[0]
    exams["cell_key"] = exams["sex"] * 100 + stage
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
    stranded = withheld_totals(fine, ref, rules).assign(geography_level="municipality")
    stranded = (
        e[keys]
        .merge(
            stranded.rename(columns={"kommune_kode": "geography_code"}), how="left", indicator=True
        )["_merge"]
        .eq("both")
        .to_numpy()
    )
    e["is_suppressed"] |= stranded & (n > 0)
    e["is_protected"] = e["is_suppressed"] & (n > 0)
    return e


def withheld_totals(fine: pd.DataFrame, ref: Reference, rules: dict) -> pd.DataFrame:
    """Municipality totals no published cell can protect (int_suppression__stranded_parts):
    a part of the total (all its cells, or adult and younger cells apart where the
    indicator-year has values by education) whose withheld cells cannot give each small count
    room of the protection level and whose published cells cannot either, or with one withheld
    cell and no published one; withheld where the part's sum is published in effect."""
    low, level = rules["min_cell_count"], rules["protection_level"]
    adult_age = rules["education_min_age"]
    c = fine[fine["n_persons"] > 0].copy()
    statistic = c["indicator_code"].map(ref.indicators["statistic"])
    source = c["indicator_code"].map(ref.indicators["source_code"])
    n, positive = c["n_persons"], c["n_positive"]
    counts_positive = statistic == "register_share"
    c["is_withheld"] = (
        ((statistic == "survey_share") & (n < rules["min_survey_respondents"]))
        | (n < low)
        | (positive < low)
        | (n - positive < low)
    )
    adult = c["age_min"] >= adult_age
    education_years = c.loc[
        source.isin(["sundhedsprofilen", "labour"]) & adult, ["indicator_code", "year"]
    ]
    has_education = (
        c[["indicator_code", "year"]]
        .merge(education_years.drop_duplicates(), how="left", indicator=True)["_merge"]
        .eq("both")
        .to_numpy()
    )
    c["part"] = np.where(has_education, np.where(adult, "adult", "younger"), "all")
    withheld = c["is_withheld"]
    rooms = {
        "persons": n - 1,
        "positive": positive,
        "negative": n - positive,
    }
    small = {
        "persons": n < low,
        "positive": counts_positive & (positive < low),
        "negative": counts_positive & (n - positive < low),
    }
    part_keys = [*CELL, "part"]
    columns = {"n_withheld": withheld.astype(int), "n_published": (~withheld).astype(int)}
    for kind, room in rooms.items():
        columns[f"room_{kind}"] = room.where(withheld, 0)
        columns[f"small_{kind}"] = room.where(withheld & small[kind])
        columns[f"published_{kind}"] = room.where(~withheld, 0)
    parts = (
        c[part_keys]
        .assign(**columns)
        .groupby(part_keys, as_index=False)
        .agg({name: ("max" if name.startswith("small_") else "sum") for name in columns})
    )
    parts = parts[parts["n_withheld"] > 0]
    stranded = (parts["n_withheld"] == 1) & (parts["n_published"] == 0)
    for kind in rooms:
        short = (level - (parts[f"room_{kind}"] - parts[f"small_{kind}"])).fillna(0)
        stranded |= short > parts[f"published_{kind}"]
    parts = parts[stranded]

    hidden_part = c.assign(hidden=withheld).loc[c["part"] != "all"]
    shown = hidden_part.groupby([*CELL, "part"])["hidden"].any().unstack("part", fill_value=False)
    shown = (~shown.get("adult", False) | ~shown.get("younger", False)).rename("is_shown")
    shown = shown.reset_index()
    region = str(rules["region_code"])
    members = ref.memberships
    geographies = members[
        members["parent_level"].isin(["cluster", "country"])
        | ((members["parent_level"] == "region") & (members["parent_code"] == region))
    ]
    located = shown.merge(geographies, on="kommune_kode")
    keys = ["parent_level", "parent_code", "indicator_code", "year"]
    located["n_hidden"] = (
        (~located["is_shown"]).astype(int).groupby([located[k] for k in keys]).transform("sum")
    )
    pinned = located[located["n_hidden"] - (~located["is_shown"]).astype(int) == 0]
    pinned = pinned[CELL].drop_duplicates()
    published = parts[["part", *CELL]].merge(pinned, how="left", indicator=True)
    keep = (published["part"] == "all") | (published["_merge"] == "both")
    return published.loc[keep, CELL].drop_duplicates()


def _first_per(frame: pd.DataFrame, by: list[str], order: list[str]) -> pd.DataFrame:
    """The first row of each group after sorting by `order` (arg_min over a group)."""
    return frame.sort_values(order).drop_duplicates(by)


def _short_groups(g: pd.DataFrame, group: list[str], rules: dict) -> pd.Series:
    """Whether each municipality's signature group needs a twin: a protected member alone, or
    one whose small count the other protected members cannot move by the protection level
    (persons down to one, numerator and persons outside it down to zero)."""
    low, level = rules["min_cell_count"], rules["protection_level"]
    hidden = g["is_protected"]
    n, positive = g["n_persons"], g["n_positive"]
    counts = g["counts_positive"]
    rooms = {
        "persons": (n - 1).where(hidden, 0),
        "positive": positive.where(hidden, 0),
        "negative": (n - positive).where(hidden, 0),
    }
    total = {k: v.groupby([g[c] for c in group]).transform("sum") for k, v in rooms.items()}
    short = hidden & (
        (g["hidden_in_group"] == 1)
        | ((n < low) & (total["persons"] - rooms["persons"] < level))
        | (counts & (positive < low) & (total["positive"] - rooms["positive"] < level))
        | (counts & (n - positive < low) & (total["negative"] - rooms["negative"] < level))
    )
    return short.groupby([g[c] for c in group]).transform("any")


def suppress_complementary(
    e: pd.DataFrame, ref: Reference, passes: int, rules: dict
) -> pd.DataFrame:
    """Give every protected municipality twins with the same published signature and room for
    its small counts, and every protected total a protected member with a twin outside it
    (the dbt model's rule)."""
    keys = ["indicator_code", "year"]
    level_order = {"cluster": 1, "region": 2, "country": 3}
    is_municipal = e["geography_level"] == "municipality"
    for _ in range(passes):
        municipal = e.loc[
            is_municipal, ["geography_code", *keys, "n_persons", "n_positive", "is_protected"]
        ].rename(columns={"geography_code": "kommune_kode"})
        municipal["counts_positive"] = (
            municipal["indicator_code"].map(ref.indicators["statistic"]) == "register_share"
        )
        totals = e.loc[~is_municipal, [*GEO, *keys, "n_persons", "is_protected"]].set_axis(
            ["parent_level", "parent_code", *keys, "total_persons", "total_protected"], axis=1
        )
        held = ref.memberships.merge(totals, on=["parent_level", "parent_code"])
        published = held[~held["total_protected"]]
        signature = (
            published.assign(part=published["parent_level"] + ":" + published["parent_code"])
            .sort_values("part")
            .groupby(["kommune_kode", *keys])["part"]
            .agg("|".join)
            .rename("signature")
            .reset_index()
        )
        g = municipal.merge(signature, on=["kommune_kode", *keys], how="left").fillna(
            {"signature": ""}
        )
        group = [*keys, "signature"]
        g["hidden_in_group"] = g.groupby(group)["is_protected"].transform("sum")
        short = _short_groups(g, group, rules) & (g["signature"] != "")
        twins = _first_per(
            g[short & ~g["is_protected"] & (g["n_persons"] > 0)],
            group,
            ["n_persons", "kommune_kode"],
        )
        unpaired = g[short & g["is_protected"]].merge(
            twins[group].assign(paired=True), on=group, how="left"
        )
        unpaired = unpaired[unpaired["paired"].isna()][["kommune_kode", *keys]]
        for_unpaired = unpaired.merge(published, on=["kommune_kode", *keys])
        for_unpaired = for_unpaired.assign(rank=for_unpaired["parent_level"].map(level_order))
        unpaired_totals = _first_per(
            for_unpaired, ["kommune_kode", *keys], ["rank", "total_persons", "parent_code"]
        )
        hidden_totals = (
            held[held["total_protected"]]
            .merge(
                g[g["is_protected"]][["kommune_kode", *keys, "signature"]],
                on=["kommune_kode", *keys],
            )[["parent_level", "parent_code", *keys, "signature"]]
            .drop_duplicates()
        )
        total = ["parent_level", "parent_code", *keys]
        outside = hidden_totals.merge(
            g[g["n_persons"] > 0][
                ["kommune_kode", *keys, "signature", "n_persons", "is_protected"]
            ],
            on=group,
        ).merge(
            ref.memberships.assign(inside=True),
            on=["parent_level", "parent_code", "kommune_kode"],
            how="left",
        )
        outside = outside[outside["inside"].isna()]
        protected_totals = outside[outside["is_protected"]][total].drop_duplicates()
        exposed = (
            hidden_totals[total]
            .drop_duplicates()
            .merge(protected_totals.assign(safe=True), on=total, how="left")
        )
        exposed = exposed[exposed["safe"].isna()][total]
        outside_twins = _first_per(
            outside.merge(exposed, on=total), total, ["n_persons", "kommune_kode"]
        )
        no_twin = exposed.merge(outside_twins[total].assign(twin=True), on=total, how="left")
        no_twin = no_twin[no_twin["twin"].isna()][total]
        siblings = no_twin.merge(
            totals[~totals["total_protected"] & (totals["total_persons"] > 0)],
            on=["parent_level", *keys],
            suffixes=("", "_sibling"),
        )
        siblings = siblings[siblings["parent_code"] != siblings["parent_code_sibling"]]
        siblings = _first_per(siblings, total, ["total_persons", "parent_code_sibling"])
        picked = pd.concat(
            [
                twins[["kommune_kode", *keys]]
                .set_axis(["geography_code", *keys], axis=1)
                .assign(geography_level="municipality"),
                outside_twins[["kommune_kode", *keys]]
                .set_axis(["geography_code", *keys], axis=1)
                .assign(geography_level="municipality"),
                unpaired_totals[["parent_level", "parent_code", *keys]].set_axis(
                    [*GEO, *keys], axis=1
                ),
                siblings[["parent_level", "parent_code_sibling", *keys]].set_axis(
                    [*GEO, *keys], axis=1
                ),
            ]
        ).drop_duplicates()
        e = e.merge(picked.assign(picked=True), on=[*GEO, *keys], how="left")
        hit = e.pop("picked").fillna(False).astype(bool)
        e["is_protected"] |= hit
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
    e = estimates(all_cells(landing, ref), ref, rules)
    e = suppress_complementary(e, ref, int(rules["suppression_passes"]), rules)
    values = mart_values(e, ref)
    values.to_parquet(out, index=False)
    return len(values)


if __name__ == "__main__":
    implementation_main("(c) pandas", run_pandas, __doc__.splitlines()[0])
