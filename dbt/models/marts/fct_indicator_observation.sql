{#-
    One row per indicator × municipality × year × sex × age band × school stage: the additive measures behind
    every published share. Cells below the disclosure thresholds keep their keys but lose their
    measures (is_suppressed), so no published cell rests on fewer persons than allowed; use the
    marts, not sums of this table, for totals.
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
        is_synthetic
    from {{ ref('int_indicator_cells') }}

),

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

classified as (

    select
        cells.*,
        {{ suppression_reason('cells.n_persons', 'cells.n_positive', 'indicators.statistic') }}
            as suppression_reason
    from cells
    inner join indicators
        on cells.indicator_code = indicators.indicator_code

),

final as (

    select
        indicator_code,
        kommune_kode,
        year,
        sex_code,
        age_band_code,
        school_stage_code,
        case when suppression_reason is null then numerator end as numerator,
        case when suppression_reason is null then denominator end as denominator,
        case when suppression_reason is null then n_persons end as n_unweighted,
        case when suppression_reason is null then sum_squared_weights end
            as sum_squared_weights,
        suppression_reason is not null as is_suppressed,
        suppression_reason as value_note,
        is_synthetic
    from classified

)

select * from final
