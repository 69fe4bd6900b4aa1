{#- Municipality residents on 1 January by sex and age band, from FOLK1A's first quarter. -#}
with

population as (

    select
        area_code,
        sex_code,
        age_years,
        year,
        population_count,
        is_synthetic
    from {{ ref('stg_folk1a__population') }}
    where
        quarter = 1
        and not is_all_ages
        and not is_both_sexes

),

municipalities as (

    select kommune_kode
    from {{ ref('municipalities') }}

),

age_bands as (

    select
        age_band_code,
        age_min,
        age_max
    from {{ ref('age_bands') }}

),

-- Only the 98 municipalities: region and country rows in the delivery are totals of these, and
-- counting them as well would double the population.
final as (

    select
        population.area_code as kommune_kode,
        population.year,
        population.sex_code,
        age_bands.age_band_code,
        sum(population.population_count) as population_count,
        max(case when population.is_synthetic then 1 else 0 end) = 1 as is_synthetic
    from population
    inner join municipalities
        on population.area_code = municipalities.kommune_kode
    inner join age_bands
        on population.age_years between age_bands.age_min and age_bands.age_max
    group by
        population.area_code,
        population.year,
        population.sex_code,
        age_bands.age_band_code

)

select * from final
