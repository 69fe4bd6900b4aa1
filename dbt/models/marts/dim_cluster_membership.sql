{#-
    Bridge between clusters and municipalities (many-to-many, with validity dates): Vejen is in
    two clusters. is_current marks the memberships that define today's clusters.
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

current_memberships as (

    select
        cluster_code,
        kommune_kode
    from {{ ref('int_geography__cluster_membership_as_of') }}

),

final as (

    select
        memberships.cluster_code,
        memberships.kommune_kode,
        memberships.valid_from,
        memberships.valid_to,
        current_memberships.cluster_code is not null as is_current
    from memberships
    left join current_memberships
        on
            memberships.cluster_code = current_memberships.cluster_code
            and memberships.kommune_kode = current_memberships.kommune_kode

)

select * from final
