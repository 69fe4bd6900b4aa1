{#- What BI reads per municipality: all 98, so national comparisons work. -#}
with

estimates as (

    select * from {{ ref('int_indicator_estimates_benchmarked') }}
    where geography_level = 'municipality'

),

indicators as (

    select
        indicator_code,
        indicator_name_da,
        objective_code,
        vision_code
    from {{ ref('dim_indicator') }}

),

municipalities as (

    select
        kommune_kode,
        kommune_name_da,
        region_code
    from {{ ref('dim_municipality') }}

),

final as (

    select
        estimates.indicator_code,
        estimates.geography_code as kommune_kode,
        estimates.year,
        estimates.value,
        estimates.ci_lower,
        estimates.ci_upper,
        estimates.numerator,
        estimates.denominator,
        estimates.n_unweighted,
        estimates.value_note,
        estimates.region_value,
        estimates.denmark_value,
        estimates.compared_to_region,
        estimates.compared_to_denmark,
        indicators.indicator_name_da,
        municipalities.kommune_name_da,
        municipalities.region_code,
        indicators.objective_code,
        indicators.vision_code,
        estimates.statistic,
        estimates.direction,
        estimates.series_number,
        estimates.is_series_break,
        estimates.is_suppressed,
        estimates.is_synthetic
    from estimates
    inner join indicators
        on estimates.indicator_code = indicators.indicator_code
    inner join municipalities
        on estimates.geography_code = municipalities.kommune_kode

)

select * from final
