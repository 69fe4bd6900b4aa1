{#-
    Recovery by subtraction: no published total may have exactly one suppressed part with
    persons in it - neither a cluster, region or Denmark over its municipalities, nor a
    municipality over its published cells.
-#}
with

municipalities as (

    select
        geography_code as kommune_kode,
        indicator_code,
        year,
        is_suppressed and n_persons > 0 as is_hidden
    from {{ ref('int_indicator_estimates_benchmarked') }}
    where geography_level = 'municipality'

),

memberships as (

    select
        parent_level,
        parent_code,
        kommune_kode
    from {{ ref('int_geography_memberships') }}

),

published_totals as (

    select
        geography_level as parent_level,
        geography_code as parent_code,
        indicator_code,
        year
    from {{ ref('int_indicator_estimates_benchmarked') }}
    where geography_level in ('cluster', 'region', 'country') and not is_suppressed

),

exposed_geographies as (

    select
        published_totals.parent_level,
        published_totals.parent_code,
        published_totals.indicator_code,
        published_totals.year
    from published_totals
    inner join memberships
        on
            published_totals.parent_level = memberships.parent_level
            and published_totals.parent_code = memberships.parent_code
    inner join municipalities
        on
            memberships.kommune_kode = municipalities.kommune_kode
            and published_totals.indicator_code = municipalities.indicator_code
            and published_totals.year = municipalities.year
    group by
        published_totals.parent_level,
        published_totals.parent_code,
        published_totals.indicator_code,
        published_totals.year
    having sum(case when municipalities.is_hidden then 1 else 0 end) = 1

),

cells as (

    select
        kommune_kode,
        indicator_code,
        year,
        suppression_reason is not null and n_persons > 0 as is_hidden
    from {{ ref('int_observation_suppression') }}

),

exposed_municipalities as (

    select
        'municipality' as parent_level,
        cells.kommune_kode as parent_code,
        cells.indicator_code,
        cells.year
    from cells
    inner join municipalities
        on
            cells.kommune_kode = municipalities.kommune_kode
            and cells.indicator_code = municipalities.indicator_code
            and cells.year = municipalities.year
    where not municipalities.is_hidden
    group by cells.kommune_kode, cells.indicator_code, cells.year
    having sum(case when cells.is_hidden then 1 else 0 end) = 1

)

select * from exposed_geographies
union all
select * from exposed_municipalities
