with

sexes as (

    select
        sex_code,
        sex_name_da,
        sex_name_en
    from {{ ref('sexes') }}

),

final as (

    select * from sexes

)

select * from final
