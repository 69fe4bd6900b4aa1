with

stages as (

    select
        school_stage_code,
        school_stage_name_da,
        grades,
        sort_order
    from {{ ref('school_stages') }}

),

final as (

    select * from stages

)

select * from final
