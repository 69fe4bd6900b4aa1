{#-
    Every geography a mart shows, one row each: the 98 municipalities, the clusters, the five
    regions and Denmark, with the region a geography lies in (none for Denmark). Marts show a
    row for every one of them, with a note where there is no value.
-#}
with

municipalities as (

    select
        'municipality' as geography_level,
        kommune_kode as geography_code,
        region_code
    from {{ ref('municipalities') }}

),

clusters as (

    select
        'cluster' as geography_level,
        cluster_code as geography_code,
        region_code
    from {{ ref('clusters') }}

),

regions as (

    select
        'region' as geography_level,
        region_code as geography_code,
        region_code
    from {{ ref('regions') }}

),

final as (

    select * from municipalities
    union all
    select * from clusters
    union all
    select * from regions
    union all
    select
        'country' as geography_level,
        '{{ var("country_code") }}' as geography_code,
        cast(null as {{ dbt.type_string() }}) as region_code

)

select * from final
