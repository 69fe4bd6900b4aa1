"""The two aggregated forms real deliveries come in, drawn from the same synthetic truth.

* Published survey estimates, as danskernessundhed.dk exports them: one share per indicator ×
  municipality (and the region and Denmark) with a 95% interval and the respondent count, under
  the publisher's own Danish indicator names, decimal commas, and "physically active" published
  as its complement. The generator draws each share around the municipality's true prevalence
  with the sampling error its respondent count gives, as a publisher's estimate would scatter.
* Aggregated register count tables, as Statistics Denmark's research service hands them out:
  numerator and denominator per indicator × municipality × sex × age band with their TOT
  totals, every count under 5 blanked as ``<5``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dagster_project.reference_data import read_seed
from synthetic.definitions import definitions_of
from synthetic.geography import Geography
from synthetic.prevalence import indicator_bands

Z = 1.959964
# The survey's design effect: calibration weights make n_eff smaller than the respondents.
DESIGN_EFFECT = 1.25
COUNTRY = "Hele landet"
BLANKED_BELOW = 5
COUNT_HEADER = [
    "indicator_code",
    "year",
    "kommune_kode",
    "sex",
    "age_band",
    "numerator",
    "denominator",
]


def _percent(value: float) -> str:
    return f"{100 * value:.1f}".replace(".", ",")


def published_estimates(
    geo: Geography,
    pop_bands: np.ndarray,
    prevalences: dict[str, np.ndarray],
    y: int,
    year: int,
    respondents: dict[str, int],
    seed: int,
) -> str:
    """The publisher's table for one survey year as ``;``-separated text (decimal commas)."""
    rng = np.random.default_rng([seed, year, 9001])
    region = "083"
    areas: list[tuple[str, np.ndarray]] = [
        (name, np.array([m])) for m, name in enumerate(geo.kommune_name)
    ]
    areas.append((geo.region_names[region], np.flatnonzero(geo.region_code == region)))
    areas.append((COUNTRY, np.arange(geo.n_municipalities)))
    lines = ["indikator;aar;kommune;andel;ki_nedre;ki_oevre;antal_svarpersoner"]
    for row in read_seed("published_indicator_names"):
        code, complement = row["indicator_code"], row["is_complement"] == "true"
        bands = indicator_bands(geo, code)
        for name, members in areas:
            population = pop_bands[members][:, :, bands, y]
            truth = (population * prevalences[code][members][:, :, bands, y]).sum() / max(
                population.sum(), 1
            )
            n = sum(respondents.get(geo.kommune_kode[m], 0) for m in members)
            if n == 0:
                continue
            se = np.sqrt(truth * (1 - truth) * DESIGN_EFFECT / n)
            share = float(np.clip(truth + rng.normal(0, se), 0.001, 0.999))
            low, high = max(share - Z * se, 0.0), min(share + Z * se, 1.0)
            if complement:
                share, low, high = 1 - share, 1 - high, 1 - low
            lines.append(
                f"{row['publisher_name']};{year};{name};{_percent(share)};"
                f"{_percent(low)};{_percent(high)};{n}"
            )
    return "\n".join(lines) + "\n"


def _blank(count: int) -> str:
    return "<5" if count < BLANKED_BELOW else str(count)


def labour_count_table(geo: Geography, persons: pd.DataFrame, year: int) -> tuple[str, list]:
    """Person-year rows of the labour register as the publisher's count table, and the truth.

    Parts (sex × age band) and every total (by sex, by band, overall) are counted from the
    persons, then each count under 5 is blanked, as disclosure-controlled tables are.
    """
    band_codes = np.array(geo.age_band_codes)
    frame = persons.assign(age_band=band_codes[geo.band_of_age(persons["age"].to_numpy())])
    tables, truth = [], []
    for code, definition in definitions_of("labour").items():
        (population,) = (r for r in definition.items if r.role == "population")
        people = frame[frame[population.item] == 1]
        for by_sex in (True, False):
            for by_band in (True, False):
                keys = (
                    ["kommune_kode"]
                    + (["sex"] if by_sex else [])
                    + (["age_band"] if by_band else [])
                )
                counts = (
                    people.groupby(keys)
                    .agg(numerator=("attached", "sum"), denominator=("attached", "size"))
                    .reset_index()
                )
                counts["sex"] = counts["sex"].astype(str) if by_sex else "TOT"
                if not by_band:
                    counts["age_band"] = "TOT"
                counts["indicator_code"] = code
                tables.append(counts)
                if not by_sex and not by_band:
                    truth += [
                        {
                            "indicator_code": code,
                            "year": year,
                            "kommune_kode": r.kommune_kode,
                            "numerator": int(r.numerator),
                            "denominator": int(r.denominator),
                        }
                        for r in counts.itertuples()
                    ]
    table = pd.concat(tables, ignore_index=True)
    table["year"] = year
    table = table.sort_values(["indicator_code", "kommune_kode", "sex", "age_band"])
    lines = [",".join(COUNT_HEADER)] + [
        f"{r.indicator_code},{year},{r.kommune_kode},{r.sex},{r.age_band},"
        f"{_blank(int(r.numerator))},{_blank(int(r.denominator))}"
        for r in table.itertuples()
    ]
    return "\n".join(lines) + "\n", truth
