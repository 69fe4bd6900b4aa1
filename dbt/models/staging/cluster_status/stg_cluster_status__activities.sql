with

source as (

    select
        cluster_code,
        year,
        objective_code,
        title,
        status_code,
        description,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'cluster_status_activities') }}

),

renamed as (

    select
        cluster_code,
        year,
        objective_code,
        title as activity_title,
        status_code,
        description as activity_description,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
