with

source as (

    select
        school_year,
        year,
        kommune_kode,
        n_respondents,
        n_high_wellbeing,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'trivsel_wellbeing') }}

),

renamed as (

    select
        school_year,
        year,
        kommune_kode,
        n_respondents as respondent_count,
        n_high_wellbeing as high_wellbeing_count,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
