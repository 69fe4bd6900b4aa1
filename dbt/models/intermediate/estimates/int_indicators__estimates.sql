{#-
    The published statistic for every indicator × geography × year: the share, its Wilson 95%
    interval on Kish's effective n (survey) or the raw denominator (register), disclosure
    control, the series an estimate belongs to and the note that explains the value.
-#}
with

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        numerator,
        denominator,
        sum_squared_weights,
        n_persons,
        n_positive,
        synthetic_flag = 1 as is_synthetic
    from {{ ref('int_indicators__geography_sums') }}

),

indicators as (

    select
        indicator_code,
        statistic,
        direction
    from {{ ref('indicators') }}

),

series_breaks as (

    select
        indicator_code,
        first_year_of_new_series
    from {{ ref('indicator_series_breaks') }}

),

indicator_years as (

    select distinct
        indicator_code,
        year
    from sums

),

-- Series 1 until the first break; a break starts a new series that must not be trended
-- against the earlier one.
series_of_year as (

    select
        indicator_years.indicator_code,
        indicator_years.year,
        1 + count(series_breaks.first_year_of_new_series) as series_number
    from indicator_years
    left join series_breaks
        on
            indicator_years.indicator_code = series_breaks.indicator_code
            and indicator_years.year >= series_breaks.first_year_of_new_series
    group by indicator_years.indicator_code, indicator_years.year

),

series_starts as (

    select
        indicator_code,
        year,
        series_number,
        series_number > 1
        and year = min(year) over (partition by indicator_code, series_number) as is_series_break
    from series_of_year

),

estimated as (

    select
        sums.*,
        indicators.statistic,
        indicators.direction,
        series_starts.series_number,
        series_starts.is_series_break,
        sums.numerator / nullif(sums.denominator, 0) as proportion,
        case
            when indicators.statistic = 'survey_share'
                then {{ kish_effective_n('sums.denominator', 'sums.sum_squared_weights') }}
            else sums.denominator
        end as effective_n,
        {{ suppression_reason('sums.n_persons', 'sums.n_positive', 'indicators.statistic') }}
            as suppression_reason
    from sums
    inner join indicators
        on sums.indicator_code = indicators.indicator_code
    inner join series_starts
        on
            sums.indicator_code = series_starts.indicator_code
            and sums.year = series_starts.year

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
        suppression_reason is not null as is_suppressed,
        numerator,
        denominator,
        n_persons,
        n_positive,
        effective_n,
        proportion,
        {{ wilson_ci_lower('proportion', 'effective_n') }} as proportion_ci_lower,
        {{ wilson_ci_upper('proportion', 'effective_n') }} as proportion_ci_upper,
        nullif(
            {{ dbt.concat([
                "case when is_synthetic then 'synthetic data' else '' end",
                "case when is_synthetic and suppression_reason is not null then '; ' else '' end",
                "coalesce(suppression_reason, '')",
                "case when is_series_break and (is_synthetic or suppression_reason is not null) then '; ' else '' end",
                "case when is_series_break then 'new series: not comparable with earlier years' else '' end",
            ]) }},
            ''
        ) as value_note
    from estimated

)

select * from final
