with

age_bands as (

    select
        age_band_code,
        age_min,
        age_max,
        age_band_label_da,
        sort_order
    from {{ ref('age_bands') }}

),

final as (

    select * from age_bands

)

select * from final
