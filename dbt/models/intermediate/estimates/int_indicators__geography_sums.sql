{#-
    Indicator sums for every geography a mart shows: municipality, cluster (today's members,
    Vejen in two), region and Denmark. Regions and Denmark are summed from municipalities
    directly - each municipality once - never by adding clusters. Every geography gets a row for
    every indicator × year Denmark has data for, with zero persons where nobody answered, so the
    marts show such a cell as "no data" instead of leaving it out. A sum over a cell the
    publisher blanked is unknown: blanked_flag says so, and the estimate is withheld.
    A survey sum also carries its design-based variance terms: formed per municipality (one
    stratum) from the municipality's sums, then added up like any other measure (macro
    survey_variance_terms).
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
        sum_squared_weights_positive,
        stratum_respondents,
        stratum_population,
        n_persons,
        n_positive,
        case when is_synthetic then 1 else 0 end as synthetic_flag,
        case when is_blanked then 1 else 0 end as blanked_flag,
        source_kind
    from {{ ref('int_indicators__cells') }}

),

-- Which municipalities each cluster, region and Denmark adds up, written once.
memberships as (

    select
        parent_level,
        parent_code,
        kommune_kode
    from {{ ref('int_geography__memberships') }}

),

municipality_sums as (

    select
        kommune_kode,
        indicator_code,
        year,
        {{ exact_sum('numerator') }} as numerator,
        {{ exact_sum('denominator') }} as denominator,
        {{ exact_sum('sum_squared_weights') }} as sum_squared_weights,
        {{ exact_sum('sum_squared_weights_positive') }} as sum_squared_weights_positive,
        max(stratum_respondents) as stratum_respondents,
        max(stratum_population) as stratum_population,
        sum(n_persons) as n_persons,
        sum(n_positive) as n_positive,
        max(synthetic_flag) as synthetic_flag,
        max(blanked_flag) as blanked_flag
    from cells
    group by kommune_kode, indicator_code, year

),

by_municipality as (

    select
        'municipality' as geography_level,
        kommune_kode as geography_code,
        indicator_code,
        year,
        numerator,
        denominator,
        sum_squared_weights,
        {{ survey_variance_terms(
            'numerator', 'denominator', 'sum_squared_weights_positive', 'sum_squared_weights',
            'stratum_respondents', 'stratum_population'
        ) }},
        n_persons,
        n_positive,
        synthetic_flag,
        blanked_flag,
        kommune_kode
    from municipality_sums

),

by_total as (

    select
        memberships.parent_level as geography_level,
        memberships.parent_code as geography_code,
        by_municipality.indicator_code,
        by_municipality.year,
        {{ exact_sum('by_municipality.numerator') }} as numerator,
        {{ exact_sum('by_municipality.denominator') }} as denominator,
        {{ exact_sum('by_municipality.sum_squared_weights') }} as sum_squared_weights,
        {{ summed_variance_terms('by_municipality') }},
        sum(by_municipality.n_persons) as n_persons,
        sum(by_municipality.n_positive) as n_positive,
        max(by_municipality.synthetic_flag) as synthetic_flag,
        max(by_municipality.blanked_flag) as blanked_flag
    from by_municipality
    inner join memberships
        on by_municipality.kommune_kode = memberships.kommune_kode
    group by
        memberships.parent_level,
        memberships.parent_code,
        by_municipality.indicator_code,
        by_municipality.year

),

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        numerator,
        denominator,
        sum_squared_weights,
        variance_term_0,
        variance_term_1,
        variance_term_2,
        n_persons,
        n_positive,
        synthetic_flag,
        blanked_flag
    from by_municipality
    union all
    select * from by_total

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
        {{ filled_variance_terms('sums') }},
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
