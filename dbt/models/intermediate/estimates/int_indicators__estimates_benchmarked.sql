{#-
    Every estimate with the values a mart publishes: percentages rounded for display (null when
    suppressed, primarily or to protect another cell) and the comparison with its region and
    with Denmark, made on the unrounded figures ("similar" when the benchmark lies inside the
    row's 95% interval, "not compared" when the row has no interval), and again at 99.8% as
    Fingertips does. A municipality also gets the funnel limits around its region's value at
    its size (PHEindicatormethods' method for proportions, macro funnel_limit; the design's
    effective n for a survey share) and where it lies in them - only where its value is
    published, since the limits are a function of its size.
-#}

with

primary_estimates as (

    select * from {{ ref('int_indicators__estimates') }}

),

-- The totals the disclosure engine withheld to protect another (int_disclosure__decisions).
secondary as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year
    from {{ ref('int_disclosure__decisions') }}
    where value_kind = 'total' and is_complement

),

estimates as (

    select
        primary_estimates.geography_level,
        primary_estimates.geography_code,
        primary_estimates.indicator_code,
        primary_estimates.year,
        primary_estimates.statistic,
        primary_estimates.direction,
        primary_estimates.series_number,
        primary_estimates.is_series_break,
        primary_estimates.is_synthetic,
        primary_estimates.source_kind,
        primary_estimates.numerator,
        primary_estimates.denominator,
        primary_estimates.n_persons,
        primary_estimates.proportion,
        primary_estimates.proportion_ci_lower,
        primary_estimates.proportion_ci_upper,
        primary_estimates.proportion_ci_lower_998,
        primary_estimates.proportion_ci_upper_998,
        primary_estimates.effective_n,
        primary_estimates.standard_error,
        primary_estimates.is_suppressed or secondary.geography_code is not null as is_suppressed,
        coalesce(
            primary_estimates.suppression_reason,
            case when secondary.geography_code is not null then 'complement' end
        ) as suppression_reason,
        -- A complement is published with the one note of disclosure control.
        case
            when secondary.geography_code is null or primary_estimates.is_suppressed
                then primary_estimates.value_note
            else {{ join_notes([
                "primary_estimates.value_note", suppression_note("'complement'")
            ]) }}
        end as value_note
    from primary_estimates
    left join secondary
        on
            primary_estimates.geography_level = secondary.geography_level
            and primary_estimates.geography_code = secondary.geography_code
            and primary_estimates.indicator_code = secondary.indicator_code
            and primary_estimates.year = secondary.year

),

geography_regions as (

    select
        geography_level,
        geography_code,
        region_code
    from {{ ref('int_geography__areas') }}

),

benchmarks as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        case when not is_suppressed then proportion end as benchmark_proportion
    from estimates
    where geography_level in ('region', 'country')

),

published as (

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
        region_benchmarks.benchmark_proportion as region_proportion,
        country_benchmarks.benchmark_proportion as country_proportion
    from estimates
    left join geography_regions
        on
            estimates.geography_level = geography_regions.geography_level
            and estimates.geography_code = geography_regions.geography_code
    left join benchmarks as region_benchmarks
        on
            region_benchmarks.geography_level = 'region'
            and geography_regions.region_code = region_benchmarks.geography_code
            and estimates.indicator_code = region_benchmarks.indicator_code
            and estimates.year = region_benchmarks.year
    left join benchmarks as country_benchmarks
        on
            country_benchmarks.geography_level = 'country'
            and estimates.indicator_code = country_benchmarks.indicator_code
            and estimates.year = country_benchmarks.year

),

funnels as (

    select
        *,
        case
            when geography_level = 'municipality' and shown_proportion is not null
                then {{ funnel_limit('region_proportion', 'effective_n', var('ci_z'), 'low') }}
        end as funnel_lower_95,
        case
            when geography_level = 'municipality' and shown_proportion is not null
                then {{ funnel_limit('region_proportion', 'effective_n', var('ci_z'), 'high') }}
        end as funnel_upper_95,
        case
            when geography_level = 'municipality' and shown_proportion is not null
                then {{ funnel_limit('region_proportion', 'effective_n', var('ci_z_998'), 'low') }}
        end as funnel_lower_998,
        case
            when geography_level = 'municipality' and shown_proportion is not null
                then {{ funnel_limit('region_proportion', 'effective_n', var('ci_z_998'), 'high') }}
        end as funnel_upper_998
    from published

),

final as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        statistic,
        direction,
        series_number,
        is_series_break,
        is_synthetic,
        source_kind,
        is_suppressed,
        suppression_reason,
        {{ published_suppression_code('suppression_reason') }} as suppression_code,
        n_persons,
        {{ round_to('100 * shown_proportion', 1) }} as value,
        {{ round_to('100 * shown_ci_lower', 1) }} as ci_lower,
        {{ round_to('100 * shown_ci_upper', 1) }} as ci_upper,
        case when not is_suppressed then {{ round_to('numerator', 0) }} end as numerator,
        case when not is_suppressed then {{ round_to('denominator', 0) }} end as denominator,
        case when not is_suppressed then n_persons end as n_unweighted,
        value_note,
        {{ round_to('100 * region_proportion', 1) }} as region_value,
        {{ round_to('100 * country_proportion', 1) }} as denmark_value,
        {{ compare_to_benchmark(
            'shown_ci_lower', 'shown_ci_upper', 'shown_proportion', 'region_proportion', 'direction'
        ) }} as compared_to_region,
        {{ compare_to_benchmark(
            'shown_ci_lower', 'shown_ci_upper', 'shown_proportion', 'country_proportion', 'direction'
        ) }} as compared_to_denmark,
        {{ compare_to_benchmark(
            'shown_ci_lower_998', 'shown_ci_upper_998', 'shown_proportion', 'region_proportion',
            'direction'
        ) }} as compared_to_region_998,
        {{ compare_to_benchmark(
            'shown_ci_lower_998', 'shown_ci_upper_998', 'shown_proportion', 'country_proportion',
            'direction'
        ) }} as compared_to_denmark_998,
        {{ round_to('100 * funnel_lower_95', 1) }} as funnel_lower_95,
        {{ round_to('100 * funnel_upper_95', 1) }} as funnel_upper_95,
        {{ round_to('100 * funnel_lower_998', 1) }} as funnel_lower_998,
        {{ round_to('100 * funnel_upper_998', 1) }} as funnel_upper_998,
        {{ funnel_position(
            'shown_proportion', 'funnel_lower_95', 'funnel_upper_95', 'funnel_lower_998',
            'funnel_upper_998'
        ) }} as funnel_position,
        -- Unrounded, for the trend test (int_indicators__recent_trends): the shown share and
        -- the n it rests on (a published estimate's from its standard error, p(1 - p) / se²).
        shown_proportion,
        case
            when shown_proportion is not null
                then coalesce(
                    effective_n,
                    shown_proportion * (1 - shown_proportion)
                    / nullif(standard_error * standard_error, 0)
                )
        end as shown_effective_n
    from funnels

)

select * from final
