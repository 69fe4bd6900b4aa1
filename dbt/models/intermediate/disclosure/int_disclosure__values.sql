{#-
    Every count of persons the disclosure engine (dagster_project/disclosure) decides on, for
    every indicator-year computed from cells: the cells (municipality × sex × age band × school
    stage), the municipality, cluster, region and Denmark totals, the values by education, and
    the counts that are never published but tie the tables together - a municipality's persons
    in one education group, and its persons aged var('education_min_age') and over.

    Each count carries what the engine needs and nothing it would have to guess: its true
    persons (and numerator, where the numerator counts persons: register shares), the reason
    code the primary rule gave it (macro suppression_reason), whether it is published at all,
    whether its truth is known (a count the publisher blanked is not), and what withholding it
    costs: its persons for a cell, a million more per level above a cell for a total or a value
    by education, so a headline value is only taken when no cell can protect.
    value_key names the count in one string, the way the engine and its complements name it.
-#}
with

indicators as (

    select
        indicator_code,
        statistic
    from {{ ref('indicators') }}

),

cells as (

    select
        cells.indicator_code,
        cells.year,
        cells.kommune_kode,
        cells.sex_code,
        cells.age_band_code,
        cells.school_stage_code,
        cells.n_persons,
        cells.n_positive,
        cells.is_blanked,
        indicators.statistic
    from {{ ref('int_indicators__cells') }} as cells
    inner join indicators
        on cells.indicator_code = indicators.indicator_code

),

cell_years as (

    select distinct
        indicator_code,
        year
    from cells

),

cell_values as (

    select
        indicator_code,
        year,
        'cell' as value_kind,
        {{ dbt.concat([
            "'cell '", "kommune_kode", "' '", "sex_code", "' '", "age_band_code", "' '",
            "school_stage_code"
        ]) }} as value_key,
        'municipality' as geography_level,
        kommune_kode as geography_code,
        sex_code,
        age_band_code,
        school_stage_code,
        cast(null as {{ dbt.type_string() }}) as education_group_code,
        -- A cell the publisher blanked has no known count (is_known false).
        coalesce(n_persons, 0) as n_persons,
        case when statistic = 'register_share' then n_positive end as n_positive,
        {{ suppression_reason('n_persons', 'n_positive', 'statistic', 'is_blanked') }}
            as primary_reason,
        true as is_publishable,
        not is_blanked as is_known,
        cast(coalesce(n_persons, 0) as {{ type_double() }}) as complement_cost
    from cells

),

level_costs as (

    select
        'municipality' as geography_level,
        1000000 as level_cost
    union all
    select
        'cluster' as geography_level,
        10000000 as level_cost
    union all
    select
        'region' as geography_level,
        100000000 as level_cost
    union all
    select
        'country' as geography_level,
        1000000000 as level_cost

),

total_values as (

    select
        estimates.indicator_code,
        estimates.year,
        'total' as value_kind,
        {{ dbt.concat(["estimates.geography_level", "' '", "estimates.geography_code"]) }}
            as value_key,
        estimates.geography_level,
        estimates.geography_code,
        cast(null as {{ dbt.type_string() }}) as sex_code,
        cast(null as {{ dbt.type_string() }}) as age_band_code,
        cast(null as {{ dbt.type_string() }}) as school_stage_code,
        cast(null as {{ dbt.type_string() }}) as education_group_code,
        coalesce(estimates.n_persons, 0) as n_persons,
        case when indicators.statistic = 'register_share' then estimates.n_positive end
            as n_positive,
        estimates.suppression_reason as primary_reason,
        true as is_publishable,
        coalesce(estimates.suppression_reason, '') <> 'publisher_blanked' as is_known,
        cast(level_costs.level_cost + coalesce(estimates.n_persons, 0) as {{ type_double() }})
            as complement_cost
    from {{ ref('int_indicators__estimates') }} as estimates
    inner join cell_years
        on
            estimates.indicator_code = cell_years.indicator_code
            and estimates.year = cell_years.year
    inner join indicators
        on estimates.indicator_code = indicators.indicator_code
    inner join level_costs
        on estimates.geography_level = level_costs.geography_level

),

education_values as (

    select
        education.indicator_code,
        education.year,
        'education' as value_kind,
        {{ dbt.concat([
            "education.geography_level", "' '", "education.geography_code", "' education '",
            "education.education_group_code"
        ]) }} as value_key,
        education.geography_level,
        education.geography_code,
        cast(null as {{ dbt.type_string() }}) as sex_code,
        cast(null as {{ dbt.type_string() }}) as age_band_code,
        cast(null as {{ dbt.type_string() }}) as school_stage_code,
        education.education_group_code,
        education.n_persons,
        case when indicators.statistic = 'register_share' then education.n_positive end
            as n_positive,
        education.suppression_reason as primary_reason,
        true as is_publishable,
        true as is_known,
        cast(level_costs.level_cost + education.n_persons as {{ type_double() }})
            as complement_cost
    from {{ ref('int_inequality__education_estimates') }} as education
    inner join cell_years
        on
            education.indicator_code = cell_years.indicator_code
            and education.year = cell_years.year
    inner join indicators
        on education.indicator_code = indicators.indicator_code
    inner join level_costs
        on education.geography_level = level_costs.geography_level

),

-- A municipality's persons in each group, for every municipality with values by education:
-- never published, but the values by education add them up.
education_cells as (

    {%- for model in ['int_sundhedsprofilen__education_cells', 'int_labour__education_cells'] %}
    select
        indicator_code,
        year,
        kommune_kode,
        education_group_code,
        n_persons,
        n_positive
    from {{ ref(model) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

),

education_municipalities as (

    select distinct
        indicator_code,
        year,
        kommune_kode
    from education_cells

),

group_values as (

    select
        municipalities.indicator_code,
        municipalities.year,
        'group' as value_kind,
        {{ dbt.concat([
            "'group '", "municipalities.kommune_kode", "' '", "education_groups.education_group_code"
        ]) }} as value_key,
        'municipality' as geography_level,
        municipalities.kommune_kode as geography_code,
        cast(null as {{ dbt.type_string() }}) as sex_code,
        cast(null as {{ dbt.type_string() }}) as age_band_code,
        cast(null as {{ dbt.type_string() }}) as school_stage_code,
        education_groups.education_group_code,
        cast(coalesce(education_cells.n_persons, 0) as {{ dbt.type_bigint() }}) as n_persons,
        case
            when indicators.statistic = 'register_share'
                then cast(coalesce(education_cells.n_positive, 0) as {{ dbt.type_bigint() }})
        end as n_positive,
        cast(null as {{ dbt.type_string() }}) as primary_reason,
        false as is_publishable,
        true as is_known,
        cast(0 as {{ type_double() }}) as complement_cost
    from education_municipalities as municipalities
    inner join cell_years
        on
            municipalities.indicator_code = cell_years.indicator_code
            and municipalities.year = cell_years.year
    cross join {{ ref('education_groups') }} as education_groups
    inner join indicators
        on municipalities.indicator_code = indicators.indicator_code
    left join education_cells
        on
            municipalities.indicator_code = education_cells.indicator_code
            and municipalities.year = education_cells.year
            and municipalities.kommune_kode = education_cells.kommune_kode
            and education_groups.education_group_code = education_cells.education_group_code

),

-- The same persons seen from the cells: a municipality's cells of ages from
-- var('education_min_age') add up to its groups, where that age starts an age band.
adult_bands as (

    select age_band_code
    from {{ ref('age_bands') }}
    where
        age_min >= {{ var('education_min_age') }}
        and exists (
            select 1
            from {{ ref('age_bands') }} as bands
            where bands.age_min = {{ var('education_min_age') }}
        )

),

adult_values as (

    select
        cells.indicator_code,
        cells.year,
        'adults' as value_kind,
        {{ dbt.concat(["'adults '", "cells.kommune_kode"]) }} as value_key,
        'municipality' as geography_level,
        cells.kommune_kode as geography_code,
        cast(null as {{ dbt.type_string() }}) as sex_code,
        cast(null as {{ dbt.type_string() }}) as age_band_code,
        cast(null as {{ dbt.type_string() }}) as school_stage_code,
        cast(null as {{ dbt.type_string() }}) as education_group_code,
        sum(cells.n_persons) as n_persons,
        case when max(cells.statistic) = 'register_share' then sum(cells.n_positive) end
            as n_positive,
        cast(null as {{ dbt.type_string() }}) as primary_reason,
        false as is_publishable,
        min(case when cells.is_blanked then 0 else 1 end) = 1 as is_known,
        cast(0 as {{ type_double() }}) as complement_cost
    from cells
    inner join adult_bands
        on cells.age_band_code = adult_bands.age_band_code
    inner join education_municipalities as municipalities
        on
            cells.indicator_code = municipalities.indicator_code
            and cells.year = municipalities.year
            and cells.kommune_kode = municipalities.kommune_kode
    group by
        cells.indicator_code,
        cells.year,
        cells.kommune_kode

),

final as (

    select * from cell_values
    union all
    select * from total_values
    union all
    select * from education_values
    union all
    select * from group_values
    union all
    select * from adult_values

)

select * from final
