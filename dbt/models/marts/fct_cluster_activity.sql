{#- One row per activity a cluster reported in its annual status survey. -#}
with

activities as (

    select
        cluster_code,
        year,
        objective_code,
        activity_title,
        status_code,
        activity_description,
        is_synthetic
    from {{ ref('stg_cluster_status__activities') }}

),

final as (

    select * from activities

)

select * from final
