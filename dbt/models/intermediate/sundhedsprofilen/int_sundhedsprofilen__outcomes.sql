{#-
    One row per respondent and survey indicator with the respondent's outcome (1, 0, or null when
    the answer needed for it is missing), weight and analysis cells. Which items define an
    indicator, by which rule and cut-off, is reference data (seeds/indicator_items.csv and
    survey_item_cutoffs.csv), read here and by the synthetic generator. The respondent key is
    dropped here: nothing downstream of staging carries a person identifier.
    A view: its one row per respondent and indicator (4.5 M at national scale) is summed once,
    by int_sundhedsprofilen__indicator_cells, and writing them to a table took longer than
    computing them.
-#}
{{ config(materialized='view') }}

with

respondents as (

    select
        year,
        kommune_kode,
        sex_code,
        age_years,
        survey_weight,
        daily_smoker_flag,
        other_nicotine_flag,
        alcohol_units_per_week,
        height_cm,
        body_weight_kg,
        moderate_activity_min_per_week,
        vigorous_activity_min_per_week,
        mcs12_score,
        education_group_code,
        is_synthetic
    from {{ ref('stg_sundhedsprofilen__respondents') }}

),

-- How each survey indicator is computed: its items, their rule and cut-off (seeds), at most
-- two items an indicator (the test assert_survey_indicators_have_at_most_two_items).
indicator_items as (

    select
        indicator_items.indicator_code,
        indicator_items.item,
        indicator_items.comparison,
        cutoffs.cutoff_value,
        row_number() over (
            partition by indicator_items.indicator_code order by indicator_items.item
        ) as item_number
    from {{ ref('indicator_items') }} as indicator_items
    left join {{ ref('survey_item_cutoffs') }} as cutoffs
        on indicator_items.cutoff_code = cutoffs.cutoff_code
    where
        indicator_items.source_code = 'sundhedsprofilen'
        and indicator_items.role = 'outcome'

),

indicator_rules as (

    select
        indicator_code,
        max(case when item_number = 1 then item end) as item_1,
        max(case when item_number = 1 then comparison end) as comparison_1,
        max(case when item_number = 1 then cutoff_value end) as cutoff_1,
        max(case when item_number = 2 then item end) as item_2,
        max(case when item_number = 2 then comparison end) as comparison_2,
        max(case when item_number = 2 then cutoff_value end) as cutoff_2
    from indicator_items
    group by indicator_code

),

survey_indicators as (

    select
        indicator_code,
        age_min,
        age_max
    from {{ ref('indicators') }}
    where statistic = 'survey_share'

),

-- Per respondent and indicator their age qualifies them for: the answer to each of the
-- indicator's items, then whether it meets the item's rule (1, 0 also when the indicator has
-- no such item, null when the answer is missing).
answers as (

    select
        survey_indicators.indicator_code,
        respondents.year,
        respondents.kommune_kode,
        respondents.sex_code,
        respondents.age_years,
        respondents.survey_weight,
        respondents.education_group_code,
        respondents.is_synthetic,
        indicator_rules.item_1,
        indicator_rules.comparison_1,
        indicator_rules.cutoff_1,
        {{ survey_item_answer('indicator_rules.item_1') }} as answer_1,
        indicator_rules.item_2,
        indicator_rules.comparison_2,
        indicator_rules.cutoff_2,
        {{ survey_item_answer('indicator_rules.item_2') }} as answer_2
    from respondents
    inner join survey_indicators
        on
            respondents.age_years >= survey_indicators.age_min
            and respondents.age_years <= coalesce(survey_indicators.age_max, 150)
    inner join indicator_rules
        on survey_indicators.indicator_code = indicator_rules.indicator_code

),

rule_results as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_years,
        survey_weight,
        education_group_code,
        is_synthetic,
        {{ survey_item_meets_rule('item_1', 'answer_1', 'comparison_1', 'cutoff_1') }}
            as meets_rule_1,
        {{ survey_item_meets_rule('item_2', 'answer_2', 'comparison_2', 'cutoff_2') }}
            as meets_rule_2
    from answers

),

-- The outcome: 1 when any item meets its rule; unknown when none does and an answer is
-- missing; else 0.
outcomes as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_years,
        survey_weight,
        education_group_code,
        is_synthetic,
        case
            when meets_rule_1 = 1 or meets_rule_2 = 1 then 1
            when meets_rule_1 is null or meets_rule_2 is null then null
            else 0
        end as outcome
    from rule_results

),

age_bands as (

    select
        age_band_code,
        age_min,
        age_max
    from {{ ref('age_bands') }}

),

final as (

    select
        outcomes.indicator_code,
        outcomes.year,
        outcomes.kommune_kode,
        outcomes.sex_code,
        age_bands.age_band_code,
        outcomes.age_years,
        outcomes.education_group_code,
        outcomes.survey_weight,
        outcomes.outcome,
        outcomes.is_synthetic
    from outcomes
    inner join age_bands
        on outcomes.age_years between age_bands.age_min and age_bands.age_max

)

select * from final
