{#- Bridge: an indicator serves one or more of the 8 national goals (many-to-many). -#}
with

links as (

    select
        indicator_code,
        goal_number
    from {{ ref('indicator_national_goals') }}

),

final as (

    select * from links

)

select * from final
