{#-
    Progress against the agreement for every indicator × cluster and the region: the baseline
    (the first year of the agreement period, or the last measured year before it), the latest
    year, the change, and whether it is significant (two-proportion z-test on Kish's effective n
    for surveys, raw counts for registers; where a published estimate is one side, a z-test on
    the two standard errors, "not tested" without them). A change across a series break is not
    comparable; an indicator nobody has delivered is "not yet delivered".
-#}
with

estimates as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        direction,
        series_number,
        is_synthetic,
        source_kind,
        proportion,
        proportion_ci_lower,
        proportion_ci_upper,
        effective_n,
        standard_error
    from {{ ref('int_indicators__estimates') }}
    where
        not is_suppressed
        and (
            geography_level = 'cluster'
            or (geography_level = 'region' and geography_code = '{{ var("region_code") }}')
        )

),

delivered_indicators as (

    select distinct indicator_code
    from {{ ref('int_indicators__source_choice') }}

),

period as (

    select extract(year from starts_on) as first_year
    from {{ ref('agreement_periods') }}
    where period_code = '{{ var("agreement_period") }}'

),

indicators as (

    select
        indicator_code,
        objective_code,
        vision_code,
        indicator_name_da,
        direction
    from {{ ref('dim_indicator') }}

),

geographies as (

    select
        'cluster' as geography_level,
        cluster_code as geography_code
    from {{ ref('dim_cluster') }}
    union all
    select
        'region' as geography_level,
        '{{ var("region_code") }}' as geography_code

),

chosen_years as (

    select
        estimates.geography_level,
        estimates.geography_code,
        estimates.indicator_code,
        max(case when estimates.year <= period.first_year then estimates.year end)
            as baseline_year,
        max(estimates.year) as latest_year
    from estimates
    cross join period
    group by estimates.geography_level, estimates.geography_code, estimates.indicator_code

),

compared as (

    select
        chosen_years.geography_level,
        chosen_years.geography_code,
        chosen_years.indicator_code,
        chosen_years.baseline_year,
        chosen_years.latest_year,
        baseline.proportion as baseline_proportion,
        baseline.proportion_ci_lower as baseline_ci_lower,
        baseline.proportion_ci_upper as baseline_ci_upper,
        latest.proportion as latest_proportion,
        latest.proportion_ci_lower as latest_ci_lower,
        latest.proportion_ci_upper as latest_ci_upper,
        baseline.series_number <> latest.series_number as crosses_series_break,
        baseline.source_kind as baseline_source_kind,
        latest.source_kind,
        'published_estimate' in (baseline.source_kind, latest.source_kind) as is_tested_on_errors,
        case
            when 'published_estimate' in (baseline.source_kind, latest.source_kind)
                then (latest.proportion - baseline.proportion) / nullif(sqrt(
                    baseline.standard_error * baseline.standard_error
                    + latest.standard_error * latest.standard_error
                ), 0)
            else {{ two_proportion_z(
                'baseline.proportion', 'baseline.effective_n',
                'latest.proportion', 'latest.effective_n'
            ) }}
        end as z_score,
        (baseline.is_synthetic or latest.is_synthetic) as is_synthetic
    from chosen_years
    left join estimates as baseline
        on
            chosen_years.geography_level = baseline.geography_level
            and chosen_years.geography_code = baseline.geography_code
            and chosen_years.indicator_code = baseline.indicator_code
            and chosen_years.baseline_year = baseline.year
    left join estimates as latest
        on
            chosen_years.geography_level = latest.geography_level
            and chosen_years.geography_code = latest.geography_code
            and chosen_years.indicator_code = latest.indicator_code
            and chosen_years.latest_year = latest.year

),

targets as (

    select
        period_code,
        indicator_code,
        geography_level,
        geography_code,
        target_value
    from {{ ref('agreement_targets') }}

),

assessed as (

    select
        geographies.geography_level,
        geographies.geography_code,
        indicators.indicator_code,
        indicators.objective_code,
        indicators.vision_code,
        indicators.indicator_name_da,
        indicators.direction,
        compared.baseline_year,
        compared.latest_year,
        compared.baseline_proportion,
        compared.baseline_ci_lower,
        compared.baseline_ci_upper,
        compared.latest_proportion,
        compared.latest_ci_lower,
        compared.latest_ci_upper,
        compared.z_score,
        compared.is_synthetic,
        compared.baseline_source_kind,
        compared.source_kind,
        targets.period_code as target_period_code,
        targets.target_value,
        case
            when delivered_indicators.indicator_code is null then 'not yet delivered'
            when compared.baseline_year is null or compared.latest_year is null then 'no data'
            when compared.latest_year = compared.baseline_year then 'no new data'
            when compared.crosses_series_break then 'not comparable'
            when compared.is_tested_on_errors and compared.z_score is null then 'not tested'
            when compared.z_score is null or abs(compared.z_score) < {{ var('ci_z') }}
                then 'no significant change'
            when
                (indicators.direction = 'up' and compared.z_score > 0)
                or (indicators.direction = 'down' and compared.z_score < 0)
                then 'improving'
            else 'worsening'
        end as progress_status
    from geographies
    cross join indicators
    left join compared
        on
            geographies.geography_level = compared.geography_level
            and geographies.geography_code = compared.geography_code
            and indicators.indicator_code = compared.indicator_code
    left join delivered_indicators
        on indicators.indicator_code = delivered_indicators.indicator_code
    left join targets
        on
            geographies.geography_level = targets.geography_level
            and geographies.geography_code = targets.geography_code
            and indicators.indicator_code = targets.indicator_code

),

final as (

    select
        indicator_code,
        geography_level,
        geography_code,
        objective_code,
        vision_code,
        indicator_name_da,
        direction,
        baseline_year,
        {{ round_to('100 * baseline_proportion', 1) }} as baseline_value,
        {{ round_to('100 * baseline_ci_lower', 1) }} as baseline_ci_lower,
        {{ round_to('100 * baseline_ci_upper', 1) }} as baseline_ci_upper,
        latest_year,
        {{ round_to('100 * latest_proportion', 1) }} as latest_value,
        {{ round_to('100 * latest_ci_lower', 1) }} as latest_ci_lower,
        {{ round_to('100 * latest_ci_upper', 1) }} as latest_ci_upper,
        case
            when progress_status in ('improving', 'worsening', 'no significant change')
                then {{ round_to('100 * (latest_proportion - baseline_proportion)', 1) }}
        end as change_points,
        case
            when
                progress_status in ('improving', 'worsening', 'no significant change')
                and direction = 'up'
                then latest_proportion > baseline_proportion
            when progress_status in ('improving', 'worsening', 'no significant change')
                then latest_proportion < baseline_proportion
        end as is_desired_direction,
        {{ round_to('z_score', 2) }} as z_score,
        progress_status in ('improving', 'worsening') as is_significant,
        progress_status,
        target_period_code,
        target_value,
        source_kind,
        baseline_source_kind,
        coalesce(is_synthetic, false) as is_synthetic
    from assessed

)

select * from final
