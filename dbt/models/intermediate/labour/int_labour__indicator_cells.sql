{#-
    The two labour-market indicators summed to municipality × year × sex × age band: among the
    persons with the disease (the denominator), those attached to the labour market. Register
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

-- The person-years counted by everything a cell and its indicators are told apart by, before any
-- join: ten register years of 3.3 M rows become some hundred thousand counts, and the joins on
-- age ranges below work on those instead of on every person.
{%- set person_year_cell = [
    'year',
    'kommune_kode',
    'sex_code',
    'age_years',
    'has_somatic_chronic_disease',
    'has_psychiatric_diagnosis',
    'is_attached_to_labour_market',
    'is_synthetic',
] %}
person_years as (

    select
        {{ person_year_cell | join(',\n        ') }},
        count(*) as persons
    from {{ ref('stg_labour__person_years') }}
    where {{ year_needs_build(ref('stg_labour__person_years')) }}
    group by
        {{ person_year_cell | join(',\n        ') }}

),

-- Each labour indicator's population (macros/labour_populations.sql).
indicators as (

    {{ labour_indicator_populations() }}

),

age_bands as (

    select
        age_band_code,
        age_min,
        age_max
    from {{ ref('age_bands') }}

),

denominators as (

    select
        indicators.indicator_code,
        person_years.year,
        person_years.kommune_kode,
        person_years.sex_code,
        person_years.age_years,
        person_years.is_attached_to_labour_market,
        person_years.is_synthetic,
        person_years.persons
    from person_years
    inner join indicators
        on {{ in_labour_population('person_years', 'indicators') }}

),

final as (

    select
        denominators.indicator_code,
        denominators.year,
        denominators.kommune_kode,
        denominators.sex_code,
        age_bands.age_band_code,
        'all' as school_stage_code,
        {{ counted_cell_measures(
            'case when denominators.is_attached_to_labour_market '
            ~ 'then denominators.persons else 0 end',
            'denominators.persons',
            'denominators.is_synthetic'
        ) }},
        versions.source_rows,
        versions.source_loaded_at,
        {{ dbt.current_timestamp() }} as summed_at
    from denominators
    inner join age_bands
        on denominators.age_years between age_bands.age_min and age_bands.age_max
    inner join versions
        on denominators.year = versions.year
    group by
        denominators.indicator_code,
        denominators.year,
        denominators.kommune_kode,
        denominators.sex_code,
        age_bands.age_band_code,
        versions.source_rows,
        versions.source_loaded_at

)

select * from final
