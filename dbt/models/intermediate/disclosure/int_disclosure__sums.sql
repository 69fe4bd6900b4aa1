{#-
    The sums that tie the counts of int_disclosure__values together, as the disclosure engine
    is told them: one row per member of a sum (total_key = Σ member_key, within one
    indicator-year). sum_kind says which:
    * municipality_cells: a municipality total is the sum of its cells;
    * geography_municipalities: a cluster, region or Denmark total is the sum of its
      municipalities' totals (int_geography__memberships, so Vejen is a member of two clusters
      and nothing here needs to know it);
    * adult_cells and adult_groups: a municipality's persons of the education ages are both the
      sum of its adult cells and the sum of its education groups - the link that makes the
      cells and the values by education one system for an attacker;
    * education_groups: a value by education is the sum of its municipalities' counts in the
      group.
    A member without a count (a municipality without cells that year) holds nobody and is left
    out of the sum.
-#}
with

memberships as (

    select
        parent_level,
        parent_code,
        kommune_kode
    from {{ ref('int_geography__memberships') }}

),

municipality_cells as (

    select
        totals.indicator_code,
        totals.year,
        'municipality_cells' as sum_kind,
        totals.value_key as total_key,
        cells.value_key as member_key
    from {{ ref('int_disclosure__values') }} as totals
    inner join {{ ref('int_disclosure__values') }} as cells
        on
            totals.indicator_code = cells.indicator_code
            and totals.year = cells.year
            and totals.geography_code = cells.geography_code
    where
        totals.value_kind = 'total'
        and totals.geography_level = 'municipality'
        and cells.value_kind = 'cell'

),

geography_municipalities as (

    select
        totals.indicator_code,
        totals.year,
        'geography_municipalities' as sum_kind,
        totals.value_key as total_key,
        municipalities.value_key as member_key
    from {{ ref('int_disclosure__values') }} as totals
    inner join memberships
        on
            totals.geography_level = memberships.parent_level
            and totals.geography_code = memberships.parent_code
    inner join {{ ref('int_disclosure__values') }} as municipalities
        on
            totals.indicator_code = municipalities.indicator_code
            and totals.year = municipalities.year
            and memberships.kommune_kode = municipalities.geography_code
    where
        totals.value_kind = 'total'
        and municipalities.value_kind = 'total'
        and municipalities.geography_level = 'municipality'

),

adult_bands as (

    select age_band_code
    from {{ ref('age_bands') }}
    where age_min >= {{ var('education_min_age') }}

),

adult_cells as (

    select
        adults.indicator_code,
        adults.year,
        'adult_cells' as sum_kind,
        adults.value_key as total_key,
        cells.value_key as member_key
    from {{ ref('int_disclosure__values') }} as adults
    inner join {{ ref('int_disclosure__values') }} as cells
        on
            adults.indicator_code = cells.indicator_code
            and adults.year = cells.year
            and adults.geography_code = cells.geography_code
    inner join adult_bands
        on cells.age_band_code = adult_bands.age_band_code
    where
        adults.value_kind = 'adults'
        and cells.value_kind = 'cell'

),

adult_groups as (

    select
        adults.indicator_code,
        adults.year,
        'adult_groups' as sum_kind,
        adults.value_key as total_key,
        education_groups.value_key as member_key
    from {{ ref('int_disclosure__values') }} as adults
    inner join {{ ref('int_disclosure__values') }} as education_groups
        on
            adults.indicator_code = education_groups.indicator_code
            and adults.year = education_groups.year
            and adults.geography_code = education_groups.geography_code
    where
        adults.value_kind = 'adults'
        and education_groups.value_kind = 'group'

),

education_groups as (

    select
        education.indicator_code,
        education.year,
        'education_groups' as sum_kind,
        education.value_key as total_key,
        education_groups.value_key as member_key
    from {{ ref('int_disclosure__values') }} as education
    inner join memberships
        on
            education.geography_level = memberships.parent_level
            and education.geography_code = memberships.parent_code
    inner join {{ ref('int_disclosure__values') }} as education_groups
        on
            education.indicator_code = education_groups.indicator_code
            and education.year = education_groups.year
            and education.education_group_code = education_groups.education_group_code
            and memberships.kommune_kode = education_groups.geography_code
    where
        education.value_kind = 'education'
        and education_groups.value_kind = 'group'

),

final as (

    select * from municipality_cells
    union all
    select * from geography_municipalities
    union all
    select * from adult_cells
    union all
    select * from adult_groups
    union all
    select * from education_groups

)

select * from final
