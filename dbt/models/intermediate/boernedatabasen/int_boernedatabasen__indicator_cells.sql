{#-
    children_overweight per municipality × year × sex × school stage: pupils with IOTF
    overweight (severe included) among those measured.
-#}
with

exams as (

    select
        year,
        kommune_kode,
        sex_code,
        school_stage_code,
        measured_count,
        overweight_count,
        is_synthetic
    from {{ ref('stg_boernedatabasen__school_health_exams') }}

),

indicator_band as (

    select
        indicator_code,
        age_band_code
    from {{ ref('int_indicators__age_band') }}
    where source_code = 'boernedatabasen'

),

final as (

    select
        indicator_band.indicator_code,
        exams.year,
        exams.kommune_kode,
        exams.sex_code,
        indicator_band.age_band_code,
        exams.school_stage_code,
        {{ counted_cell_measures(
            'exams.overweight_count', 'exams.measured_count', 'exams.is_synthetic'
        ) }}
    from exams
    cross join indicator_band
    group by
        indicator_band.indicator_code,
        exams.year,
        exams.kommune_kode,
        exams.sex_code,
        indicator_band.age_band_code,
        exams.school_stage_code

)

select * from final
