with

source as (

    select
        area_code,
        sex_code,
        age_code,
        quarter_code,
        population_count,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'folk1a_population') }}

),

renamed as (

    select
        area_code,
        sex_code,
        age_code,
        quarter_code,
        cast(substring(quarter_code, 1, 4) as {{ dbt.type_int() }})
            as year,
        cast(substring(quarter_code, 6, 1) as {{ dbt.type_int() }})
            as quarter,
        case
            when age_code = 'IALT' then null
            else cast(age_code as {{ dbt.type_int() }})
        end as age_years,
        age_code = 'IALT' as is_all_ages,
        sex_code = 'TOT' as is_both_sexes,
        population_count,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
