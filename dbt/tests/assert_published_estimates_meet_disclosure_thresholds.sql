{#-
    No estimate shown in a mart rests on fewer persons than the disclosure thresholds allow: the
    numerator, the denominator and their difference each hold at least var('min_cell_count')
    persons, and a survey estimate at least var('min_survey_respondents') respondents.
-#}
with

estimates as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        statistic,
        n_persons,
        n_positive
    from {{ ref('int_indicators__estimates') }}
    where not is_suppressed

)

select * from estimates
where
    n_positive < {{ var('min_cell_count') }}
    or n_persons - n_positive < {{ var('min_cell_count') }}
    or (statistic = 'survey_share' and n_persons < {{ var('min_survey_respondents') }})
