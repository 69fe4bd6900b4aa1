with

source as (

    select
        person_key,
        year,
        kommune_kode,
        sex,
        psychiatric_before_18,
        completed_youth_education,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'education_cohorts') }}

),

renamed as (

    select
        person_key,
        year,
        kommune_kode,
        cast(sex as {{ dbt.type_string() }}) as sex_code,
        psychiatric_before_18 = 1 as had_psychiatric_diagnosis_before_18,
        completed_youth_education = 1 as has_completed_youth_education,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
