{#-
    Indicator sums for every geography a mart shows: municipality, cluster (today's members,
    Vejen in two), region and Denmark. Regions and Denmark are summed from municipalities
    directly - each municipality once - never by adding clusters. Every geography gets a row for
    every indicator × year Denmark has data for, with zero persons where nobody answered, so the
    marts show such a cell as "no data" instead of leaving it out. A sum over a cell the
    publisher blanked is unknown: blanked_flag says so, and the estimate is withheld.
-#}
with

cells as (

    select
        indicator_code,
        year,
        kommune_kode,
        numerator,
        denominator,
        sum_squared_weights,
        n_persons,
        n_positive,
        case when is_synthetic then 1 else 0 end as synthetic_flag,
        case when is_blanked then 1 else 0 end as blanked_flag,
        source_kind
    from {{ ref('int_indicators__cells') }}

),

municipalities as (

    select
        kommune_kode,
        region_code
    from {{ ref('municipalities') }}

),

memberships as (

    select
        cluster_code,
        kommune_kode
    from {{ ref('int_geography__cluster_membership_as_of') }}

),

located_cells as (

    select
        cells.*,
        municipalities.region_code
    from cells
    inner join municipalities
        on cells.kommune_kode = municipalities.kommune_kode

),

by_municipality as (

    select
        'municipality' as geography_level,
        kommune_kode as geography_code,
        indicator_code,
        year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(sum_squared_weights) as sum_squared_weights,
        sum(n_persons) as n_persons,
        sum(n_positive) as n_positive,
        max(synthetic_flag) as synthetic_flag,
        max(blanked_flag) as blanked_flag
    from located_cells
    group by kommune_kode, indicator_code, year

),

by_cluster as (

    select
        'cluster' as geography_level,
        memberships.cluster_code as geography_code,
        located_cells.indicator_code,
        located_cells.year,
        sum(located_cells.numerator) as numerator,
        sum(located_cells.denominator) as denominator,
        sum(located_cells.sum_squared_weights) as sum_squared_weights,
        sum(located_cells.n_persons) as n_persons,
        sum(located_cells.n_positive) as n_positive,
        max(located_cells.synthetic_flag) as synthetic_flag,
        max(located_cells.blanked_flag) as blanked_flag
    from located_cells
    inner join memberships
        on located_cells.kommune_kode = memberships.kommune_kode
    group by memberships.cluster_code, located_cells.indicator_code, located_cells.year

),

by_region as (

    select
        'region' as geography_level,
        region_code as geography_code,
        indicator_code,
        year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(sum_squared_weights) as sum_squared_weights,
        sum(n_persons) as n_persons,
        sum(n_positive) as n_positive,
        max(synthetic_flag) as synthetic_flag,
        max(blanked_flag) as blanked_flag
    from located_cells
    group by region_code, indicator_code, year

),

by_country as (

    select
        'country' as geography_level,
        '{{ var("country_code") }}' as geography_code,
        indicator_code,
        year,
        sum(numerator) as numerator,
        sum(denominator) as denominator,
        sum(sum_squared_weights) as sum_squared_weights,
        sum(n_persons) as n_persons,
        sum(n_positive) as n_positive,
        max(synthetic_flag) as synthetic_flag,
        max(blanked_flag) as blanked_flag
    from located_cells
    group by indicator_code, year

),

sums as (

    select * from by_municipality
    union all
    select * from by_cluster
    union all
    select * from by_region
    union all
    select * from by_country

),

geographies as (

    select
        geography_level,
        geography_code
    from {{ ref('int_geography__areas') }}

),

indicator_years as (

    select distinct
        indicator_code,
        year,
        source_kind
    from cells

),

final as (

    select
        geographies.geography_level,
        geographies.geography_code,
        indicator_years.indicator_code,
        indicator_years.year,
        coalesce(sums.numerator, 0) as numerator,
        coalesce(sums.denominator, 0) as denominator,
        coalesce(sums.sum_squared_weights, 0) as sum_squared_weights,
        cast(coalesce(sums.n_persons, 0) as {{ dbt.type_bigint() }}) as n_persons,
        cast(coalesce(sums.n_positive, 0) as {{ dbt.type_bigint() }}) as n_positive,
        coalesce(sums.synthetic_flag, 0) as synthetic_flag,
        coalesce(sums.blanked_flag, 0) as blanked_flag,
        indicator_years.source_kind
    from geographies
    cross join indicator_years
    left join sums
        on
            geographies.geography_level = sums.geography_level
            and geographies.geography_code = sums.geography_code
            and indicator_years.indicator_code = sums.indicator_code
            and indicator_years.year = sums.year

)

select * from final
