{#-
    The survey's strata: Sundhedsprofilen draws its sample in every municipality separately, so
    a municipality × survey round is one stratum. n_h counts every respondent of the stratum,
    whatever they answered: an estimate over part of them (a sex, an age band, an education
    group, those with a valid answer) is a domain of the stratum, as R's survey package treats
    it, and its variance terms (macro survey_variance_terms) need the whole stratum's n_h. N_h,
    the municipality's population of the surveyed ages on 1 January (FOLK1A), is used only by
    the finite-population correction (var survey_finite_population_correction, off).
-#}
with

respondents as (

    select
        year,
        kommune_kode
    from {{ ref('stg_sundhedsprofilen__respondents') }}

),

age_bands as (

    select age_band_code
    from {{ ref('age_bands') }}
    where age_min >= {{ var('survey_min_age') }}

),

population as (

    select
        population.kommune_kode,
        population.year,
        sum(population.population_count) as stratum_population
    from {{ ref('int_folk1a__population_by_municipality_band') }} as population
    inner join age_bands
        on population.age_band_code = age_bands.age_band_code
    group by population.kommune_kode, population.year

),

sampled as (

    select
        year,
        kommune_kode,
        cast(count(*) as {{ dbt.type_bigint() }}) as stratum_respondents
    from respondents
    group by year, kommune_kode

),

final as (

    select
        sampled.year,
        sampled.kommune_kode,
        sampled.stratum_respondents,
        cast(population.stratum_population as {{ type_double() }}) as stratum_population
    from sampled
    left join population
        on
            sampled.kommune_kode = population.kommune_kode
            and sampled.year = population.year

)

select * from final
