{#-
    The labour-market indicators by highest completed education: municipality × year ×
    education group, over persons aged var('education_min_age') and over in the indicator's
    population (its ages and its register variable, as in int_labour__indicator_cells). Register
    counts: every person weighs 1, so Σw² equals the denominator. No person key leaves staging.
-#}
with

person_years as (

    select
        year,
        kommune_kode,
        age_years,
        education_group_code,
        has_somatic_chronic_disease,
        has_psychiatric_diagnosis,
        is_attached_to_labour_market,
        is_synthetic
    from {{ ref('stg_labour__person_years') }}
    where age_years >= {{ var('education_min_age') }}

),

indicators as (

    select
        indicators.indicator_code,
        indicators.age_min,
        indicators.age_max,
        indicator_items.item as population_item
    from {{ ref('indicators') }} as indicators
    inner join {{ ref('indicator_items') }} as indicator_items
        on indicators.indicator_code = indicator_items.indicator_code
    where
        indicators.source_code = 'labour'
        and indicator_items.role = 'population'

),

final as (

    select
        indicators.indicator_code,
        person_years.year,
        person_years.kommune_kode,
        person_years.education_group_code,
        {{ register_cell_measures(
            'person_years.is_attached_to_labour_market', 'person_years.is_synthetic'
        ) }}
    from person_years
    inner join indicators
        on
            person_years.age_years between indicators.age_min and indicators.age_max
            and case indicators.population_item
                when 'somatic_chronic' then person_years.has_somatic_chronic_disease
                when 'psychiatric' then person_years.has_psychiatric_diagnosis
            end
    group by
        indicators.indicator_code,
        person_years.year,
        person_years.kommune_kode,
        person_years.education_group_code

)

select * from final
