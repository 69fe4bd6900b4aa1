{{ config(meta={"dagster": {"ref": {"name": "int_indicators__geography_sums"}}}) }}
{#-
    A region's and Denmark's persons are the sum over their municipalities - each counted once -
    never the sum of clusters (Vejen is in two clusters).
-#}
with

sums as (

    select
        geography_level,
        geography_code,
        indicator_code,
        year,
        n_persons
    from {{ ref('int_indicators__geography_sums') }}

),

municipalities as (

    select
        kommune_kode,
        region_code
    from {{ ref('municipalities') }}

),

expected as (

    select
        municipalities.region_code as geography_code,
        sums.indicator_code,
        sums.year,
        sum(sums.n_persons) as n_persons
    from sums
    inner join municipalities
        on sums.geography_code = municipalities.kommune_kode
    where sums.geography_level = 'municipality'
    group by municipalities.region_code, sums.indicator_code, sums.year
    union all
    select
        '{{ var("country_code") }}' as geography_code,
        indicator_code,
        year,
        sum(n_persons) as n_persons
    from sums
    where geography_level = 'municipality'
    group by indicator_code, year

),

actual as (

    select
        geography_code,
        indicator_code,
        year,
        n_persons
    from sums
    where geography_level in ('region', 'country')

)

select
    expected.geography_code,
    expected.indicator_code,
    expected.year,
    expected.n_persons as expected_n_persons,
    actual.n_persons as actual_n_persons
from expected
left join actual
    on
        expected.geography_code = actual.geography_code
        and expected.indicator_code = actual.indicator_code
        and expected.year = actual.year
where actual.n_persons is null or actual.n_persons <> expected.n_persons
