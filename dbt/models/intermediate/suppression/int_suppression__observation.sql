{#-
    Disclosure control of the published cells (fct_indicator_observation), which add up to a
    municipality's published total:
    * a cell under the thresholds is suppressed (primary);
    * all cells of a suppressed municipality total are suppressed, or adding them up would give
      the total back;
    * in a published total with exactly one suppressed cell that has persons, the published cell
      with the fewest persons is suppressed too, so subtraction reveals nothing.
    One row per cell with its measures and its suppression reason (null when published).
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
        totals.is_suppressed as is_total_suppressed
    from cells
    inner join indicators
        on cells.indicator_code = indicators.indicator_code
    inner join totals
        on
            cells.kommune_kode = totals.kommune_kode
            and cells.indicator_code = totals.indicator_code
            and cells.year = totals.year

),

exposed_totals as {{ materialized_cte() }}(

    select
        kommune_kode,
        indicator_code,
        year
    from primary_reasons
    where not is_total_suppressed
    group by kommune_kode, indicator_code, year
    having sum(case when primary_reason is not null and n_persons > 0 then 1 else 0 end) = 1

),

ranked as {{ materialized_cte() }}(

    select
        primary_reasons.indicator_code,
        primary_reasons.year,
        primary_reasons.kommune_kode,
        primary_reasons.sex_code,
        primary_reasons.age_band_code,
        primary_reasons.school_stage_code,
        row_number() over (
            partition by
                primary_reasons.kommune_kode, primary_reasons.indicator_code, primary_reasons.year
            order by
                primary_reasons.n_persons,
                primary_reasons.sex_code,
                primary_reasons.age_band_code,
                primary_reasons.school_stage_code
        ) as rank_in_total
    from primary_reasons
    inner join exposed_totals
        on
            primary_reasons.kommune_kode = exposed_totals.kommune_kode
            and primary_reasons.indicator_code = exposed_totals.indicator_code
            and primary_reasons.year = exposed_totals.year
    where primary_reasons.primary_reason is null

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
                then 'suppressed: the municipality total is suppressed'
            when ranked.rank_in_total = 1
                then 'suppressed: protects a suppressed cell in the same total'
        end as suppression_reason
    from primary_reasons
    left join ranked
        on
            primary_reasons.kommune_kode = ranked.kommune_kode
            and primary_reasons.indicator_code = ranked.indicator_code
            and primary_reasons.year = ranked.year
            and primary_reasons.sex_code = ranked.sex_code
            and primary_reasons.age_band_code = ranked.age_band_code
            and primary_reasons.school_stage_code = ranked.school_stage_code

)

select * from final
