{#-
    The recent trend of every published value, as OHID Fingertips marks it for proportions: the
    chi-squared test for trend (Armitage's, R's prop.trend.test) on the most recent points of
    the current series up to and including the row's year - at most var('trend_max_points'),
    at least var('trend_min_points'), never across a series break, and only points whose value
    is published. Each point counts as its share of its n: the denominator for a register, the
    survey design's effective n for a survey share (p(1 - p) / se² for a published estimate), so
    a weighted survey is tested on what its design supports. Years are the scores (counted from
    the row's year).

        p̄ = Σ n_i p_i / Σ n_i,  t̄ = Σ n_i t_i / Σ n_i
        T = Σ n_i p_i (t_i − t̄),  χ² = T² / (p̄ (1 − p̄) Σ n_i (t_i − t̄)²),  1 df

    Significant when χ² exceeds var('trend_chi_squared_critical') (9.549536 = 3.090232², the
    two-sided 99.8% level Fingertips compares areas at); then increasing or decreasing by the
    sign of T, and getting better or worse in the indicator's desired direction. A row whose
    own value is withheld has no trend; one with too few points "could not be calculated".
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
        shown_proportion,
        shown_effective_n
    from {{ ref('int_indicators__estimates_benchmarked') }}

),

points as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        series_number,
        shown_proportion,
        shown_effective_n
    from estimates
    where shown_proportion is not null and shown_effective_n > 0

),

-- Each published row with the points of its series up to its year, the most recent first.
ranked as (

    select
        estimates.geography_level,
        estimates.geography_code,
        estimates.indicator_code,
        estimates.year,
        -- Counted from the row's own year: χ² does not change with a shift of the scores, and
        -- Σ n·t² of years near 0 keeps its digits where Σ n·t² of years near 2024 cancelled.
        cast(points.year - estimates.year as {{ type_double() }}) as point_year,
        points.shown_effective_n as point_n,
        points.shown_effective_n * points.shown_proportion as point_positive,
        row_number() over (
            partition by
                estimates.geography_level,
                estimates.geography_code,
                estimates.indicator_code,
                estimates.year
            order by points.year desc
        ) as recency
    from estimates
    inner join points
        on
            estimates.geography_level = points.geography_level
            and estimates.geography_code = points.geography_code
            and estimates.indicator_code = points.indicator_code
            and estimates.series_number = points.series_number
            and estimates.year >= points.year
    where estimates.shown_proportion is not null

),

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        count(*) as n_points,
        {{ exact_sum('point_n') }} as total_n,
        {{ exact_sum('point_positive') }} as total_positive,
        {{ exact_sum('point_n * point_year') }} as sum_n_year,
        {{ exact_sum('point_n * point_year * point_year') }} as sum_n_year_squared,
        {{ exact_sum('point_positive * point_year') }} as sum_positive_year
    from ranked
    where recency <= {{ var('trend_max_points') }}
    group by geography_level, geography_code, indicator_code, year

),

tested as (

    select
        *,
        total_positive / total_n as pooled_share,
        -- Σ n (t − t̄)² and T = Σ O (t − t̄), with t̄ = Σ n t / Σ n.
        sum_n_year_squared - sum_n_year * sum_n_year / total_n as spread,
        sum_positive_year - total_positive * sum_n_year / total_n as trend_score
    from sums

),

statistics as (

    select
        *,
        case
            when pooled_share > 0 and pooled_share < 1 and spread > 0
                then trend_score * trend_score / (pooled_share * (1 - pooled_share) * spread)
        end as chi_squared
    from tested

),

final as (

    select
        estimates.geography_level,
        estimates.geography_code,
        estimates.indicator_code,
        estimates.year,
        statistics.n_points as trend_points,
        statistics.chi_squared as trend_chi_squared,
        case
            when estimates.shown_proportion is null then null
            when
                statistics.n_points is null
                or statistics.n_points < {{ var('trend_min_points') }}
                or statistics.chi_squared is null
                then 'could_not_be_calculated'
            when statistics.chi_squared <= {{ var('trend_chi_squared_critical') }}
                then 'no_significant_change'
            when statistics.trend_score > 0 and estimates.direction = 'up'
                then 'increasing_better'
            when statistics.trend_score > 0 and estimates.direction = 'down'
                then 'increasing_worse'
            when statistics.trend_score > 0 then 'increasing'
            when estimates.direction = 'down' then 'decreasing_better'
            when estimates.direction = 'up' then 'decreasing_worse'
            else 'decreasing'
        end as recent_trend
    from estimates
    left join statistics
        on
            estimates.geography_level = statistics.geography_level
            and estimates.geography_code = statistics.geography_code
            and estimates.indicator_code = statistics.indicator_code
            and estimates.year = statistics.year

)

select * from final
