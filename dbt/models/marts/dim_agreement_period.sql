with

periods as (

    select
        period_code,
        period_name_da,
        starts_on,
        ends_on,
        overall_vision_da
    from {{ ref('agreement_periods') }}

),

final as (

    select * from periods

)

select * from final
