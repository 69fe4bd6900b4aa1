{#-
    Whether a respondent's answer to a survey item meets an indicator's rule for it
    (seeds/indicator_items.csv): 1 or 0, null when the answer is missing, and 0 when the
    indicator has no such item (item is null).
-#}
{% macro survey_item_meets_rule(item, answer, comparison, cutoff) %}
    case
        when {{ item }} is null then 0
        when {{ answer }} is null then null
        when {{ comparison }} = 'is_true' and {{ answer }} = 1 then 1
        when {{ comparison }} = 'above' and {{ answer }} > {{ cutoff }} then 1
        when {{ comparison }} = 'at_least' and {{ answer }} >= {{ cutoff }} then 1
        else 0
    end
{%- endmacro %}

{#-
    A respondent's answer to a survey item named by its landing column (bmi from height and
    weight). Reads the columns of stg_sundhedsprofilen__respondents as `respondents`.
-#}
{% macro survey_item_answer(item) -%}
    case {{ item }}
        when 'daily_smoker' then respondents.daily_smoker_flag
        when 'other_nicotine' then respondents.other_nicotine_flag
        when 'alcohol_units_week' then respondents.alcohol_units_per_week
        when 'bmi'
            then respondents.body_weight_kg
                / ((respondents.height_cm / 100.0) * (respondents.height_cm / 100.0))
        when 'pa_moderate_min_week' then respondents.moderate_activity_min_per_week
        when 'pa_vigorous_min_week' then respondents.vigorous_activity_min_per_week
        when 'mcs12' then respondents.mcs12_score
    end
{%- endmacro %}
