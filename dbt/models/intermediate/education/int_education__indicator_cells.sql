{#-
    psychiatric_youth_education summed to municipality × year × sex: among 25-year-olds with a
    psychiatric diagnosis before 18, those who completed a youth education. The cohort sits in
    the age band holding the indicator's age (25).
-#}
with

cohorts as (

    select
        year,
        kommune_kode,
        sex_code,
        has_completed_youth_education,
        is_synthetic
    from {{ ref('stg_education__cohorts') }}
    where had_psychiatric_diagnosis_before_18

),

indicator_band as (

    select
        indicator_code,
        age_band_code
    from {{ ref('int_indicators__age_band') }}
    where source_code = 'education'

),

final as (

    select
        indicator_band.indicator_code,
        cohorts.year,
        cohorts.kommune_kode,
        cohorts.sex_code,
        indicator_band.age_band_code,
        'all' as school_stage_code,
        {{ register_cell_measures(
            'cohorts.has_completed_youth_education', 'cohorts.is_synthetic'
        ) }}
    from cohorts
    cross join indicator_band
    group by
        indicator_band.indicator_code,
        cohorts.year,
        cohorts.kommune_kode,
        cohorts.sex_code,
        indicator_band.age_band_code

)

select * from final
