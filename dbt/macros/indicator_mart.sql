{#-
    The body of the three indicator marts (per cluster, per region and Denmark, per
    municipality), which differ only in their geography: which levels they show, the dimension
    that names them and the columns that carry the key and the name. Everything else - the
    estimate, its interval, counts, notes, comparisons and flags, in one column order - is
    written once, here.
      geography_levels: the geography_level values of int_indicators__estimates_benchmarked shown
      geography_model, geography_columns: the dimension joined for names, and what it gives
      key_columns: the geography key columns, after indicator_code
      name_columns: the geography name columns after indicator_name_da (may be empty)
      geography_join: "inner" when every row has its geography in the dimension, else "left"
      geography_on: the join condition between estimates and geographies
      region_comparison: whether region_value and compared_to_region are columns (not for the
        region mart, where the region is the row itself)
      funnel: whether the funnel limits around the region's value are columns (municipalities)
-#}
{% macro indicator_mart(
    geography_levels,
    geography_model,
    geography_columns,
    key_columns,
    name_columns,
    geography_on,
    geography_join='inner',
    region_comparison=true,
    funnel=false
) %}
with

estimates as (

    select * from {{ ref('int_indicators__estimates_benchmarked') }}
    where geography_level in ('{{ geography_levels | join("', '") }}')

),

trends as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        recent_trend
    from {{ ref('int_indicators__recent_trends') }}

),

indicators as (

    select
        indicator_code,
        indicator_name_da,
        objective_code,
        vision_code
    from {{ ref('dim_indicator') }}

),

geographies as (

    select
        {{ geography_columns | join(',\n        ') }}
    from {{ ref(geography_model) }}

),

final as (

    select
        estimates.indicator_code,
        {{ key_columns | join(',\n        ') }},
        estimates.year,
        estimates.value,
        estimates.ci_lower,
        estimates.ci_upper,
        estimates.numerator,
        estimates.denominator,
        estimates.n_unweighted,
        estimates.value_note,
        estimates.suppression_code,
        {%- if region_comparison %}
        estimates.region_value,
        {%- endif %}
        estimates.denmark_value,
        {%- if region_comparison %}
        estimates.compared_to_region,
        {%- endif %}
        estimates.compared_to_denmark,
        {%- if region_comparison %}
        estimates.compared_to_region_998,
        {%- endif %}
        estimates.compared_to_denmark_998,
        trends.recent_trend,
        {%- if funnel %}
        {{ round_to('estimates.shown_effective_n', 0) }} as effective_n,
        estimates.funnel_lower_95,
        estimates.funnel_upper_95,
        estimates.funnel_lower_998,
        estimates.funnel_upper_998,
        estimates.funnel_position,
        {%- endif %}
        indicators.indicator_name_da,
        {%- for column in name_columns %}
        {{ column }},
        {%- endfor %}
        indicators.objective_code,
        indicators.vision_code,
        estimates.statistic,
        estimates.direction,
        estimates.series_number,
        estimates.is_series_break,
        estimates.is_suppressed,
        estimates.is_synthetic,
        estimates.source_kind
    from estimates
    inner join trends
        on
            estimates.geography_level = trends.geography_level
            and estimates.geography_code = trends.geography_code
            and estimates.indicator_code = trends.indicator_code
            and estimates.year = trends.year
    inner join indicators
        on estimates.indicator_code = indicators.indicator_code
    {{ geography_join }} join geographies
        on {{ geography_on }}

)

select * from final
{% endmacro %}
