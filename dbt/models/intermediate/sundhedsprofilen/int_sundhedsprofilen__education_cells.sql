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

cells as (

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

),

strata as (

    select
        year,
        kommune_kode,
        stratum_respondents,
        stratum_population
    from {{ ref('int_sundhedsprofilen__strata') }}

),

-- The stratum's size beside each cell: its variance terms are formed per municipality.
final as (

    select
        cells.indicator_code,
        cells.year,
        cells.kommune_kode,
        cells.education_group_code,
        cells.numerator,
        cells.denominator,
        cells.sum_squared_weights,
        cells.sum_squared_weights_positive,
        cells.n_persons,
        cells.n_positive,
        strata.stratum_respondents,
        strata.stratum_population,
        cells.is_synthetic
    from cells
    inner join strata
        on
            cells.year = strata.year
            and cells.kommune_kode = strata.kommune_kode

)

select * from final
