with

source as (

    select
        school_year,
        year,
        kommune_kode,
        school_stage,
        sex,
        n_measured,
        n_overweight,
        n_severe_overweight,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'boernedatabasen_school_health_exams') }}

),

renamed as (

    select
        school_year,
        year,
        kommune_kode,
        school_stage as school_stage_code,
        cast(sex as {{ dbt.type_string() }}) as sex_code,
        n_measured as measured_count,
        n_overweight as overweight_count,
        n_severe_overweight as severe_overweight_count,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
