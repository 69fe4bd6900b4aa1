{#-
    The labour-market indicators by highest completed education: municipality × year ×
    education group, over persons aged var('education_min_age') and over in the indicator's
    population (its ages and its register variable, macros/labour_populations.sql). Register
    counts: every person weighs 1, so Σw² equals the denominator. No person key leaves staging.
    Incremental by year (macros/incremental_by_year.sql): a new year's extract sums that year only.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=replace_years_strategy(),
    unique_key='year',
    partition_by=['year'],
    post_hook="{{ delete_vanished_years(ref('stg_labour__person_years')) }}",
) }}

with

versions as (

    {{ year_versions(ref('stg_labour__person_years')) }}

),

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
    where
        age_years >= {{ var('education_min_age') }}
        and {{ year_needs_build(ref('stg_labour__person_years')) }}

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
        ) }},
        versions.source_rows,
        versions.source_loaded_at,
        {{ dbt.current_timestamp() }} as summed_at
    from person_years
    inner join indicators
        on {{ in_labour_population('person_years', 'indicators') }}
    inner join versions
        on person_years.year = versions.year
    group by
        indicators.indicator_code,
        person_years.year,
        person_years.kommune_kode,
        person_years.education_group_code,
        versions.source_rows,
        versions.source_loaded_at

)

select * from final
