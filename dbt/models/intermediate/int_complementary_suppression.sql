{#-
    Complementary (secondary) suppression of municipality estimates.

    A cluster's, region's or Denmark's published numerator and denominator are sums over its
    municipalities; if exactly one member municipality is suppressed, subtracting the others
    would reveal it. For every published total with exactly one suppressed member (that has
    persons to protect), the member with the fewest persons among the published ones is
    suppressed as well (never one without persons, which would protect nothing). One pass can
    create a new lone suppression in another total (Vejen is in two clusters), so the rule is
    applied var('suppression_passes') times; a dbt test fails if any total is still exposed.
    One row per municipality estimate that is suppressed only to protect another.
-#}
{%- set passes = var('suppression_passes') %}

with

municipalities as (

    select
        geography_code as kommune_kode,
        indicator_code,
        year,
        n_persons,
        is_suppressed and n_persons > 0 as is_protected
    from {{ ref('int_indicator_estimates') }}
    where geography_level = 'municipality'

),

memberships as (

    select
        parent_level,
        parent_code,
        kommune_kode
    from {{ ref('int_geography_memberships') }}

),

published_totals as (

    select
        geography_level as parent_level,
        geography_code as parent_code,
        indicator_code,
        year
    from {{ ref('int_indicator_estimates') }}
    where geography_level in ('cluster', 'region', 'country') and not is_suppressed

),

children as (

    select
        memberships.parent_level,
        memberships.parent_code,
        municipalities.kommune_kode,
        municipalities.indicator_code,
        municipalities.year,
        municipalities.n_persons
    from memberships
    inner join municipalities
        on memberships.kommune_kode = municipalities.kommune_kode
    inner join published_totals
        on
            memberships.parent_level = published_totals.parent_level
            and memberships.parent_code = published_totals.parent_code
            and municipalities.indicator_code = published_totals.indicator_code
            and municipalities.year = published_totals.year

),

pass_0 as (

    select
        kommune_kode,
        indicator_code,
        year,
        is_protected,
        false as is_secondary
    from municipalities

),

{% for i in range(1, passes + 1) %}
pass_{{ i }}_children as (

    select
        children.parent_level,
        children.parent_code,
        children.kommune_kode,
        children.indicator_code,
        children.year,
        children.n_persons,
        previous.is_protected
    from children
    inner join pass_{{ i - 1 }} as previous
        on
            children.kommune_kode = previous.kommune_kode
            and children.indicator_code = previous.indicator_code
            and children.year = previous.year

),

pass_{{ i }}_exposed as (

    select
        parent_level,
        parent_code,
        indicator_code,
        year
    from pass_{{ i }}_children
    group by parent_level, parent_code, indicator_code, year
    having sum(case when is_protected then 1 else 0 end) = 1

),

pass_{{ i }}_ranked as (

    select
        pass_{{ i }}_children.kommune_kode,
        pass_{{ i }}_children.indicator_code,
        pass_{{ i }}_children.year,
        row_number() over (
            partition by
                pass_{{ i }}_children.parent_level,
                pass_{{ i }}_children.parent_code,
                pass_{{ i }}_children.indicator_code,
                pass_{{ i }}_children.year
            order by pass_{{ i }}_children.n_persons, pass_{{ i }}_children.kommune_kode
        ) as rank_in_total
    from pass_{{ i }}_children
    inner join pass_{{ i }}_exposed
        on
            pass_{{ i }}_children.parent_level = pass_{{ i }}_exposed.parent_level
            and pass_{{ i }}_children.parent_code = pass_{{ i }}_exposed.parent_code
            and pass_{{ i }}_children.indicator_code = pass_{{ i }}_exposed.indicator_code
            and pass_{{ i }}_children.year = pass_{{ i }}_exposed.year
    -- A member without persons hides nothing: suppressing it would leave the total exposed.
    where not pass_{{ i }}_children.is_protected and pass_{{ i }}_children.n_persons > 0

),

pass_{{ i }}_picked as (

    select distinct
        kommune_kode,
        indicator_code,
        year
    from pass_{{ i }}_ranked
    where rank_in_total = 1

),

pass_{{ i }} as (

    select
        previous.kommune_kode,
        previous.indicator_code,
        previous.year,
        previous.is_protected or picked.kommune_kode is not null as is_protected,
        previous.is_secondary or picked.kommune_kode is not null as is_secondary
    from pass_{{ i - 1 }} as previous
    left join pass_{{ i }}_picked as picked
        on
            previous.kommune_kode = picked.kommune_kode
            and previous.indicator_code = picked.indicator_code
            and previous.year = picked.year

),

{% endfor %}
final as (

    select
        kommune_kode,
        indicator_code,
        year
    from pass_{{ passes }}
    where is_secondary

)

select * from final
