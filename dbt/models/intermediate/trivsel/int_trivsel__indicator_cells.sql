{#-
    pupils_thriving per municipality × year: pupils with high general well-being among those
    who answered. The survey is not split by sex (sex_code T).
-#}
with

wellbeing as (

    select
        year,
        kommune_kode,
        respondent_count,
        high_wellbeing_count,
        is_synthetic
    from {{ ref('stg_trivsel__wellbeing') }}

),

indicator_band as (

    select
        indicator_code,
        age_band_code
    from {{ ref('int_indicators__age_band') }}
    where source_code = 'trivsel'

),

final as (

    select
        indicator_band.indicator_code,
        wellbeing.year,
        wellbeing.kommune_kode,
        'T' as sex_code,
        indicator_band.age_band_code,
        'all' as school_stage_code,
        {{ counted_cell_measures(
            'wellbeing.high_wellbeing_count', 'wellbeing.respondent_count', 'wellbeing.is_synthetic'
        ) }}
    from wellbeing
    cross join indicator_band
    group by
        indicator_band.indicator_code,
        wellbeing.year,
        wellbeing.kommune_kode,
        indicator_band.age_band_code

)

select * from final
