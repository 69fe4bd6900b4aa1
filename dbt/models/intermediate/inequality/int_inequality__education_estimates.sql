{#-
    Survey and labour-register indicators by education group for today's clusters, the region
    and Denmark: the share (weighted for the survey), its Wilson interval on the design's
    effective n (municipalities as strata, macro survey_variance_terms; the raw count for
    registers), primary and complementary suppression. Every geography × indicator × year has a row for each of the six groups (zero
    respondents is "no data").

    Disclosure (docs/inequality.md): the groups of a geography add up to its residents aged
    var('education_min_age') and over, a total the published age-band cells give away. So a
    lone suppressed group (with persons) is protected by also suppressing the published group
    with the fewest persons: moving persons between the two changes no published figure.
    Across geographies one sum remains: the four clusters minus the region is Vejen (in two
    clusters), which is published nowhere by education: a cluster holding Vejen withholds the
    group first (is_shared_guard), and the rule for lone groups then runs on the result.

    A complement must hold persons: an empty group is published as "no data", a known zero that
    protects nothing. Where a geography has no published group with persons beside its lone
    withheld one (files without the education column put everyone in one group), every group
    of that geography is withheld, and the empty ones are not said to be empty. The linear
    disclosure audit checks the outcome (quality/disclosure_audit.py). The var
    education_complements (true) switches the complements and the guard off, for the test
    that shows the audit finds a leak only the cells and the groups together give away.
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

-- Vejen is in two clusters, so the four clusters' cells of a group minus the region's give
-- Vejen's own cell of that group, which is published nowhere (no municipality is published by
-- education, not even by difference). So unless a cell of that sum is withheld already, the
-- cluster holding Vejen with the fewer persons withholds the group.
shared_municipalities as (

    select kommune_kode
    from memberships
    where geography_level = 'cluster'
    group by kommune_kode
    having count(*) > 1

),

clusters_sharing as (

    select distinct memberships.geography_code as cluster_code
    from memberships
    inner join shared_municipalities
        on memberships.kommune_kode = shared_municipalities.kommune_kode
    where memberships.geography_level = 'cluster'

),

guarded as (

    select
        estimated.*,
        sum(
            case
                when
                    estimated.geography_level in ('cluster', 'region')
                    and estimated.suppression_reason is not null
                    and estimated.n_persons > 0
                    then 1
                else 0
            end
        ) over (
            partition by estimated.indicator_code, estimated.year, estimated.education_group_code
        ) as n_hidden_in_sum,
        row_number() over (
            partition by estimated.indicator_code, estimated.year, estimated.education_group_code
            order by
                case
                    when
                        clusters_sharing.cluster_code is not null
                        and estimated.suppression_reason is null
                        then 0
                    else 1
                end,
                estimated.n_persons,
                estimated.geography_code
        ) as smallest_sharing
    from estimated
    left join clusters_sharing
        on
            estimated.geography_level = 'cluster'
            and estimated.geography_code = clusters_sharing.cluster_code

),

protected as (

    select
        *,
        {{ education_complements() }}
        and n_hidden_in_sum = 0
        and smallest_sharing = 1
        and geography_level = 'cluster'
        and suppression_reason is null as is_shared_guard
    from guarded

),

-- What the rule for lone groups reads of each cell: withheld with persons behind it, or
-- published with persons (a possible complement). Empty groups are neither.
flagged as (

    select
        *,
        (suppression_reason is not null and n_persons > 0) or is_shared_guard as is_hidden,
        suppression_reason is null and n_persons > 0 and not is_shared_guard
            as is_published_with_persons
    from protected

),

-- The groups of one geography × indicator × year: how many are withheld with respondents, and
-- which published group with respondents is the smallest (the complement of a lone one).
ranked as (

    select
        *,
        sum(case when is_hidden then 1 else 0 end) over (
            partition by geography_level, geography_code, indicator_code, year
        ) as n_hidden,
        sum(case when is_published_with_persons then 1 else 0 end) over (
            partition by geography_level, geography_code, indicator_code, year
        ) as n_published_with_persons,
        row_number() over (
            partition by geography_level, geography_code, indicator_code, year
            order by
                case when is_published_with_persons then 0 else 1 end,
                n_persons,
                education_group_code
        ) as smallest_published
    from flagged

),

-- A lone withheld group is protected by the smallest published group with persons; where there
-- is none, by withholding all of the geography's groups.
withheld as (

    select
        *,
        {{ education_complements() }}
        and n_hidden = 1
        and n_published_with_persons = 0 as is_withheld_whole,
        {{ education_complements() }}
        and is_published_with_persons
        and n_hidden = 1
        and smallest_published = 1 as is_smallest_complement
    from ranked

),

final as (

    select
        withheld.geography_level,
        withheld.geography_code,
        withheld.indicator_code,
        withheld.year,
        withheld.education_group_code,
        series.series_number,
        series.is_series_break,
        withheld.is_synthetic,
        withheld.numerator,
        withheld.denominator,
        withheld.n_persons,
        withheld.n_positive,
        withheld.effective_n,
        withheld.proportion,
        {{ wilson_ci_lower('withheld.proportion', 'withheld.effective_n') }} as proportion_ci_lower,
        {{ wilson_ci_upper('withheld.proportion', 'withheld.effective_n') }} as proportion_ci_upper,
        {{ wilson_ci_lower('withheld.proportion', 'withheld.effective_n', var('ci_z_998')) }}
            as proportion_ci_lower_998,
        {{ wilson_ci_upper('withheld.proportion', 'withheld.effective_n', var('ci_z_998')) }}
            as proportion_ci_upper_998,
        sqrt(
            withheld.proportion * (1 - withheld.proportion) / nullif(withheld.effective_n, 0)
        ) as standard_error,
        -- An empty group of a geography withheld whole is not said to be empty.
        case
            when not (withheld.is_withheld_whole and withheld.n_persons = 0)
                then withheld.suppression_reason
        end as suppression_reason,
        withheld.is_shared_guard,
        withheld.is_smallest_complement
        or (withheld.is_withheld_whole and withheld.n_persons = 0) as is_secondary,
        withheld.suppression_reason is not null
        or withheld.is_shared_guard
        or withheld.is_smallest_complement
        or withheld.is_withheld_whole as is_suppressed
    from withheld
    inner join series
        on
            withheld.indicator_code = series.indicator_code
            and withheld.year = series.year

)

select * from final
