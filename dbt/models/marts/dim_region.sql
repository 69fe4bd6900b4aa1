with

regions as (

    select
        region_code,
        region_name_da,
        region_name_en
    from {{ ref('regions') }}

),

final as (

    select
        region_code,
        region_name_da,
        region_name_en,
        region_code = '{{ var("region_code") }}' as is_monitored_region
    from regions

)

select * from final
