{#-
    Which delivery an indicator × year is published from, when more than one form covers it:
    person-level data (microdata) win over an aggregated count table, which wins over
    published estimates, so no person is counted twice. The forms set aside are named, for the
    value note. (Two aggregated forms of one indicator cannot meet: count tables take register
    indicators, published estimates survey indicators, and a key delivered twice in one form is
    a contract error at ingestion.) Published estimates count as delivered for both sexes only.
-#}
with

delivered as (

    select distinct
        indicator_code,
        year,
        source_kind
    from {{ ref('int_indicators__cells') }}
    union all
    select distinct
        indicator_code,
        year,
        'aggregated_counts' as source_kind
    from {{ ref('stg_register_counts__cells') }}
    union all
    select distinct
        indicator_code,
        year,
        'published_estimate' as source_kind
    from {{ ref('stg_sundhedsprofilen_estimates__shares') }}
    where sex_code = 'TOT'

),

ranked as (

    select
        indicator_code,
        year,
        source_kind,
        case source_kind
            when 'microdata' then 1
            when 'aggregated_counts' then 2
            else 3
        end as preference
    from delivered

),

final as (

    select
        indicator_code,
        year,
        case min(preference)
            when 1 then 'microdata'
            when 2 then 'aggregated_counts'
            else 'published_estimate'
        end as source_kind,
        min(preference) < 2 and max(case when preference = 2 then 1 else 0 end) = 1
            as is_aggregated_counts_set_aside,
        min(preference) < 3 and max(case when preference = 3 then 1 else 0 end) = 1
            as is_published_estimate_set_aside
    from ranked
    group by indicator_code, year

)

select * from final
