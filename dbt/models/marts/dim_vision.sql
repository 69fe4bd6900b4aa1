with

visions as (

    select
        vision_code,
        sort_order,
        vision_name_da,
        vision_name_en
    from {{ ref('visions') }}

),

final as (

    select * from visions

)

select * from final
