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
        sum(survey_weight * outcome) as numerator,
        sum(survey_weight) as denominator,
        sum(survey_weight * survey_weight) as sum_squared_weights,
        cast(count(*) as {{ dbt.type_bigint() }}) as n_persons,
        cast(sum(outcome) as {{ dbt.type_bigint() }}) as n_positive,
        max(case when is_synthetic then 1 else 0 end) = 1 as is_synthetic
    from valid_answers
    group by
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code

)

select * from final
