{#-
    Survey and labour-register indicators by education group for today's clusters, the region
    and Denmark: the share (weighted for the survey), its Wilson interval on the design's
    effective n (municipalities as strata, macro survey_variance_terms; the raw count for
    registers), and the primary rule (macro suppression_reason). Every geography × indicator ×
    year has a row for each of the six groups (zero respondents is "no data").

    Complements are not chosen here: the groups of a geography add up to its residents aged
    var('education_min_age') and over, which the published age-band cells give away, and the
    four clusters minus the region give the municipality in two of them, so the values by
    education, the cells and the totals are one system for an attacker. The disclosure engine
    decides them all together (int_disclosure__values describes these rows to it), and
    int_inequality__education_protected applies its decisions.
-#}
with

cells as (

    {%- for cells in ['int_sundhedsprofilen__education_cells', 'int_labour__education_cells'] %}
    select
        indicator_code,
        year,
        kommune_kode,
        education_group_code,
        numerator,
        denominator,
        sum_squared_weights,
        {%- if cells == 'int_sundhedsprofilen__education_cells' %}
        sum_squared_weights_positive,
        stratum_respondents,
        stratum_population,
        {%- else %}
        cast(null as {{ type_double() }}) as sum_squared_weights_positive,
        cast(null as {{ dbt.type_bigint() }}) as stratum_respondents,
        cast(null as {{ type_double() }}) as stratum_population,
        {%- endif %}
        n_persons,
        n_positive,
        case when is_synthetic then 1 else 0 end as synthetic_flag
    from {{ ref(cells) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

-- A group within one municipality is a domain of one survey stratum: its variance terms.
municipality_cells as (

    select
        indicator_code,
        year,
        kommune_kode,
        education_group_code,
        numerator,
        denominator,
        sum_squared_weights,
        {{ survey_variance_terms(
            'numerator', 'denominator', 'sum_squared_weights_positive', 'sum_squared_weights',
            'stratum_respondents', 'stratum_population'
        ) }},
        n_persons,
        n_positive,
        synthetic_flag
    from cells

),

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

-- The totals with values by education: today's clusters, the region and Denmark, from the
-- memberships every model adds up by.
memberships as (

    select
        parent_level as geography_level,
        parent_code as geography_code,
        kommune_kode
    from {{ ref('int_geography__memberships') }}
    where parent_level <> 'region' or parent_code = '{{ var("region_code") }}'

),

by_geography as (

    select
        memberships.geography_level,
        memberships.geography_code,
        municipality_cells.*
    from municipality_cells
    inner join memberships
        on municipality_cells.kommune_kode = memberships.kommune_kode

),

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        education_group_code,
        {{ exact_sum('numerator') }} as numerator,
        {{ exact_sum('denominator') }} as denominator,
        {{ exact_sum('sum_squared_weights') }} as sum_squared_weights,
        {{ summed_variance_terms() }},
        sum(n_persons) as n_persons,
        sum(n_positive) as n_positive,
        max(synthetic_flag) as synthetic_flag
    from by_geography
    group by
        geography_level,
        geography_code,
        indicator_code,
        year,
        education_group_code

),

geographies as (

    select distinct
        geography_level,
        geography_code
    from memberships

),

indicator_years as (

    select distinct
        indicator_code,
        year
    from cells

),

education_groups as (

    select education_group_code
    from {{ ref('education_groups') }}

),

-- The series of each indicator-year, as the indicator marts have it.
series as (

    select distinct
        indicator_code,
        year,
        series_number,
        is_series_break
    from {{ ref('int_indicators__estimates') }}
    where geography_level = 'country'

),

filled as (

    select
        geographies.geography_level,
        geographies.geography_code,
        indicator_years.indicator_code,
        indicator_years.year,
        education_groups.education_group_code,
        coalesce(sums.numerator, 0) as numerator,
        coalesce(sums.denominator, 0) as denominator,
        coalesce(sums.sum_squared_weights, 0) as sum_squared_weights,
        {{ filled_variance_terms('sums') }},
        cast(coalesce(sums.n_persons, 0) as {{ dbt.type_bigint() }}) as n_persons,
        cast(coalesce(sums.n_positive, 0) as {{ dbt.type_bigint() }}) as n_positive,
        coalesce(sums.synthetic_flag, 0) = 1 as is_synthetic
    from geographies
    cross join indicator_years
    cross join education_groups
    left join sums
        on
            geographies.geography_level = sums.geography_level
            and geographies.geography_code = sums.geography_code
            and indicator_years.indicator_code = sums.indicator_code
            and indicator_years.year = sums.year
            and education_groups.education_group_code = sums.education_group_code

),

shares as (

    select
        filled.*,
        indicators.statistic,
        filled.numerator / nullif(filled.denominator, 0) as proportion
    from filled
    inner join indicators
        on filled.indicator_code = indicators.indicator_code

),

estimated as (

    select
        shares.*,
        case
            when shares.statistic = 'survey_share'
                then {{ survey_effective_n(
                    'shares.proportion',
                    survey_design_variance(
                        'shares.proportion', 'shares.denominator', 'shares.variance_term_0',
                        'shares.variance_term_1', 'shares.variance_term_2'
                    ),
                    'shares.denominator',
                    'shares.sum_squared_weights'
                ) }}
            else shares.denominator
        end as effective_n,
        {{ suppression_reason('shares.n_persons', 'shares.n_positive', 'shares.statistic') }}
            as suppression_reason
    from shares

),

final as (

    select
        estimated.geography_level,
        estimated.geography_code,
        estimated.indicator_code,
        estimated.year,
        estimated.education_group_code,
        series.series_number,
        series.is_series_break,
        estimated.is_synthetic,
        estimated.numerator,
        estimated.denominator,
        estimated.n_persons,
        estimated.n_positive,
        estimated.effective_n,
        estimated.proportion,
        {{ wilson_ci_lower('estimated.proportion', 'estimated.effective_n') }}
            as proportion_ci_lower,
        {{ wilson_ci_upper('estimated.proportion', 'estimated.effective_n') }}
            as proportion_ci_upper,
        {{ wilson_ci_lower('estimated.proportion', 'estimated.effective_n', var('ci_z_998')) }}
            as proportion_ci_lower_998,
        {{ wilson_ci_upper('estimated.proportion', 'estimated.effective_n', var('ci_z_998')) }}
            as proportion_ci_upper_998,
        sqrt(
            estimated.proportion * (1 - estimated.proportion) / nullif(estimated.effective_n, 0)
        ) as standard_error,
        estimated.suppression_reason,
        estimated.suppression_reason is not null as is_suppressed
    from estimated
    inner join series
        on
            estimated.indicator_code = series.indicator_code
            and estimated.year = series.year

)

select * from final
