with

source as (

    select
        person_key,
        year,
        kommune_kode,
        sex,
        age,
        somatic_chronic,
        psychiatric,
        attached,
        education_group,
        _is_synthetic,
        _source_file,
        _loaded_at
    from {{ source('raw', 'labour_person_years') }}

),

renamed as (

    select
        person_key,
        year,
        kommune_kode,
        cast(sex as {{ dbt.type_string() }}) as sex_code,
        age as age_years,
        somatic_chronic = 1 as has_somatic_chronic_disease,
        psychiatric = 1 as has_psychiatric_diagnosis,
        attached = 1 as is_attached_to_labour_market,
        -- Empty (or a file from before the column) means unknown: ukendt, shown, not ranked.
        coalesce(nullif(education_group, ''), 'ukendt') as education_group_code,
        _is_synthetic as is_synthetic,
        _source_file as source_file,
        _loaded_at as loaded_at
    from source

)

select * from renamed
