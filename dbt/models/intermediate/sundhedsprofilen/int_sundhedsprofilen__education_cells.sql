{#-
    Survey indicators by highest completed education: municipality × year × education group,
    over respondents aged var('education_min_age') and over with a valid answer (education is
    not finished before). Additive measures only, as in int_sundhedsprofilen__indicator_cells.
-#}
with

valid_answers as (

    select
        indicator_code,
        year,
        kommune_kode,
        education_group_code,
        survey_weight,
        outcome,
        is_synthetic
    from {{ ref('int_sundhedsprofilen__outcomes') }}
    where
        outcome is not null
        and age_years >= {{ var('education_min_age') }}

),

final as (

    select
        indicator_code,
        year,
        kommune_kode,
        education_group_code,
        {{ survey_cell_measures('survey_weight', 'outcome', 'is_synthetic') }}
    from valid_answers
    group by
        indicator_code,
        year,
        kommune_kode,
        education_group_code

)

select * from final
