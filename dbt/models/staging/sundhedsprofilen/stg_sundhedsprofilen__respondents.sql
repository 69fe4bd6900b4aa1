with

source as (

    select
        respondent_id,
        survey_year,
        kommune_kode,
        sex,
        age,
        weight,
        daily_smoker,
        other_nicotine,
        alcohol_units_week,
        height_cm,
        weight_kg,
        pa_moderate_min_week,
        pa_vigorous_min_week,
        mcs12,
        education_group,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'sundhedsprofilen_respondents') }}

),

renamed as (

    select
        respondent_id,
        survey_year as year,
        kommune_kode,
        cast(sex as {{ dbt.type_string() }}) as sex_code,
        age as age_years,
        cast(weight as {{ type_double() }}) as survey_weight,
        daily_smoker as daily_smoker_flag,
        other_nicotine as other_nicotine_flag,
        cast(alcohol_units_week as {{ type_double() }}) as alcohol_units_per_week,
        cast(height_cm as {{ type_double() }}) as height_cm,
        cast(weight_kg as {{ type_double() }}) as body_weight_kg,
        cast(pa_moderate_min_week as {{ type_double() }})
            as moderate_activity_min_per_week,
        cast(pa_vigorous_min_week as {{ type_double() }})
            as vigorous_activity_min_per_week,
        cast(mcs12 as {{ type_double() }}) as mcs12_score,
        -- Empty (or a file from before the column) means unknown: ukendt, shown, not ranked.
        coalesce(nullif(education_group, ''), 'ukendt') as education_group_code,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
