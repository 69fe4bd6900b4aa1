with

goals as (

    select
        goal_number,
        goal_name_da,
        goal_name_en
    from {{ ref('national_goals') }}

),

final as (

    select * from goals

)

select * from final
