{#- What BI and the status report read for the four Syddanmark health clusters. -#}
with

estimates as (

    select * from {{ ref('int_indicator_estimates_benchmarked') }}
    where geography_level = 'cluster'

),

indicators as (

    select
        indicator_code,
        indicator_name_da,
        objective_code,
        vision_code
    from {{ ref('dim_indicator') }}

),

clusters as (

    select
        cluster_code,
        cluster_name_da
    from {{ ref('dim_cluster') }}

),

final as (

    select
        estimates.indicator_code,
        estimates.geography_code as cluster_code,
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
        clusters.cluster_name_da,
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
    inner join clusters
        on estimates.geography_code = clusters.cluster_code

)

select * from final
