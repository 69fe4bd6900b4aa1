{#-
    The age band an aggregated or cohort indicator is filed under: the band holding the
    indicator's youngest age (pupils 6-15 → 00-15, 25-year-olds → 25-34). Person-level sources
    with an age per row (survey, labour) use the person's own band instead.
-#}
with

indicators as (

    select
        indicator_code,
        source_code,
        age_min
    from {{ ref('indicators') }}

),

age_bands as (

    select
        age_band_code,
        age_min,
        age_max
    from {{ ref('age_bands') }}

),

final as (

    select
        indicators.indicator_code,
        indicators.source_code,
        age_bands.age_band_code
    from indicators
    inner join age_bands
        on indicators.age_min between age_bands.age_min and age_bands.age_max

)

select * from final
