{#-
    The estimate of every indicator × geography × year the marts publish, whatever form it was
    delivered in: computed from cells (person-level data or aggregated count tables,
    int_indicators__cell_estimates) or combined from published municipal estimates
    (int_sundhedsprofilen_estimates__combined), one form per indicator × year
    (int_indicators__source_choice). Adds the series an estimate belongs to and the note that
    explains the value. Published estimates are already public: cell suppression does not
    apply to them, but one resting on fewer respondents than the threshold is withheld.
-#}
with

choice as (

    select
        indicator_code,
        year,
        source_kind,
        is_aggregated_counts_set_aside,
        is_published_estimate_set_aside
    from {{ ref('int_indicators__source_choice') }}

),

from_cells as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        source_kind,
        is_synthetic,
        is_suppressed,
        suppression_reason,
        cast(null as {{ dbt.type_string() }}) as estimate_note,
        numerator,
        denominator,
        n_persons,
        n_positive,
        effective_n,
        proportion,
        proportion_ci_lower,
        proportion_ci_upper,
        -- The 99.8% interval by the same method (Wilson's on the same effective n).
        {{ wilson_ci_lower('proportion', 'effective_n', var('ci_z_998')) }}
            as proportion_ci_lower_998,
        {{ wilson_ci_upper('proportion', 'effective_n', var('ci_z_998')) }}
            as proportion_ci_upper_998,
        standard_error
    from {{ ref('int_indicators__cell_estimates') }}

),

published as (

    select
        combined.geography_level,
        combined.geography_code,
        combined.indicator_code,
        combined.year,
        'published_estimate' as source_kind,
        combined.is_synthetic,
        combined.respondent_count,
        combined.proportion,
        combined.proportion_ci_lower,
        combined.proportion_ci_upper,
        combined.standard_error,
        {{ join_notes(['combined.missing_reason', 'combined.estimate_note']) }} as estimate_note,
        case
            when combined.missing_reason is not null then 'not_available'
            when combined.respondent_count < {{ var('min_survey_respondents') }}
                then 'primary_respondents'
        end as suppression_reason
    from {{ ref('int_sundhedsprofilen_estimates__combined') }} as combined
    inner join choice
        on
            combined.indicator_code = choice.indicator_code
            and combined.year = choice.year
    where
        combined.sex_code = 'TOT'
        and choice.source_kind = 'published_estimate'

),

from_published as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        source_kind,
        is_synthetic,
        suppression_reason is not null as is_suppressed,
        suppression_reason,
        estimate_note,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator,
        respondent_count as n_persons,
        cast(null as {{ dbt.type_bigint() }}) as n_positive,
        cast(null as {{ type_double() }}) as effective_n,
        proportion,
        proportion_ci_lower,
        proportion_ci_upper,
        -- The publisher gives a 95% interval and a standard error: the 99.8% interval is the
        -- normal one on that standard error, inside 0-1.
        case
            when standard_error is not null
                then greatest(0.0, proportion - {{ var('ci_z_998') }} * standard_error)
        end as proportion_ci_lower_998,
        case
            when standard_error is not null
                then least(1.0, proportion + {{ var('ci_z_998') }} * standard_error)
        end as proportion_ci_upper_998,
        standard_error
    from published

),

unioned as (

    select * from from_cells
    union all
    select * from from_published

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

-- Series 1 until the first break; a break starts a new series that must not be trended
-- against the earlier one.
series_of_year as (

    select
        choice.indicator_code,
        choice.year,
        1 + count(series_breaks.first_year_of_new_series) as series_number
    from choice
    left join series_breaks
        on
            choice.indicator_code = series_breaks.indicator_code
            and choice.year >= series_breaks.first_year_of_new_series
    group by choice.indicator_code, choice.year

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

noted as (

    select
        unioned.*,
        indicators.statistic,
        indicators.direction,
        series_starts.series_number,
        series_starts.is_series_break,
        case
            when choice.is_aggregated_counts_set_aside
                then 'person-level data used; the aggregated count table for the year is not'
            when choice.is_published_estimate_set_aside
                then {{ dbt.concat([
                    "case when unioned.source_kind = 'microdata' then 'person-level data used'"
                    ~ " else 'aggregated counts used' end",
                    "'; the published estimates for the year are not'",
                ]) }}
        end as source_note
    from unioned
    inner join indicators
        on unioned.indicator_code = indicators.indicator_code
    inner join choice
        on
            unioned.indicator_code = choice.indicator_code
            and unioned.year = choice.year
    inner join series_starts
        on
            unioned.indicator_code = series_starts.indicator_code
            and unioned.year = series_starts.year

),

final as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        statistic,
        direction,
        source_kind,
        series_number,
        is_series_break,
        is_synthetic,
        is_suppressed,
        suppression_reason,
        numerator,
        denominator,
        n_persons,
        n_positive,
        effective_n,
        proportion,
        proportion_ci_lower,
        proportion_ci_upper,
        proportion_ci_lower_998,
        proportion_ci_upper_998,
        standard_error,
        {{ join_notes([
            "case when is_synthetic then 'synthetic data' end",
            suppression_note("suppression_reason"),
            "estimate_note",
            "case when is_series_break then 'new series: not comparable with earlier years' end",
            "source_note",
        ]) }} as value_note
    from noted

)

select * from final
