with

periods as (

    select
        period_code,
        period_name_da,
        starts_on,
        ends_on,
        overall_vision_da,
        midway_status_year,
        final_status_year
    from {{ ref('agreement_periods') }}

),

final as (

    select * from periods

)

select * from final
