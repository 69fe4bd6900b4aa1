{#-
    Aggregated register count tables as indicator cells, in the shape the person-level register
    cells have. A table may hold the same persons at four levels - sex × age band, sex, age band
    and the grand total - so exactly one level is used per indicator × municipality × year, or
    the persons would be counted twice: the finest level with no blanked cell (ingestion has
    checked that the levels add up). A sex or age band the level does not split is filed as
    sex T and under the indicator's own age band. Where every level has a blanked cell, the
    municipality gets one blanked cell without counts: suppressed by the publisher, never zero,
    and every total it belongs to is unknown.
-#}
with

counts as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        numerator_count,
        denominator_count,
        is_blanked,
        is_synthetic,
        case
            when sex_code <> 'TOT' and age_band_code <> 'TOT' then 1
            when sex_code <> 'TOT' then 2
            when age_band_code <> 'TOT' then 3
            else 4
        end as split_level
    from {{ ref('stg_register_counts__cells') }}

),

filing_bands as (

    select
        indicator_code,
        age_band_code
    from {{ ref('int_indicators__age_band') }}

),

levels as (

    select
        indicator_code,
        year,
        kommune_kode,
        split_level,
        max(case when is_blanked then 1 else 0 end) as has_blanked
    from counts
    group by indicator_code, year, kommune_kode, split_level

),

municipality_years as (

    select
        indicator_code,
        year,
        kommune_kode,
        min(case when has_blanked = 0 then split_level end) as used_level
    from levels
    group by indicator_code, year, kommune_kode

),

known_cells as (

    select
        counts.indicator_code,
        counts.year,
        counts.kommune_kode,
        case when counts.sex_code = 'TOT' then 'T' else counts.sex_code end as sex_code,
        case
            when counts.age_band_code = 'TOT' then filing_bands.age_band_code
            else counts.age_band_code
        end as age_band_code,
        false as is_blanked,
        {{ counted_cell_measures(
            'counts.numerator_count', 'counts.denominator_count', 'counts.is_synthetic'
        ) }}
    from counts
    inner join municipality_years
        on
            counts.indicator_code = municipality_years.indicator_code
            and counts.year = municipality_years.year
            and counts.kommune_kode = municipality_years.kommune_kode
            and counts.split_level = municipality_years.used_level
    inner join filing_bands
        on counts.indicator_code = filing_bands.indicator_code
    group by
        counts.indicator_code,
        counts.year,
        counts.kommune_kode,
        counts.sex_code,
        counts.age_band_code,
        filing_bands.age_band_code

),

blanked_cells as (

    select
        municipality_years.indicator_code,
        municipality_years.year,
        municipality_years.kommune_kode,
        'T' as sex_code,
        filing_bands.age_band_code,
        true as is_blanked,
        cast(null as {{ type_double() }}) as numerator,
        cast(null as {{ type_double() }}) as denominator,
        cast(null as {{ type_double() }}) as sum_squared_weights,
        cast(null as {{ dbt.type_bigint() }}) as n_persons,
        cast(null as {{ dbt.type_bigint() }}) as n_positive,
        max(case when counts.is_synthetic then 1 else 0 end) = 1 as is_synthetic
    from municipality_years
    inner join filing_bands
        on municipality_years.indicator_code = filing_bands.indicator_code
    inner join counts
        on
            municipality_years.indicator_code = counts.indicator_code
            and municipality_years.year = counts.year
            and municipality_years.kommune_kode = counts.kommune_kode
    where municipality_years.used_level is null
    group by
        municipality_years.indicator_code,
        municipality_years.year,
        municipality_years.kommune_kode,
        filing_bands.age_band_code

),

-- Both have the columns of counted_cell_measures in the same order.
final as (

    select
        known_cells.*,
        'all' as school_stage_code
    from known_cells
    union all
    select
        blanked_cells.*,
        'all' as school_stage_code
    from blanked_cells

)

select * from final
