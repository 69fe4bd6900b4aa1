{#-
    The statistic of every indicator × geography × year computed from cells (person-level data
    or aggregated count tables): the share, its Wilson 95% interval on the design's effective n
    p(1 − p) / Var(p), Var(p) by Taylor linearisation with municipalities as strata (survey,
    macro survey_variance_terms), or on the raw denominator (register), and primary
    disclosure control. A total over a
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
        variance_term_0,
        variance_term_1,
        variance_term_2,
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

shares as (

    select
        sums.*,
        indicators.statistic,
        sums.numerator / nullif(sums.denominator, 0) as proportion
    from sums
    inner join indicators
        on sums.indicator_code = indicators.indicator_code

),

variances as (

    select
        shares.*,
        case
            when shares.statistic = 'survey_share'
                then {{ survey_design_variance(
                    'shares.proportion', 'shares.denominator', 'shares.variance_term_0',
                    'shares.variance_term_1', 'shares.variance_term_2'
                ) }}
        end as design_variance
    from shares

),

estimated as (

    select
        variances.*,
        case
            when variances.statistic = 'survey_share'
                then {{ survey_effective_n(
                    'variances.proportion', 'variances.design_variance', 'variances.denominator',
                    'variances.sum_squared_weights'
                ) }}
            else variances.denominator
        end as effective_n,
        {{ suppression_reason(
            'variances.n_persons', 'variances.n_positive', 'variances.statistic', 'variances.has_blanked_cell'
        ) }} as suppression_reason
    from variances

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
