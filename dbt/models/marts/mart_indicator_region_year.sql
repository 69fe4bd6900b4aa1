{#-
    The benchmarks: every Danish region and Denmark as a whole, per indicator and year, with
    their own confidence intervals. The status report draws them beside the clusters; BI uses
    them for the region-versus-country comparison the cluster mart only carries as a point value.
-#}
with

estimates as (

    select * from {{ ref('int_indicator_estimates_benchmarked') }}
    where geography_level in ('region', 'country')

),

indicators as (

    select
        indicator_code,
        indicator_name_da,
        objective_code,
        vision_code
    from {{ ref('dim_indicator') }}

),

regions as (

    select
        region_code,
        region_name_da
    from {{ ref('dim_region') }}

),

final as (

    select
        estimates.indicator_code,
        estimates.geography_level,
        estimates.geography_code,
        coalesce(regions.region_name_da, 'Hele landet') as geography_name_da,
        estimates.year,
        estimates.value,
        estimates.ci_lower,
        estimates.ci_upper,
        estimates.numerator,
        estimates.denominator,
        estimates.n_unweighted,
        estimates.value_note,
        estimates.denmark_value,
        estimates.compared_to_denmark,
        indicators.indicator_name_da,
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
    left join regions
        on
            estimates.geography_level = 'region'
            and estimates.geography_code = regions.region_code

)

select * from final
