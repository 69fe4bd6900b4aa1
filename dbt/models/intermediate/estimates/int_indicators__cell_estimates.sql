{#-
    The statistic of every indicator × geography × year computed from cells (person-level data
    or aggregated count tables): the share, its Wilson 95% interval on Kish's effective n
    (survey) or the raw denominator (register), and primary disclosure control. A total over a
    count the publisher blanked is unknown, and withheld. int_indicators__estimates adds the
    published estimates, the series and the value note.
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
        synthetic_flag = 1 as is_synthetic,
        blanked_flag = 1 as has_blanked_cell,
        source_kind
    from {{ ref('int_indicators__geography_sums') }}

),

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

estimated as (

    select
        sums.*,
        indicators.statistic,
        sums.numerator / nullif(sums.denominator, 0) as proportion,
        case
            when indicators.statistic = 'survey_share'
                then {{ kish_effective_n('sums.denominator', 'sums.sum_squared_weights') }}
            else sums.denominator
        end as effective_n,
        {{ suppression_reason(
            'sums.n_persons', 'sums.n_positive', 'indicators.statistic', 'sums.has_blanked_cell'
        ) }} as suppression_reason
    from sums
    inner join indicators
        on sums.indicator_code = indicators.indicator_code

),

final as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        source_kind,
        is_synthetic,
        suppression_reason is not null as is_suppressed,
        suppression_reason,
        numerator,
        denominator,
        n_persons,
        n_positive,
        effective_n,
        proportion,
        {{ wilson_ci_lower('proportion', 'effective_n') }} as proportion_ci_lower,
        {{ wilson_ci_upper('proportion', 'effective_n') }} as proportion_ci_upper,
        sqrt(proportion * (1 - proportion) / nullif(effective_n, 0)) as standard_error
    from estimated

)

select * from final
