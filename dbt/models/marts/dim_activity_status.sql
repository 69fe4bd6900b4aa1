with

statuses as (

    select
        status_code,
        status_name_da,
        status_name_en,
        sort_order
    from {{ ref('activity_statuses') }}

),

final as (

    select * from statuses

)

select * from final
