{#-
    The values by education as they are published: int_inequality__education_estimates with
    the disclosure engine's decisions (int_disclosure__decisions) applied, so a group withheld
    to protect another is withheld in mart_indicator_education_year and in the inequality
    measures of mart_inequality_year alike. A value by education of an indicator-year the engine
    did not see (one without cells) keeps its primary reason.
-#}
with

estimates as (

    select * from {{ ref('int_inequality__education_estimates') }}

),

decisions as (

    select
        indicator_code,
        year,
        geography_level,
        geography_code,
        education_group_code,
        suppression_reason
    from {{ ref('int_disclosure__decisions') }}
    where value_kind = 'education'

),

final as (

    select
        estimates.geography_level,
        estimates.geography_code,
        estimates.indicator_code,
        estimates.year,
        estimates.education_group_code,
        estimates.series_number,
        estimates.is_series_break,
        estimates.is_synthetic,
        estimates.numerator,
        estimates.denominator,
        estimates.n_persons,
        estimates.n_positive,
        estimates.effective_n,
        estimates.proportion,
        estimates.proportion_ci_lower,
        estimates.proportion_ci_upper,
        estimates.proportion_ci_lower_998,
        estimates.proportion_ci_upper_998,
        estimates.standard_error,
        coalesce(decisions.suppression_reason, estimates.suppression_reason)
            as suppression_reason,
        coalesce(decisions.suppression_reason, estimates.suppression_reason) is not null
            as is_suppressed
    from estimates
    left join decisions
        on
            estimates.indicator_code = decisions.indicator_code
            and estimates.year = decisions.year
            and estimates.geography_level = decisions.geography_level
            and estimates.geography_code = decisions.geography_code
            and estimates.education_group_code = decisions.education_group_code

)

select * from final
