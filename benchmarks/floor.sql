-- (b) of the benchmark: the floor. One hand-written DuckDB script computing the indicator marts'
-- values straight from the landing files and the seeds, with none of the platform around it:
-- no contracts, no raw layer, no dbt, no gate, no publication. What the platform costs is
-- measured against this.
--
-- Run by benchmarks/floor.py, which sets the variables landing, seeds, min_cell_count,
-- min_survey_respondents, ci_z and country_code, executes the statement marked
-- "-- repeat: suppression_passes" that many times, and writes the table mart_values.
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

-- The cells of every source: indicator × municipality × year × sex × age band × school stage
-- (cell_key), with the youngest age of the band (the part rule of disclosure control needs
-- them; the marts publish municipality totals, summed from them below).
create temp table fine_cells as
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
            as mental
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
        i.indicator_code, r.year, r.kommune_kode, r.sex, r.age, r.weight,
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
        i.indicator_code, l.year, l.kommune_kode, l.sex, l.age, l.attached
    from read_parquet(getvariable('landing') || '/labour/*.parquet') as l
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
        'education' as source_code, year, kommune_kode, cast(sex as varchar) as cell_key,
        1 as persons, completed_youth_education as positive
    from education
    union all
    select 'trivsel', cast(left(school_year, 4) as integer) + 1, kommune_kode, '', n_respondents,
        n_high_wellbeing
    from read_csv(
        getvariable('landing') || '/trivsel/*.csv', header = true, auto_detect = false,
        columns = {
            'school_year': 'varchar', 'kommune_kode': 'varchar', 'n_respondents': 'bigint',
            'n_high_wellbeing': 'bigint'
        }
    )
    union all
    select 'boernedatabasen', cast(left(school_year, 4) as integer) + 1, kommune_kode,
        sex || ':' || school_stage, n_measured, n_overweight
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
    s.indicator_code, s.year, s.kommune_kode, s.sex || ':' || b.age_band_code as cell_key,
    b.age_min, sum(s.weight * s.outcome) as numerator, sum(s.weight) as denominator,
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
    l.indicator_code, l.year, l.kommune_kode, l.sex || ':' || b.age_band_code, b.age_min,
    sum(l.attached), count(*), count(*), count(*), sum(l.attached), null, null
from labour as l
inner join age_bands as b on l.age between b.age_min and b.age_max
group by all
union all
select
    b.indicator_code, c.year, c.kommune_kode, c.cell_key, a.age_min, sum(c.positive),
    sum(c.persons), sum(c.persons), sum(c.persons), sum(c.positive), null, null
from counted as c
inner join source_bands as b on c.source_code = b.source_code
inner join age_bands as a on b.age_band_code = a.age_band_code
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

-- Municipality totals that no published cell can protect (int_suppression__stranded_parts):
-- a part of the total - all its cells, or the adult and the younger cells apart where the
-- indicator-year has values by education (survey and labour cells of persons aged
-- education_min_age and over) - whose withheld cells cannot give each small count room of
-- protection_level and whose published cells cannot either, or with one withheld cell and no
-- published one; withheld where the part's sum is published in effect (the whole total, or
-- an adults' sum the education groups of a cluster, the region or Denmark give away because
-- every other municipality there shows its own).
create temp table withheld_totals as
with parts as (
    select
        c.*, i.statistic = 'register_share' as counts_positive,
        case
            when e.indicator_code is null then 'all'
            when c.age_min >= getvariable('education_min_age') then 'adult'
            else 'younger'
        end as part,
        c.n_persons > 0 and (
            (i.statistic = 'survey_share' and c.n_persons < getvariable('min_survey_respondents'))
            or c.n_persons < getvariable('min_cell_count')
            or c.n_positive < getvariable('min_cell_count')
            or c.n_persons - c.n_positive < getvariable('min_cell_count')
        ) as is_withheld
    from fine_cells as c
    inner join indicators as i on c.indicator_code = i.indicator_code
    left join (
        select distinct c.indicator_code, c.year
        from fine_cells as c
        inner join indicators as i on c.indicator_code = i.indicator_code
        where i.source_code in ('sundhedsprofilen', 'labour')
            and c.age_min >= getvariable('education_min_age') and c.n_persons > 0
    ) as e on c.indicator_code = e.indicator_code and c.year = e.year
),
shortfalls as (
    select
        kommune_kode, indicator_code, year, part,
        count(*) filter (is_withheld) as n_withheld,
        count(*) filter (not is_withheld) as n_published,
        getvariable('protection_level') - (sum(n_persons - 1) filter (is_withheld)
            - max(n_persons - 1) filter (is_withheld and n_persons < getvariable('min_cell_count')))
            as short_persons,
        getvariable('protection_level') - (sum(n_positive) filter (is_withheld)
            - max(n_positive) filter (is_withheld and counts_positive
                and n_positive < getvariable('min_cell_count'))) as short_positive,
        getvariable('protection_level') - (sum(n_persons - n_positive) filter (is_withheld)
            - max(n_persons - n_positive) filter (is_withheld and counts_positive
                and n_persons - n_positive < getvariable('min_cell_count'))) as short_negative,
        coalesce(sum(n_persons - 1) filter (not is_withheld), 0) as room_persons,
        coalesce(sum(n_positive) filter (not is_withheld), 0) as room_positive,
        coalesce(sum(n_persons - n_positive) filter (not is_withheld), 0) as room_negative
    from parts
    where n_persons > 0
    group by all
    having count(*) filter (is_withheld) > 0
),
stranded as (
    select * from shortfalls
    where (n_withheld = 1 and n_published = 0)
        or coalesce(short_persons, 0) > room_persons
        or coalesce(short_positive, 0) > room_positive
        or coalesce(short_negative, 0) > room_negative
),
education_geographies as (
    select * from memberships
    where parent_level in ('cluster', 'country')
        or (parent_level = 'region' and parent_code = getvariable('region_code'))
),
sums_shown as (
    select
        kommune_kode, indicator_code, year,
        not bool_or(part = 'adult' and is_withheld) or not bool_or(part = 'younger' and is_withheld)
            as is_shown
    from parts
    where part <> 'all'
    group by all
),
hidden as (
    select g.parent_level, g.parent_code, s.indicator_code, s.year,
        count(*) filter (not s.is_shown) as n_hidden
    from sums_shown as s
    inner join education_geographies as g on s.kommune_kode = g.kommune_kode
    group by all
),
adult_sum_published as (
    select distinct s.kommune_kode, s.indicator_code, s.year
    from sums_shown as s
    inner join education_geographies as g on s.kommune_kode = g.kommune_kode
    inner join hidden as h
        on g.parent_level = h.parent_level and g.parent_code = h.parent_code
        and s.indicator_code = h.indicator_code and s.year = h.year
    where h.n_hidden - case when s.is_shown then 0 else 1 end = 0
)
select distinct s.kommune_kode, s.indicator_code, s.year
from stranded as s
left join adult_sum_published as p
    on s.kommune_kode = p.kommune_kode and s.indicator_code = p.indicator_code
    and s.year = p.year
where s.part = 'all' or p.kommune_kode is not null;

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

-- A total no published cell can protect starts out protected (withheld_totals above).
update estimates set is_protected = true, is_suppressed = true
from withheld_totals as w
where estimates.geography_level = 'municipality' and estimates.geography_code = w.kommune_kode
    and estimates.indicator_code = w.indicator_code and estimates.year = w.year
    and estimates.n_persons > 0;

-- Complementary suppression, one pass. A municipality's signature is the set of published
-- totals that add it up. A protected municipality alone in its signature group gets a twin (the
-- group's published member with the fewest persons); with no one to pair with (Vejen, in two
-- clusters), the smallest published total holding it is protected instead, clusters first. A
-- protected total needs a protected member with a twin outside it: the smallest outside member
-- of the same signature, or else the smallest other published total of its level. A group is
-- short (needs a twin) when a protected member is alone, or when the other protected members
-- cannot give up protection_level of one of its small counts (persons down to one, numerator
-- and persons outside it down to zero; the last two for register counts only).
-- repeat: suppression_passes
update estimates set is_protected = true, is_suppressed = true
from (
    with signatures as (
        select
            e.geography_code as kommune_kode, e.indicator_code, e.year, e.n_persons,
            e.n_positive, e.statistic = 'register_share' as counts_positive, e.is_protected,
            coalesce(string_agg(m.parent_level || ':' || m.parent_code, '|'
                order by m.parent_level, m.parent_code) filter (t.geography_code is not null), '')
                as signature
        from estimates as e
        left join memberships as m on m.kommune_kode = e.geography_code
        left join estimates as t
            on t.geography_level = m.parent_level and t.geography_code = m.parent_code
            and t.indicator_code = e.indicator_code and t.year = e.year and not t.is_protected
        where e.geography_level = 'municipality'
        group by all
    ),
    rooms as (
        select *,
            count(*) filter (is_protected) over w as hidden_in_group,
            coalesce(sum(n_persons - 1) filter (is_protected) over w, 0) as room_persons,
            coalesce(sum(n_positive) filter (is_protected) over w, 0) as room_positive,
            coalesce(sum(n_persons - n_positive) filter (is_protected) over w, 0) as room_negative
        from signatures
        window w as (partition by indicator_code, year, signature)
    ),
    grouped as (
        select *, bool_or(is_protected and (
            hidden_in_group = 1
            or (n_persons < getvariable('min_cell_count')
                and room_persons - (n_persons - 1) < getvariable('protection_level'))
            or (counts_positive and n_positive < getvariable('min_cell_count')
                and room_positive - n_positive < getvariable('protection_level'))
            or (counts_positive and n_persons - n_positive < getvariable('min_cell_count')
                and room_negative - (n_persons - n_positive) < getvariable('protection_level'))
        )) over (partition by indicator_code, year, signature) as is_short_group
        from rooms
    ),
    twins as (
        select indicator_code, year, signature,
            arg_min(kommune_kode, (n_persons, kommune_kode)) as kommune_kode
        from grouped
        where is_short_group and signature <> '' and not is_protected and n_persons > 0
        group by all
    ),
    unpaired as (
        select g.kommune_kode, g.indicator_code, g.year
        from grouped as g
        anti join twins using (indicator_code, year, signature)
        where g.is_protected and g.is_short_group and g.signature <> ''
    ),
    unpaired_totals as (
        select
            arg_min(t.geography_level, (case t.geography_level when 'cluster' then 1
                when 'region' then 2 else 3 end, t.n_persons, t.geography_code)) as level,
            arg_min(t.geography_code, (case t.geography_level when 'cluster' then 1
                when 'region' then 2 else 3 end, t.n_persons, t.geography_code)) as code,
            u.indicator_code, u.year
        from unpaired as u
        inner join memberships as m on m.kommune_kode = u.kommune_kode
        inner join estimates as t
            on t.geography_level = m.parent_level and t.geography_code = m.parent_code
            and t.indicator_code = u.indicator_code and t.year = u.year and not t.is_protected
        group by u.kommune_kode, u.indicator_code, u.year
    ),
    hidden_total_members as (
        select t.geography_level as level, t.geography_code as code, t.indicator_code, t.year,
            g.signature
        from estimates as t
        inner join memberships as m
            on m.parent_level = t.geography_level and m.parent_code = t.geography_code
        inner join grouped as g
            on g.kommune_kode = m.kommune_kode and g.indicator_code = t.indicator_code
            and g.year = t.year
        where t.geography_level <> 'municipality' and t.is_protected and g.is_protected
    ),
    outside as (
        select h.level, h.code, h.indicator_code, h.year, g.kommune_kode, g.n_persons,
            g.is_protected
        from hidden_total_members as h
        inner join grouped as g using (indicator_code, year, signature)
        where g.n_persons > 0 and not exists (
            select 1 from memberships as m
            where m.parent_level = h.level and m.parent_code = h.code
                and m.kommune_kode = g.kommune_kode)
    ),
    exposed as (
        select distinct level, code, indicator_code, year from hidden_total_members
        except
        select level, code, indicator_code, year from outside where is_protected
    ),
    outside_twins as (
        select level, code, indicator_code, year,
            arg_min(kommune_kode, (n_persons, kommune_kode)) as kommune_kode
        from outside inner join exposed using (level, code, indicator_code, year)
        group by all
    ),
    siblings as (
        select
            x.level, arg_min(t.geography_code, (t.n_persons, t.geography_code)) as code,
            x.indicator_code, x.year
        from exposed as x
        anti join outside_twins using (level, code, indicator_code, year)
        inner join estimates as t
            on t.geography_level = x.level and t.geography_code <> x.code
            and t.indicator_code = x.indicator_code and t.year = x.year
            and not t.is_protected and t.n_persons > 0
        group by x.level, x.code, x.indicator_code, x.year
    )
    select 'municipality' as level, kommune_kode as code, indicator_code, year from twins
    union
    select 'municipality', kommune_kode, indicator_code, year from outside_twins
    union
    select level, code, indicator_code, year from unpaired_totals
    union
    select level, code, indicator_code, year from siblings
) as picked
where estimates.geography_level = picked.level and estimates.geography_code = picked.code
    and estimates.indicator_code = picked.indicator_code and estimates.year = picked.year;
-- end repeat

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
