{#-
    One row per respondent and survey indicator with the respondent's outcome (1, 0, or null when
    the answer needed for it is missing), weight and analysis cells. The respondent key is
    dropped here: nothing downstream of staging carries a person identifier.
-#}
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
        is_synthetic
    from {{ ref('stg_sundhedsprofilen__respondents') }}

),

cutoffs as (

    select
        max(case when cutoff_code = 'mcs12_good_mental_health_min' then cutoff_value end)
            as mcs12_min,
        max(case when cutoff_code = 'bmi_severe_obesity_min' then cutoff_value end) as bmi_min,
        max(case when cutoff_code = 'alcohol_units_week_max' then cutoff_value end)
            as alcohol_max,
        max(case when cutoff_code = 'pa_moderate_min_week' then cutoff_value end)
            as moderate_min,
        max(case when cutoff_code = 'pa_vigorous_min_week' then cutoff_value end) as vigorous_min
    from {{ ref('survey_item_cutoffs') }}

),

derived as (

    select
        respondents.*,
        case
            when respondents.height_cm is null or respondents.body_weight_kg is null then null
            when
                respondents.body_weight_kg
                / ((respondents.height_cm / 100.0) * (respondents.height_cm / 100.0))
                >= cutoffs.bmi_min
                then 1
            else 0
        end as severe_obesity_outcome,
        case
            when respondents.alcohol_units_per_week is null then null
            when respondents.alcohol_units_per_week > cutoffs.alcohol_max then 1
            else 0
        end as alcohol_outcome,
        -- Active if either minimum is met; inactive only when both answers show it is not.
        case
            when respondents.moderate_activity_min_per_week >= cutoffs.moderate_min then 1
            when respondents.vigorous_activity_min_per_week >= cutoffs.vigorous_min then 1
            when
                respondents.moderate_activity_min_per_week is null
                or respondents.vigorous_activity_min_per_week is null
                then null
            else 0
        end as physically_active_outcome,
        case
            when respondents.mcs12_score is null then null
            when respondents.mcs12_score >= cutoffs.mcs12_min then 1
            else 0
        end as good_mental_health_outcome
    from respondents
    cross join cutoffs

),

survey_indicators as (

    select
        indicator_code,
        age_min,
        age_max
    from {{ ref('indicators') }}
    where statistic = 'survey_share'

),

-- One row per respondent and the survey indicators their age qualifies them for.
outcomes as (

    select
        survey_indicators.indicator_code,
        derived.year,
        derived.kommune_kode,
        derived.sex_code,
        derived.age_years,
        derived.survey_weight,
        derived.is_synthetic,
        case survey_indicators.indicator_code
            when 'daily_smoking' then derived.daily_smoker_flag
            when 'other_nicotine' then derived.other_nicotine_flag
            when 'alcohol_over_10_units' then derived.alcohol_outcome
            when 'severe_obesity' then derived.severe_obesity_outcome
            when 'physically_active' then derived.physically_active_outcome
            when 'young_good_mental_health' then derived.good_mental_health_outcome
        end as outcome
    from derived
    inner join survey_indicators
        on
            derived.age_years >= survey_indicators.age_min
            and derived.age_years <= coalesce(survey_indicators.age_max, 150)

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
        outcomes.survey_weight,
        outcomes.outcome,
        outcomes.is_synthetic
    from outcomes
    inner join age_bands
        on outcomes.age_years between age_bands.age_min and age_bands.age_max

)

select * from final
