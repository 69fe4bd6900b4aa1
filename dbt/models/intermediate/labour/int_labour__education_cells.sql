{#-
    The labour-market indicators by highest completed education: municipality × year ×
    education group, over persons aged var('education_min_age') and over in the indicator's
    population (its ages and its register variable, macros/labour_populations.sql). Register
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

    {{ labour_indicator_populations() }}

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
        on {{ in_labour_population('person_years', 'indicators') }}
    group by
        indicators.indicator_code,
        person_years.year,
        person_years.kommune_kode,
        person_years.education_group_code

)

select * from final
