{#-
    Sundhedsprofilen's published shares as the indicator's proportion: percent becomes a
    proportion, and a share published as the complement of the indicator ("does not meet the
    recommendations") is turned round, its interval bounds swapped. Rows of an indicator name
    the seeds do not know stay in raw and are left out here (ingestion counts them).
-#}
with

source as (

    select
        indicator_code,
        is_complement,
        year,
        area_code,
        sex_code,
        share_percent,
        ci_lower_percent,
        ci_upper_percent,
        n_respondents,
        _is_synthetic,
        _source_file
    from {{ source('raw', 'sundhedsprofilen_estimates_shares') }}
    where indicator_code is not null

),

renamed as (

    select
        indicator_code,
        year,
        area_code,
        sex_code,
        case
            when is_complement then 1 - share_percent / 100.0
            else share_percent / 100.0
        end as proportion,
        case
            when is_complement then 1 - ci_upper_percent / 100.0
            else ci_lower_percent / 100.0
        end as proportion_ci_lower,
        case
            when is_complement then 1 - ci_lower_percent / 100.0
            else ci_upper_percent / 100.0
        end as proportion_ci_upper,
        n_respondents as respondent_count,
        is_complement as is_published_as_complement,
        _is_synthetic as is_synthetic,
        _source_file as source_file
    from source

)

select * from renamed
