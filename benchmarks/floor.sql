-- (b) of the benchmark: the floor. One hand-written DuckDB script computing the indicator marts'
-- values straight from the landing files and the seeds, with none of the platform around it:
-- no contracts, no raw layer, no dbt, no gate, no publication. What the platform costs is
-- measured against this.
--
-- Run by benchmarks/floor.py, which sets the variables landing, seeds, min_cell_count,
-- min_survey_respondents, protection_level, ci_z, region_code, country_code and
-- education_min_age, runs the platform's disclosure engine where the script says
-- "-- engine:", and writes the table mart_values.
-- The rules are the dbt project's (docs/domain.md); benchmarks/agreement.py checks they agree.

create temp table indicators as
select * from read_csv(
    getvariable('seeds') || '/indicators.csv', header = true,
    types = {'age_min': 'integer', 'age_max': 'integer'}
);

create temp table age_bands as
select * from read_csv(getvariable('seeds') || '/age_bands.csv', header = true);

create temp table municipalities as
select * from read_csv(
    getvariable('seeds') || '/municipalities.csv', header = true, all_varchar = true
);

create temp table memberships as
with clusters as (
    select cluster_code, kommune_kode
    from read_csv(
        getvariable('seeds') || '/cluster_municipalities.csv', header = true,
        types = {'kommune_kode': 'varchar', 'valid_from': 'date', 'valid_to': 'date'}
    )
    where valid_from <= current_date and (valid_to is null or valid_to > current_date)
)
select 'cluster' as parent_level, cluster_code as parent_code, kommune_kode from clusters
union all
select 'region', region_code, kommune_kode from municipalities
union all
select 'country', getvariable('country_code'), kommune_kode from municipalities;

create temp table cutoffs as
select
    max(cutoff_value) filter (cutoff_code = 'mcs12_good_mental_health_min') as mcs12_min,
    max(cutoff_value) filter (cutoff_code = 'bmi_severe_obesity_min') as bmi_min,
    max(cutoff_value) filter (cutoff_code = 'alcohol_units_week_max') as alcohol_max,
    max(cutoff_value) filter (cutoff_code = 'pa_moderate_min_week') as moderate_min,
    max(cutoff_value) filter (cutoff_code = 'pa_vigorous_min_week') as vigorous_min
from read_csv(getvariable('seeds') || '/survey_item_cutoffs.csv', header = true);

-- The band an aggregated source is filed under: the one holding the indicator's youngest age.
create temp table source_bands as
select i.indicator_code, i.source_code, b.age_band_code
from indicators as i
inner join age_bands as b on i.age_min between b.age_min and b.age_max;

-- The cells of every source: indicator × municipality × year × sex × age band × school stage,
-- with the youngest age of the band, split further by education group for the persons of the
-- survey and the labour register (fine_cells below adds the groups up again; disclosure
-- control needs both, the marts publish municipality totals summed from them).
create temp table person_cells as
with respondents as (
    select
        r.survey_year as year, r.kommune_kode, r.sex, r.age, r.weight,
        r.daily_smoker, r.other_nicotine,
        case
            when r.height_cm is null or r.weight_kg is null then null
            when r.weight_kg / ((r.height_cm / 100.0) * (r.height_cm / 100.0)) >= c.bmi_min
                then 1
            else 0
        end as severe_obesity,
        case
            when r.alcohol_units_week is null then null
            when r.alcohol_units_week > c.alcohol_max then 1 else 0
        end as alcohol,
        case
            when r.pa_moderate_min_week >= c.moderate_min then 1
            when r.pa_vigorous_min_week >= c.vigorous_min then 1
            when r.pa_moderate_min_week is null or r.pa_vigorous_min_week is null then null
            else 0
        end as active,
        case when r.mcs12 is null then null when r.mcs12 >= c.mcs12_min then 1 else 0 end
            as mental,
        coalesce(nullif(r.education_group, ''), 'ukendt') as education_group_code
    from read_csv(
        getvariable('landing') || '/sundhedsprofilen/*.csv', header = true, auto_detect = false,
        columns = {
            'respondent_id': 'varchar', 'survey_year': 'integer', 'kommune_kode': 'varchar',
            'sex': 'integer', 'age': 'integer', 'weight': 'double', 'daily_smoker': 'integer',
            'other_nicotine': 'integer', 'alcohol_units_week': 'double', 'height_cm': 'double',
            'weight_kg': 'double', 'pa_moderate_min_week': 'double',
            'pa_vigorous_min_week': 'double', 'mcs12': 'double', 'education_group': 'varchar'
        }
    ) as r
    cross join cutoffs as c
),
-- Every municipality × round is a stratum of the survey; its size counts every respondent.
strata as (
    select year, kommune_kode, count(*) as stratum_n from respondents group by all
),
survey as (
    select
        i.indicator_code, r.year, r.kommune_kode, r.sex, r.age, r.weight, r.education_group_code,
        case i.indicator_code
            when 'daily_smoking' then r.daily_smoker
            when 'other_nicotine' then r.other_nicotine
            when 'alcohol_over_10_units' then r.alcohol
            when 'severe_obesity' then r.severe_obesity
            when 'physically_active' then r.active
            when 'young_good_mental_health' then r.mental
        end as outcome
    from respondents as r
    inner join indicators as i
        on i.statistic = 'survey_share'
        and r.age between i.age_min and coalesce(i.age_max, 150)
    -- A respondent outside every age band is in no cell.
    where exists (select 1 from age_bands as b where r.age between b.age_min and b.age_max)
),
labour as (
    select
        i.indicator_code, l.year, l.kommune_kode, l.sex, l.age, l.attached,
        coalesce(nullif(l.education_group, ''), 'ukendt') as education_group_code
    -- A file without the education column has everyone in group ukendt (as in staging).
    from read_parquet(getvariable('landing') || '/labour/*.parquet', union_by_name = true) as l
    inner join indicators as i
        on l.age between i.age_min and i.age_max
        and (
            (i.indicator_code = 'somatic_labour_attached' and l.somatic_chronic = 1)
            or (i.indicator_code = 'psychiatric_labour_attached' and l.psychiatric = 1)
        )
    where exists (select 1 from age_bands as b where l.age between b.age_min and b.age_max)
),
education as (
    select year, kommune_kode, sex, completed_youth_education
    from read_csv(
        getvariable('landing') || '/education/*.csv', header = true, auto_detect = false,
        columns = {
            'person_key': 'varchar', 'year': 'integer', 'kommune_kode': 'varchar',
            'sex': 'integer', 'psychiatric_before_18': 'integer',
            'completed_youth_education': 'integer'
        }
    )
    where psychiatric_before_18 = 1
),
-- Register cohorts count persons; the school sources arrive counted per municipality and
-- school year, reported as the calendar year it ends.
counted as (
    select
        'education' as source_code, year, kommune_kode, cast(sex as varchar) as sex_code,
        'all' as school_stage_code, 1 as persons, completed_youth_education as positive
    from education
    union all
    select 'trivsel', cast(left(school_year, 4) as integer) + 1, kommune_kode, 'T', 'all',
        n_respondents, n_high_wellbeing
    from read_csv(
        getvariable('landing') || '/trivsel/*.csv', header = true, auto_detect = false,
        columns = {
            'school_year': 'varchar', 'kommune_kode': 'varchar', 'n_respondents': 'bigint',
            'n_high_wellbeing': 'bigint'
        }
    )
    union all
    select 'boernedatabasen', cast(left(school_year, 4) as integer) + 1, kommune_kode,
        cast(sex as varchar), school_stage, n_measured, n_overweight
    from read_csv(
        getvariable('landing') || '/boernedatabasen/*.csv', header = true, auto_detect = false,
        columns = {
            'school_year': 'varchar', 'kommune_kode': 'varchar', 'school_stage': 'varchar',
            'sex': 'integer', 'n_measured': 'bigint', 'n_overweight': 'bigint',
            'n_severe_overweight': 'bigint'
        }
    )
)
select
    s.indicator_code, s.year, s.kommune_kode, cast(s.sex as varchar) as sex_code,
    b.age_band_code, 'all' as school_stage_code, b.age_min, s.education_group_code,
    sum(s.weight * s.outcome) as numerator, sum(s.weight) as denominator,
    sum(s.weight * s.weight) as sum_squared_weights,
    count(*) as n_persons, sum(s.outcome) as n_positive,
    sum(s.weight * s.weight * s.outcome) as ssw_positive, any_value(t.stratum_n) as stratum_n
from survey as s
inner join age_bands as b on s.age between b.age_min and b.age_max
inner join strata as t on s.year = t.year and s.kommune_kode = t.kommune_kode
where s.outcome is not null
group by all
union all
select
    l.indicator_code, l.year, l.kommune_kode, cast(l.sex as varchar), b.age_band_code, 'all',
    b.age_min, l.education_group_code, sum(l.attached), count(*), count(*), count(*), sum(l.attached), null, null
from labour as l
inner join age_bands as b on l.age between b.age_min and b.age_max
group by all
union all
select
    b.indicator_code, c.year, c.kommune_kode, c.sex_code, a.age_band_code, c.school_stage_code,
    a.age_min, null, sum(c.positive),
    sum(c.persons), sum(c.persons), sum(c.persons), sum(c.positive), null, null
from counted as c
inner join source_bands as b on c.source_code = b.source_code
inner join age_bands as a on b.age_band_code = a.age_band_code
group by all;

create temp table fine_cells as
select
    indicator_code, year, kommune_kode, sex_code, age_band_code, school_stage_code, age_min,
    sum(numerator) as numerator, sum(denominator) as denominator,
    sum(sum_squared_weights) as sum_squared_weights, sum(n_persons) as n_persons,
    sum(n_positive) as n_positive, sum(ssw_positive) as ssw_positive,
    max(stratum_n) as stratum_n
from person_cells
group by all;

-- A survey total's design-based variance (Taylor linearisation, municipalities as strata):
-- per municipality k = n/(n - 1), t0 = k(C - A²/n), t1 = k(C - AB/n), t2 = k(D - B²/n) with
-- A = Σwy, B = Σw, C = Σw²y, D = Σw², n the stratum's respondents; any geography adds its
-- municipalities' terms and Var(p) = (t0 - 2p·t1 + p²·t2) / B².
create temp table cells as
with summed as (
    select
        indicator_code, year, kommune_kode, sum(numerator) as numerator,
        sum(denominator) as denominator, sum(sum_squared_weights) as sum_squared_weights,
        sum(n_persons) as n_persons, sum(n_positive) as n_positive,
        sum(ssw_positive) as ssw_positive, max(stratum_n) as stratum_n
    from fine_cells
    group by all
)
select
    indicator_code, year, kommune_kode, numerator, denominator, sum_squared_weights,
    n_persons, n_positive,
    stratum_n / (stratum_n - 1.0) * (ssw_positive - numerator * numerator / stratum_n) as t0,
    stratum_n / (stratum_n - 1.0) * (ssw_positive - numerator * denominator / stratum_n) as t1,
    stratum_n / (stratum_n - 1.0) * (sum_squared_weights - denominator * denominator / stratum_n)
        as t2
from summed;

-- Every geography × every indicator-year Denmark has data for, zero where nobody is counted.
create temp table estimates as
with sums as (
    select
        'municipality' as geography_level, c.kommune_kode as geography_code,
        c.indicator_code, c.year, c.numerator, c.denominator, c.sum_squared_weights,
        c.n_persons, c.n_positive, c.t0, c.t1, c.t2
    from cells as c
    union all
    select
        m.parent_level, m.parent_code, c.indicator_code, c.year, c.numerator, c.denominator,
        c.sum_squared_weights, c.n_persons, c.n_positive, c.t0, c.t1, c.t2
    from cells as c
    inner join memberships as m on c.kommune_kode = m.kommune_kode
),
totals as (
    select
        geography_level, geography_code, indicator_code, year,
        sum(numerator) as numerator, sum(denominator) as denominator,
        sum(sum_squared_weights) as ssw, sum(n_persons) as n_persons,
        sum(n_positive) as n_positive, sum(t0) as t0, sum(t1) as t1, sum(t2) as t2
    from sums
    group by all
),
grid as (
    select distinct m.parent_level as geography_level, m.parent_code as geography_code
    from memberships as m
    union all
    select 'municipality', kommune_kode from municipalities
),
filled as (
    select
        g.geography_level, g.geography_code, iy.indicator_code, iy.year, i.statistic,
        i.direction,
        coalesce(t.numerator, 0) as numerator, coalesce(t.denominator, 0) as denominator,
        coalesce(t.ssw, 0) as ssw, coalesce(t.n_persons, 0) as n_persons,
        coalesce(t.n_positive, 0) as n_positive, t.t0, t.t1, t.t2
    from grid as g
    cross join (select distinct indicator_code, year from cells) as iy
    inner join indicators as i on iy.indicator_code = i.indicator_code
    left join totals as t
        on g.geography_level = t.geography_level and g.geography_code = t.geography_code
        and iy.indicator_code = t.indicator_code and iy.year = t.year
),
shares as (
    select
        *,
        numerator / nullif(denominator, 0) as p,
        (t0 - 2 * p * t1 + p * p * t2) / (denominator * denominator) as variance,
        case
            when statistic <> 'survey_share' then denominator
            when variance > 0 and p > 0 and p < 1 then p * (1 - p) / variance
            when ssw > 0 then denominator * denominator / ssw
        end as n_eff,
        n_persons = 0
        or (statistic = 'survey_share' and n_persons < getvariable('min_survey_respondents'))
        or n_persons < getvariable('min_cell_count')
        or n_positive < getvariable('min_cell_count')
        or n_persons - n_positive < getvariable('min_cell_count') as is_suppressed
    from filled
)
select
    *,
    getvariable('ci_z') as z,
    case when n_eff > 0 then
        (p + z * z / (2 * n_eff) - z * sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)))
        / (1 + z * z / n_eff)
    end as ci_lower,
    case when n_eff > 0 then
        (p + z * z / (2 * n_eff) + z * sqrt(p * (1 - p) / n_eff + z * z / (4 * n_eff * n_eff)))
        / (1 + z * z / n_eff)
    end as ci_upper,
    is_suppressed and n_persons > 0 as is_protected
from shares;

-- Disclosure control is the platform's engine (dagster_project/disclosure), told the tables
-- as it is told them in the platform - here from this script's own cells and totals: every
-- cell, every total, every value by education, and the counts never published that tie them
-- (a municipality's persons in one education group, and in the cells of the education ages).
-- Each count has its true persons (and numerator, for register shares), whether the rule
-- withholds it, whether it is published, and what withholding it costs.
create schema intermediate;

create temp table level_costs as
select * from (values
    ('municipality', 1e6), ('cluster', 1e7), ('region', 1e8), ('country', 1e9)
) as t (geography_level, level_cost);

create temp table education_counts as
select
    indicator_code, year, kommune_kode, education_group_code, sum(n_persons) as n_persons,
    sum(n_positive) as n_positive
from person_cells
where education_group_code is not null and age_min >= getvariable('education_min_age')
group by all;

create temp table education_geographies as
select * from memberships
where parent_level in ('cluster', 'country')
    or (parent_level = 'region' and parent_code = getvariable('region_code'));

create temp table education_values as
with groups as (
    select education_group_code
    from read_csv(getvariable('seeds') || '/education_groups.csv', header = true)
),
indicator_years as (
    select distinct indicator_code, year from education_counts
),
sums as (
    select g.parent_level, g.parent_code, e.indicator_code, e.year, e.education_group_code,
        sum(e.n_persons) as n_persons, sum(e.n_positive) as n_positive
    from education_counts as e
    inner join education_geographies as g on e.kommune_kode = g.kommune_kode
    group by all
)
select
    geographies.parent_level as geography_level, geographies.parent_code as geography_code,
    iy.indicator_code, iy.year, groups.education_group_code, i.statistic,
    coalesce(s.n_persons, 0) as n_persons, coalesce(s.n_positive, 0) as n_positive
from (select distinct parent_level, parent_code from education_geographies) as geographies
cross join indicator_years as iy
cross join groups
inner join indicators as i on iy.indicator_code = i.indicator_code
left join sums as s
    on geographies.parent_level = s.parent_level and geographies.parent_code = s.parent_code
    and iy.indicator_code = s.indicator_code and iy.year = s.year
    and groups.education_group_code = s.education_group_code;

create temp table described_values as
with cell_values as (
    select
        c.indicator_code, c.year, 'cell' as value_kind,
        'cell ' || c.kommune_kode || ' ' || c.sex_code || ' ' || c.age_band_code || ' '
        || c.school_stage_code as value_key,
        c.n_persons,
        case when i.statistic = 'register_share' then c.n_positive end as n_positive,
        (i.statistic = 'survey_share' and c.n_persons < getvariable('min_survey_respondents'))
        or c.n_persons < getvariable('min_cell_count')
        or c.n_positive < getvariable('min_cell_count')
        or c.n_persons - c.n_positive < getvariable('min_cell_count') as is_withheld,
        true as is_publishable, c.n_persons as complement_cost
    from fine_cells as c
    inner join indicators as i on c.indicator_code = i.indicator_code
),
education_municipalities as (
    select distinct indicator_code, year, kommune_kode from education_counts
),
adult_cells as (
    select c.* from fine_cells as c
    where c.age_min >= getvariable('education_min_age')
        and exists (
            select 1 from age_bands as b where b.age_min = getvariable('education_min_age')
        )
)
select * from cell_values
union all
select
    e.indicator_code, e.year, 'total', e.geography_level || ' ' || e.geography_code,
    e.n_persons, case when e.statistic = 'register_share' then e.n_positive end,
    e.is_suppressed, true, l.level_cost + e.n_persons
from estimates as e
inner join level_costs as l on e.geography_level = l.geography_level
union all
select
    v.indicator_code, v.year, 'education',
    v.geography_level || ' ' || v.geography_code || ' education ' || v.education_group_code,
    v.n_persons, case when v.statistic = 'register_share' then v.n_positive end,
    v.n_persons = 0
    or (v.statistic = 'survey_share' and v.n_persons < getvariable('min_survey_respondents'))
    or v.n_persons < getvariable('min_cell_count')
    or v.n_positive < getvariable('min_cell_count')
    or v.n_persons - v.n_positive < getvariable('min_cell_count'),
    true, l.level_cost + v.n_persons
from education_values as v
inner join level_costs as l on v.geography_level = l.geography_level
union all
select
    m.indicator_code, m.year, 'group', 'group ' || m.kommune_kode || ' ' || g.education_group_code,
    coalesce(e.n_persons, 0),
    case when i.statistic = 'register_share' then coalesce(e.n_positive, 0) end,
    false, false, 0
from education_municipalities as m
cross join (select distinct education_group_code from education_values) as g
inner join indicators as i on m.indicator_code = i.indicator_code
left join education_counts as e
    on m.indicator_code = e.indicator_code and m.year = e.year
    and m.kommune_kode = e.kommune_kode and g.education_group_code = e.education_group_code
union all
select
    c.indicator_code, c.year, 'adults', 'adults ' || c.kommune_kode, sum(c.n_persons),
    case when any_value(i.statistic) = 'register_share' then sum(c.n_positive) end,
    false, false, 0
from adult_cells as c
inner join indicators as i on c.indicator_code = i.indicator_code
semi join education_municipalities as m
    on c.indicator_code = m.indicator_code and c.year = m.year and c.kommune_kode = m.kommune_kode
group by c.indicator_code, c.year, c.kommune_kode;

create table intermediate.int_disclosure__values as
select
    indicator_code, year, value_kind, value_key, n_persons, n_positive,
    case when is_withheld then 'primary' end as primary_reason, is_publishable,
    true as is_known, complement_cost
from described_values;

create table intermediate.int_disclosure__sums as
select
    c.indicator_code, c.year, 'municipality_cells' as sum_kind,
    'municipality ' || c.kommune_kode as total_key,
    'cell ' || c.kommune_kode || ' ' || c.sex_code || ' ' || c.age_band_code || ' '
    || c.school_stage_code as member_key
from fine_cells as c
union all
select
    t.indicator_code, t.year, 'geography_municipalities',
    t.geography_level || ' ' || t.geography_code, 'municipality ' || m.kommune_kode
from estimates as t
inner join memberships as m
    on t.geography_level = m.parent_level and t.geography_code = m.parent_code
semi join estimates as k
    on k.geography_level = 'municipality' and k.geography_code = m.kommune_kode
    and k.indicator_code = t.indicator_code and k.year = t.year
union all
select
    c.indicator_code, c.year, 'adult_cells', 'adults ' || c.kommune_kode,
    'cell ' || c.kommune_kode || ' ' || c.sex_code || ' ' || c.age_band_code || ' '
    || c.school_stage_code
from fine_cells as c
semi join intermediate.int_disclosure__values as a
    on a.value_key = 'adults ' || c.kommune_kode and a.indicator_code = c.indicator_code
    and a.year = c.year
where c.age_min >= getvariable('education_min_age')
union all
select
    a.indicator_code, a.year, 'adult_groups', a.value_key,
    'group ' || substr(a.value_key, 8) || ' ' || g.education_group_code
from intermediate.int_disclosure__values as a
cross join (select distinct education_group_code from education_values) as g
where a.value_kind = 'adults'
union all
select
    v.indicator_code, v.year, 'education_groups',
    v.geography_level || ' ' || v.geography_code || ' education ' || v.education_group_code,
    'group ' || m.kommune_kode || ' ' || v.education_group_code
from education_values as v
inner join education_geographies as m
    on v.geography_level = m.parent_level and v.geography_code = m.parent_code
semi join (select distinct indicator_code, year, kommune_kode from education_counts) as e
    on e.indicator_code = v.indicator_code and e.year = v.year
    and e.kommune_kode = m.kommune_kode;

-- engine: the complements
-- benchmarks/floor.py runs the engine over the two tables above here and writes what it
-- withholds to protect a small count into the table complements (indicator_code, year,
-- value_key); a total among them is withheld.
update estimates set is_suppressed = true
from complements as c
where c.value_key = estimates.geography_level || ' ' || estimates.geography_code
    and c.indicator_code = estimates.indicator_code and c.year = estimates.year;

create temp table mart_values as
with shown as (
    select
        e.*,
        m.region_code as own_region,
        case when not e.is_suppressed then e.p end as shown_p
    from estimates as e
    left join (
        select 'municipality' as level, kommune_kode as code, region_code from municipalities
        union all
        select distinct 'region', region_code, region_code from municipalities
        union all
        select 'cluster', parent_code, any_value(r.region_code)
        from memberships inner join municipalities as r using (kommune_kode)
        where parent_level = 'cluster' group by parent_code
    ) as m on e.geography_level = m.level and e.geography_code = m.code
)
select
    s.geography_level, s.geography_code, s.indicator_code, s.year,
    round(100 * s.shown_p, 1) as value,
    case when not s.is_suppressed then round(100 * s.ci_lower, 1) end as ci_lower,
    case when not s.is_suppressed then round(100 * s.ci_upper, 1) end as ci_upper,
    case when not s.is_suppressed then round(s.numerator, 0) end as numerator,
    case when not s.is_suppressed then round(s.denominator, 0) end as denominator,
    case when not s.is_suppressed then s.n_persons end as n_unweighted,
    s.is_suppressed,
    round(100 * region.shown_p, 1) as region_value,
    round(100 * country.shown_p, 1) as denmark_value
from shown as s
left join shown as region
    on region.geography_level = 'region' and region.geography_code = s.own_region
    and region.indicator_code = s.indicator_code and region.year = s.year
left join shown as country
    on country.geography_level = 'country'
    and country.indicator_code = s.indicator_code and country.year = s.year;
