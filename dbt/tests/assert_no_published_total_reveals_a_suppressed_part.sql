{{ config(meta={"dagster": {"ref": {"name": "int_suppression__observation"}}}) }}
{#-
    Recovery by linear combination: every suppressed municipality with persons has a twin (a
    second one with the same published signature, macro published_signature) unless no
    published total holds it, and no published municipality total has exactly one suppressed
    cell with persons. Either breach lets a data user compute a suppressed value from published
    totals. A blocking check on int_suppression__observation: the dbt step fails, and the gate
    and publication do not run.
-#}
with

estimates as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        is_suppressed and n_persons > 0 as is_hidden,
        not is_suppressed or n_persons = 0 as is_published
    from {{ ref('int_indicators__estimates_benchmarked') }}

),

municipalities as (

    select
        geography_code as kommune_kode,
        indicator_code,
        year,
        is_hidden
    from estimates
    where geography_level = 'municipality'

),

totals as (

    select
        geography_level as parent_level,
        geography_code as parent_code,
        indicator_code,
        year,
        is_published
    from estimates
    where geography_level in ('cluster', 'region', 'country')

),

signatures as (

    {{ published_signature('municipalities', 'totals') }}

),

lone_municipalities as (

    select
        'municipality' as geography_level,
        max(case when municipalities.is_hidden then municipalities.kommune_kode end)
            as geography_code,
        municipalities.indicator_code,
        municipalities.year,
        signatures.signature as exposed_by
    from municipalities
    inner join signatures
        on
            municipalities.kommune_kode = signatures.kommune_kode
            and municipalities.indicator_code = signatures.indicator_code
            and municipalities.year = signatures.year
    where signatures.signature <> ''
    group by municipalities.indicator_code, municipalities.year, signatures.signature
    having sum(case when municipalities.is_hidden then 1 else 0 end) = 1

),

cells as (

    select
        kommune_kode,
        indicator_code,
        year,
        suppression_reason is not null and n_persons > 0 as is_hidden
    from {{ ref('int_suppression__observation') }}

),

lone_cells as (

    select
        'cell' as geography_level,
        cells.kommune_kode as geography_code,
        cells.indicator_code,
        cells.year,
        'the municipality total' as exposed_by
    from cells
    inner join municipalities
        on
            cells.kommune_kode = municipalities.kommune_kode
            and cells.indicator_code = municipalities.indicator_code
            and cells.year = municipalities.year
    where not municipalities.is_hidden
    group by cells.kommune_kode, cells.indicator_code, cells.year
    having sum(case when cells.is_hidden then 1 else 0 end) = 1

)

select * from lone_municipalities
union all
select * from lone_cells
