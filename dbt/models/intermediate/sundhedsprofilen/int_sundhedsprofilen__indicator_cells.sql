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

final as (

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

)

select * from final
