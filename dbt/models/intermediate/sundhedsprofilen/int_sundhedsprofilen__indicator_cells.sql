{#-
    Survey indicators summed to municipality × year × sex × age band over respondents with a
    valid answer. Every measure is additive (Σw·y, Σw, Σw², counts), so clusters, regions and
    Denmark are sums of these cells - never averages of rates.
-#}
with

valid_answers as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        survey_weight,
        outcome,
        is_synthetic
    from {{ ref('int_sundhedsprofilen__outcomes') }}
    where outcome is not null

),

cells as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        'all' as school_stage_code,
        {{ survey_cell_measures('survey_weight', 'outcome', 'is_synthetic') }}
    from valid_answers
    group by
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code

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
        cells.sex_code,
        cells.age_band_code,
        cells.school_stage_code,
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
