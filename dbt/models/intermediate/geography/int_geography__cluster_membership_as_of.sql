{#-
    Today's clusters (constant geography): the memberships valid on cluster_geography_as_of().
    Every year, including those before the clusters existed in 2022, is shown for these, as
    Sundhedsstyrelsen's cluster data packs do. Vejen (575) is in two clusters.
-#}
with

memberships as (

    select
        cluster_code,
        kommune_kode,
        valid_from,
        valid_to
    from {{ ref('cluster_municipalities') }}

),

final as (

    select
        cluster_code,
        kommune_kode
    from memberships
    where
        valid_from <= {{ cluster_geography_as_of() }}
        and (valid_to is null or valid_to > {{ cluster_geography_as_of() }})

)

select * from final
