with

objectives as (

    select
        objective_code,
        vision_code,
        sort_order,
        objective_name_da,
        objective_name_en,
        follow_up
    from {{ ref('objectives') }}

),

visions as (

    select
        vision_code,
        vision_name_da
    from {{ ref('visions') }}

),

final as (

    select
        objectives.objective_code,
        objectives.vision_code,
        objectives.sort_order,
        objectives.objective_name_da,
        objectives.objective_name_en,
        objectives.follow_up,
        visions.vision_name_da
    from objectives
    inner join visions
        on objectives.vision_code = visions.vision_code

)

select * from final
