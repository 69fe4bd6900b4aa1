{#-
    Disclosure control of the published cells (fct_indicator_observation), which add up to a
    municipality's published total:
    * a cell under the thresholds is withheld (primary; its reason code from
      suppression_reason());
    * all cells of a withheld municipality total are withheld, or adding them up would give the
      total back (complement_of_withheld_total);
    * in a published total, the withheld cells must leave an attacker room: for every small
      count of a withheld cell (persons, and for counts of persons also the numerator and the
      persons outside it), the other withheld cells of the total must together be able to give
      up var('protection_level') of that count (a withheld cell keeps at least one person), or
      the total's feasibility interval for it does not reach a + p. Where they cannot - a lone
      withheld cell, or withheld cells whose numerators add up to the small one alone - the
      published cells with the fewest persons are withheld too (complement), as few as give
      the room, since each holds at least the threshold of every count (docs/disclosure.md).
    One row per cell with its measures and its suppression reason code (null when published).
-#}
with

cells as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code,
        numerator,
        denominator,
        sum_squared_weights,
        n_persons,
        n_positive,
        is_synthetic,
        is_blanked
    from {{ ref('int_indicators__cells') }}

),

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

-- Indicator-years with values by education: their groups add up to the cells of persons aged
-- var('education_min_age') and over, so for each education geography the sum of its adult
-- cells is published in effect. The rule below treats a municipality's adult cells and its
-- younger cells as two published parts of its total (safe, if more than the least needed).
education_years as (

    select distinct
        indicator_code,
        year
    from {{ ref('int_labour__education_cells') }}
    union
    select distinct
        indicator_code,
        year
    from {{ ref('int_sundhedsprofilen__education_cells') }}

),

age_bands as (

    select
        age_band_code,
        age_min
    from {{ ref('age_bands') }}

),

totals as (

    select
        geography_code as kommune_kode,
        indicator_code,
        year,
        is_suppressed
    from {{ ref('int_indicators__estimates_benchmarked') }}
    where geography_level = 'municipality'

),

primary_reasons as {{ materialized_cte() }}(

    select
        cells.*,
        {{ suppression_reason(
            'cells.n_persons', 'cells.n_positive', 'indicators.statistic', 'cells.is_blanked'
        ) }} as primary_reason,
        indicators.statistic = 'register_share' as counts_positive,
        case
            when education_years.indicator_code is null then 'all'
            when age_bands.age_min >= {{ var('education_min_age') }} then 'adult'
            else 'younger'
        end as part,
        totals.is_suppressed as is_total_suppressed
    from cells
    inner join indicators
        on cells.indicator_code = indicators.indicator_code
    inner join totals
        on
            cells.kommune_kode = totals.kommune_kode
            and cells.indicator_code = totals.indicator_code
            and cells.year = totals.year
    left join education_years
        on
            cells.indicator_code = education_years.indicator_code
            and cells.year = education_years.year
    left join age_bands
        on cells.age_band_code = age_bands.age_band_code

),

-- A withheld cell with persons in a published total, and the room each of its counts gives the
-- others: persons down to one, numerator and persons outside it down to zero.
withheld as {{ materialized_cte() }}(

    select
        kommune_kode,
        indicator_code,
        year,
        part,
        counts_positive,
        n_persons - 1 as room_persons,
        n_positive as room_positive,
        n_persons - n_positive as room_negative,
        n_persons < {{ var('min_cell_count') }} as is_small_persons,
        counts_positive and n_positive < {{ var('min_cell_count') }} as is_small_positive,
        counts_positive and n_persons - n_positive < {{ var('min_cell_count') }}
            as is_small_negative
    from primary_reasons
    where
        not is_total_suppressed
        and primary_reason is not null
        and coalesce(n_persons, 0) > 0
        and not is_blanked

),

-- Per published total (or part of it): how much more room its withheld cells need for each
-- kind of count, so that every small count can move by the protection level while the total
-- stays the same.
shortfalls as {{ materialized_cte() }}(

    select
        kommune_kode,
        indicator_code,
        year,
        part,
        count(*) as n_withheld,
        {{ var('protection_level') }} - (
            sum(room_persons) - max(case when is_small_persons then room_persons end)
        ) as short_persons,
        {{ var('protection_level') }} - (
            sum(room_positive) - max(case when is_small_positive then room_positive end)
        ) as short_positive,
        {{ var('protection_level') }} - (
            sum(room_negative) - max(case when is_small_negative then room_negative end)
        ) as short_negative
    from withheld
    group by kommune_kode, indicator_code, year, part

),

-- The published cells of a short total, smallest first, with the room the smaller ones
-- already give.
{%- set smallest_cell_first -%}
    order by
        primary_reasons.n_persons,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code
{%- endset %}
{%- set in_municipality -%}
    partition by
        primary_reasons.kommune_kode, primary_reasons.indicator_code, primary_reasons.year
{%- endset %}
{%- set smallest_first = in_municipality ~ ', primary_reasons.part ' ~ smallest_cell_first %}
{%- set smaller_ones = smallest_first ~ ' rows between unbounded preceding and 1 preceding' %}
ranked as {{ materialized_cte() }}(

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        primary_reasons.part,
        shortfalls.n_withheld,
        shortfalls.short_persons,
        shortfalls.short_positive,
        shortfalls.short_negative,
        row_number() over ({{ smallest_first }}) as rank_in_total,
        coalesce(sum(primary_reasons.n_persons - 1) over ({{ smaller_ones }}), 0)
            as room_persons_before,
        coalesce(sum(primary_reasons.n_positive) over ({{ smaller_ones }}), 0)
            as room_positive_before,
        coalesce(
            sum(primary_reasons.n_persons - primary_reasons.n_positive) over ({{ smaller_ones }}), 0
        ) as room_negative_before
    from primary_reasons
    inner join shortfalls
        on
            primary_reasons.kommune_kode = shortfalls.kommune_kode
            and primary_reasons.indicator_code = shortfalls.indicator_code
            and primary_reasons.year = shortfalls.year
            and primary_reasons.part = shortfalls.part
    where primary_reasons.primary_reason is null

),

-- A lone withheld cell always gets a complement (its estimate would otherwise be given back);
-- otherwise a published cell is taken while the smaller ones leave some count short.
complements as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from ranked
    where
        (n_withheld = 1 and rank_in_total = 1)
        or room_persons_before < coalesce(short_persons, 0)
        or room_positive_before < coalesce(short_positive, 0)
        or room_negative_before < coalesce(short_negative, 0)

),

-- A short part without a published cell of its own (a municipality's two cells aged 16-24)
-- takes the smallest published cell of its municipality's other part.
stranded as (

    select
        shortfalls.kommune_kode,
        shortfalls.indicator_code,
        shortfalls.year
    from shortfalls
    left join ranked
        on
            shortfalls.kommune_kode = ranked.kommune_kode
            and shortfalls.indicator_code = ranked.indicator_code
            and shortfalls.year = ranked.year
            and shortfalls.part = ranked.part
    where
        ranked.kommune_kode is null
        and (
            shortfalls.n_withheld = 1
            or shortfalls.short_persons > 0
            or shortfalls.short_positive > 0
            or shortfalls.short_negative > 0
        )
    group by shortfalls.kommune_kode, shortfalls.indicator_code, shortfalls.year

),

fallback_complements as (

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        row_number() over ({{ in_municipality }} {{ smallest_cell_first }}) as rank_in_municipality
    from primary_reasons
    inner join stranded
        on
            primary_reasons.kommune_kode = stranded.kommune_kode
            and primary_reasons.indicator_code = stranded.indicator_code
            and primary_reasons.year = stranded.year
    where primary_reasons.primary_reason is null and not primary_reasons.is_total_suppressed

),

all_complements as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from complements
    union
    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code
    from fallback_complements
    where rank_in_municipality = 1

),

final as (

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        primary_reasons.numerator,
        primary_reasons.denominator,
        primary_reasons.sum_squared_weights,
        primary_reasons.n_persons,
        primary_reasons.is_synthetic,
        case
            when primary_reasons.primary_reason is not null then primary_reasons.primary_reason
            when primary_reasons.is_total_suppressed
                then 'complement_of_withheld_total'
            when complements.kommune_kode is not null
                then 'complement'
        end as suppression_reason
    from primary_reasons
    left join all_complements as complements
        on
            primary_reasons.kommune_kode = complements.kommune_kode
            and primary_reasons.indicator_code = complements.indicator_code
            and primary_reasons.year = complements.year
            and primary_reasons.sex_code = complements.sex_code
            and primary_reasons.age_band_code = complements.age_band_code
            and primary_reasons.school_stage_code = complements.school_stage_code

)

select * from final
