{#-
    Which municipalities each published total adds up: today's clusters (Vejen in two), the
    regions and Denmark. One row per total × member municipality.
-#}
with

clusters as (

    select
        'cluster' as parent_level,
        cluster_code as parent_code,
        kommune_kode
    from {{ ref('int_geography__cluster_membership_as_of') }}

),

municipalities as (

    select
        kommune_kode,
        region_code
    from {{ ref('municipalities') }}

),

final as (

    select * from clusters
    union all
    select
        'region' as parent_level,
        region_code as parent_code,
        kommune_kode
    from municipalities
    union all
    select
        'country' as parent_level,
        '{{ var("country_code") }}' as parent_code,
        kommune_kode
    from municipalities

)

select * from final
