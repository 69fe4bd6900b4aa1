with

indicators as (

    select
        indicator_code,
        objective_code,
        sort_order,
        indicator_name_da,
        indicator_name_en,
        definition_en,
        numerator_en,
        denominator_en,
        definition_da,
        numerator_da,
        denominator_da,
        unit,
        direction,
        source_code,
        statistic,
        age_min,
        age_max,
        is_supplementary,
        caveats_da,
        caveats_en
    from {{ ref('indicators') }}

),

objectives as (

    select
        objective_code,
        vision_code
    from {{ ref('objectives') }}

),

series_breaks as (

    select
        indicator_code,
        min(first_year_of_new_series) as first_series_break_year
    from {{ ref('indicator_series_breaks') }}
    group by indicator_code

),

final as (

    select
        indicators.indicator_code,
        indicators.objective_code,
        objectives.vision_code,
        indicators.sort_order,
        indicators.indicator_name_da,
        indicators.indicator_name_en,
        indicators.definition_en,
        indicators.numerator_en,
        indicators.denominator_en,
        indicators.definition_da,
        indicators.numerator_da,
        indicators.denominator_da,
        indicators.unit,
        indicators.direction,
        indicators.source_code,
        indicators.statistic,
        indicators.age_min,
        indicators.age_max,
        indicators.is_supplementary,
        indicators.caveats_da,
        indicators.caveats_en,
        series_breaks.first_series_break_year
    from indicators
    inner join objectives
        on indicators.objective_code = objectives.objective_code
    left join series_breaks
        on indicators.indicator_code = series_breaks.indicator_code

)

select * from final
