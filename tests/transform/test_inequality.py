"""Values by education and the inequality measures, against the truth the generator drew from.

The shipped sample's respondents carry education with a gradient; the generator recorded the true
prevalence of each group per municipality (data/synthetic_truth/, residents aged 25 and over).
The published marts must recover those group prevalences within their intervals and the true
slope index's sign and size, and never leave a suppressed group alone in its geography's total.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import SAMPLE_DIR, Refreshed

pytestmark = pytest.mark.slow

TRUTH = SAMPLE_DIR / "synthetic_truth" / "sundhedsprofilen_true_prevalence_by_education.csv"
# The least to the most advantaged group, as the agreement's social gradient reads.
RANKED = (
    "grundskole",
    "gymnasial_erhvervsfaglig",
    "kort_mellemlang_videregaaende",
    "lang_videregaaende",
)


@pytest.fixture(scope="module")
def published(refreshed: Refreshed):
    conn = duckdb.connect(str(refreshed.settings.published_db), read_only=True)
    # The truth for Region Syddanmark and Denmark: population-weighted over their municipalities.
    conn.execute(
        f"""
        create temp table truth as
        select indicator_code, year, education_group,
            case when m.region_code = '083' then '083' end as region,
            sum(population * true_prevalence) as cases, sum(population) as population
        from read_csv('{TRUTH}', types = {{'kommune_kode': 'varchar'}}) as t
        inner join dim_municipality as m using (kommune_kode)
        group by all
        """
    )
    yield conn
    conn.close()


def _truth(conn, geography: str) -> str:
    where = "where region = '083'" if geography == "083" else ""
    return (
        "select indicator_code, year, education_group, 100 * sum(cases) / sum(population) as p, "
        f"sum(population) as population from truth {where} group by all"
    )


def test_the_group_values_recover_the_true_prevalences_within_their_intervals(published) -> None:
    for geography in ("083", "000"):
        rows = published.execute(
            f"""
            select m.indicator_code, m.year, m.education_group, t.p, m.ci_lower, m.ci_upper
            from mart_indicator_education_year as m
            inner join ({_truth(published, geography)}) as t using
                (indicator_code, year, education_group)
            where m.geography_code = '{geography}' and not m.is_suppressed and m.is_ranked
            """
        ).fetchall()
        assert len(rows) > 30, geography
        covered = sum(lower <= p <= upper for *_, p, lower, upper in rows)
        # 95 % intervals: about one in twenty may miss; far fewer than that is the design.
        assert covered / len(rows) >= 0.85, (geography, covered, len(rows))


def test_the_slope_index_has_the_true_sign_and_size(published) -> None:
    """The true sii from the truth file (group prevalences on ridit midpoints of the groups'
    population shares, by the same definition written out here) against the published one."""
    truth = published.execute(_truth(published, "000")).fetchall()
    by_cell: dict[tuple, dict[str, tuple[float, float]]] = {}
    for code, year, group, p, population in truth:
        by_cell.setdefault((code, year), {})[group] = (p, population)
    checked = 0
    for (code, year), groups in by_cell.items():
        if not all(g in groups for g in RANKED):
            continue
        population = sum(groups[g][1] for g in RANKED)
        shares = [groups[g][1] / population for g in RANKED]
        values = [groups[g][0] for g in RANKED]
        before = [sum(shares[:i]) for i in range(len(RANKED))]
        ridits = [b + s / 2 for b, s in zip(before, shares, strict=True)]
        x_mean = sum(s * x for s, x in zip(shares, ridits, strict=True))
        y_mean = sum(s * y for s, y in zip(shares, values, strict=True))
        sxy = sum(
            s * (x - x_mean) * (y - y_mean) for s, x, y in zip(shares, ridits, values, strict=True)
        )
        sxx = sum(s * (x - x_mean) ** 2 for s, x in zip(shares, ridits, strict=True))
        true_sii = sxy / sxx
        row = published.execute(
            "select sii, sii_ci_lower, sii_ci_upper from mart_inequality_year "
            "where indicator_code = ? and year = ? and geography_code = '000'",
            [code, year],
        ).fetchone()
        if row is None or row[0] is None:
            continue
        sii, lower, upper = row
        assert lower - 1.0 <= true_sii <= upper + 1.0, (code, year, true_sii, row)
        if abs(true_sii) > 5:
            assert (sii > 0) == (true_sii > 0), (code, year, true_sii, sii)
        checked += 1
    assert checked >= 12
    # The gradient the agreement names: shorter education, more daily smoking.
    smoking = published.execute(
        "select max(sii) from mart_inequality_year where indicator_code = 'daily_smoking' "
        "and geography_code = '000'"
    ).fetchone()[0]
    assert smoking < 0


def test_a_group_the_engine_withholds_is_published_like_a_primary_one(
    published, refreshed: Refreshed
) -> None:
    """The disclosure engine withholds groups to protect others (the sample needs it); the
    release says only "disclosure control" for them, with no value or count, as for a group the
    rule withheld - the build alone knows which is which."""
    with duckdb.connect(str(refreshed.settings.build_db), read_only=True) as conn:
        complements = conn.execute(
            "select indicator_code, geography_level, geography_code, year, education_group_code "
            "from intermediate.int_disclosure__decisions "
            "where value_kind = 'education' and is_complement order by all"
        ).fetchall()
    assert complements
    shown = {
        tuple(row[:5]): row[5:]
        for row in published.execute(
            "select indicator_code, geography_level, geography_code, year, education_group, "
            "suppression_code, value, n_unweighted from mart_indicator_education_year"
        ).fetchall()
    }
    for key in complements:
        assert shown[key] == ("disclosure_control", None, None), key


def test_a_measure_resting_on_a_suppressed_group_is_withheld(published) -> None:
    rows = published.execute(
        """
        select i.indicator_code, i.geography_code, i.year, i.sii, i.overall_value,
            i.inequality_note, count(*) filter (where e.is_suppressed) as suppressed
        from mart_inequality_year as i
        inner join mart_indicator_education_year as e using
            (indicator_code, geography_level, geography_code, year)
        where e.is_ranked
        group by all
        """
    ).fetchall()
    assert any(r[-1] > 0 for r in rows) and any(r[-1] == 0 for r in rows)
    for *key, sii, overall, note, suppressed in rows:
        if suppressed:
            assert sii is None and overall is None and note, key
        else:
            assert sii is not None and overall is not None, key


def test_the_labour_values_by_education_are_the_register_counts(published) -> None:
    """Registers are complete counts: the published numerator and denominator of each group are
    what the delivered files hold, counted here straight from them with the indicators'
    definitions written out (persons aged 25-64 with a chronic somatic disease, or with a
    psychiatric diagnosis; attached to the labour market)."""
    labour = SAMPLE_DIR / "landing" / "labour" / "*.parquet"
    counted = {
        (code, year, group): (attached, persons)
        for code, year, group, attached, persons in published.execute(
            f"""
            with persons as (
                select year, coalesce(education_group, 'ukendt') as education_group,
                    somatic_chronic, psychiatric, attached
                from read_parquet('{labour}') as p
                inner join dim_municipality as m using (kommune_kode)
                where m.region_code = '083' and age between 25 and 64
            )
            select 'somatic_labour_attached', year, education_group, sum(attached), count(*)
            from persons where somatic_chronic = 1 group by all
            union all
            select 'psychiatric_labour_attached', year, education_group, sum(attached), count(*)
            from persons where psychiatric = 1 group by all
            """
        ).fetchall()
    }
    rows = published.execute(
        "select indicator_code, year, education_group, numerator, denominator "
        "from mart_indicator_education_year where geography_code = '083' "
        "and indicator_code like '%labour%' and not is_suppressed"
    ).fetchall()
    assert len(rows) >= 16  # two indicators × two register years × at least four groups
    for code, year, group, numerator, denominator in rows:
        assert (numerator, denominator) == counted[(code, year, group)], (code, year, group)
    # Shorter education, less attachment: the gradient the registers carry.
    sii = published.execute(
        "select min(sii) from mart_inequality_year where geography_code = '000' "
        "and indicator_code like '%labour%'"
    ).fetchone()[0]
    assert sii > 0
