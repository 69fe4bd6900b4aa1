with

education_groups as (

    select
        education_group_code,
        education_group_name_da,
        ridit_order,
        is_ranked,
        sort_order
    from {{ ref('education_groups') }}

),

final as (

    select * from education_groups

)

select * from final
