with

clusters as (

    select
        cluster_code,
        cluster_name_da,
        acute_hospital,
        region_code,
        established_on
    from {{ ref('clusters') }}

),

final as (

    select * from clusters

)

select * from final
