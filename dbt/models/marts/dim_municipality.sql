with

municipalities as (

    select
        kommune_kode,
        kommune_name_da,
        region_code
    from {{ ref('municipalities') }}

),

regions as (

    select
        region_code,
        region_name_da
    from {{ ref('regions') }}

),

memberships as (

    select
        kommune_kode,
        count(*) as cluster_count
    from {{ ref('int_geography__cluster_membership_as_of') }}
    group by kommune_kode

),

final as (

    select
        municipalities.kommune_kode,
        municipalities.kommune_name_da,
        municipalities.region_code,
        regions.region_name_da,
        municipalities.region_code = '{{ var("region_code") }}' as is_monitored_region,
        coalesce(memberships.cluster_count, 0) as cluster_count
    from municipalities
    inner join regions
        on municipalities.region_code = regions.region_code
    left join memberships
        on municipalities.kommune_kode = memberships.kommune_kode

)

select * from final
