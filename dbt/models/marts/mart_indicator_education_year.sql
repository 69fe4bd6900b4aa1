{#-
    The survey and labour-market indicators by highest completed education, for respondents
    and persons aged var('education_min_age') and over: per indicator × geography (today's clusters, the region,
    Denmark) × year × education group, the weighted share with its Wilson interval on Kish's
    effective n, numerator, denominator, the value note and the flags of the indicator marts.
    under_uddannelse and ukendt are shown but not ranked (is_ranked); the inequality measures in
    mart_inequality_year use the four ranked groups. A suppressed row publishes no value, interval
    or count, and neither does the group suppressed beside it to protect it.
-#}
with

estimates as (

    select
        *,
        {{ published_suppression_code('suppression_reason') }} as suppression_code
    from {{ ref('int_inequality__education_protected') }}

),

indicators as (

    select
        indicator_code,
        indicator_name_da,
        objective_code,
        vision_code,
        statistic,
        direction
    from {{ ref('dim_indicator') }}

),

education_groups as (

    select
        education_group_code,
        education_group_name_da,
        ridit_order,
        is_ranked
    from {{ ref('dim_education_group') }}

),

clusters as (

    select
        cluster_code,
        cluster_name_da
    from {{ ref('dim_cluster') }}

),

regions as (

    select
        region_code,
        region_name_da
    from {{ ref('dim_region') }}

),

-- The region's and Denmark's value of the same group, where published: the benchmarks a
-- cluster (and the region) is compared with, as in the indicator marts.
benchmarks as (

    select
        geography_level,
        indicator_code,
        year,
        education_group_code,
        case when not is_suppressed then proportion end as shown_proportion
    from estimates
    where geography_level in ('region', 'country')

),

noted as (

    select
        estimates.*,
        case when not estimates.is_suppressed then estimates.proportion end as shown_proportion,
        case when not estimates.is_suppressed then estimates.proportion_ci_lower end
            as shown_ci_lower,
        case when not estimates.is_suppressed then estimates.proportion_ci_upper end
            as shown_ci_upper,
        case when not estimates.is_suppressed then estimates.proportion_ci_lower_998 end
            as shown_ci_lower_998,
        case when not estimates.is_suppressed then estimates.proportion_ci_upper_998 end
            as shown_ci_upper_998,
        region.shown_proportion as region_proportion,
        country.shown_proportion as country_proportion,
        {{ join_notes([
            "case when estimates.is_synthetic then 'synthetic data' end",
            suppression_note("estimates.suppression_code"),
            "case when estimates.is_series_break"
            ~ " then 'new series: not comparable with earlier years' end",
        ]) }} as value_note
    from estimates
    left join benchmarks as region
        on
            region.geography_level = 'region'
            and estimates.indicator_code = region.indicator_code
            and estimates.year = region.year
            and estimates.education_group_code = region.education_group_code
    left join benchmarks as country
        on
            country.geography_level = 'country'
            and estimates.indicator_code = country.indicator_code
            and estimates.year = country.year
            and estimates.education_group_code = country.education_group_code

),

final as (

    select
        noted.indicator_code,
        noted.geography_level,
        noted.geography_code,
        coalesce(clusters.cluster_name_da, regions.region_name_da, 'Hele landet')
            as geography_name_da,
        noted.year,
        noted.education_group_code as education_group,
        education_groups.education_group_name_da,
        education_groups.ridit_order,
        education_groups.is_ranked,
        case when not noted.is_suppressed then {{ round_to('100 * noted.proportion', 1) }} end
            as value,
        case
            when not noted.is_suppressed
                then {{ round_to('100 * noted.proportion_ci_lower', 1) }}
        end as ci_lower,
        case
            when not noted.is_suppressed
                then {{ round_to('100 * noted.proportion_ci_upper', 1) }}
        end as ci_upper,
        case when not noted.is_suppressed then {{ round_to('noted.numerator', 0) }} end
            as numerator,
        case when not noted.is_suppressed then {{ round_to('noted.denominator', 0) }} end
            as denominator,
        case when not noted.is_suppressed then noted.n_persons end as n_unweighted,
        noted.value_note,
        noted.suppression_code,
        case
            when noted.geography_level = 'cluster'
                then {{ round_to('100 * noted.region_proportion', 1) }}
        end as region_value,
        case
            when noted.geography_level <> 'country'
                then {{ round_to('100 * noted.country_proportion', 1) }}
        end as denmark_value,
        case when noted.geography_level = 'cluster' then {{ compare_to_benchmark(
            'noted.shown_ci_lower', 'noted.shown_ci_upper', 'noted.shown_proportion',
            'noted.region_proportion', 'indicators.direction'
        ) }} end as compared_to_region,
        case when noted.geography_level <> 'country' then {{ compare_to_benchmark(
            'noted.shown_ci_lower', 'noted.shown_ci_upper', 'noted.shown_proportion',
            'noted.country_proportion', 'indicators.direction'
        ) }} end as compared_to_denmark,
        case when noted.geography_level = 'cluster' then {{ compare_to_benchmark(
            'noted.shown_ci_lower_998', 'noted.shown_ci_upper_998', 'noted.shown_proportion',
            'noted.region_proportion', 'indicators.direction'
        ) }} end as compared_to_region_998,
        case when noted.geography_level <> 'country' then {{ compare_to_benchmark(
            'noted.shown_ci_lower_998', 'noted.shown_ci_upper_998', 'noted.shown_proportion',
            'noted.country_proportion', 'indicators.direction'
        ) }} end as compared_to_denmark_998,
        indicators.indicator_name_da,
        indicators.objective_code,
        indicators.vision_code,
        indicators.statistic,
        indicators.direction,
        noted.series_number,
        noted.is_series_break,
        noted.is_suppressed,
        noted.is_synthetic,
        'microdata' as source_kind
    from noted
    inner join indicators
        on noted.indicator_code = indicators.indicator_code
    inner join education_groups
        on noted.education_group_code = education_groups.education_group_code
    left join clusters
        on noted.geography_level = 'cluster' and noted.geography_code = clusters.cluster_code
    left join regions
        on noted.geography_level = 'region' and noted.geography_code = regions.region_code

)

select * from final
