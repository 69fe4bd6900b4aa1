{#-
    The published signature of a municipality: the published totals (cluster, region, Denmark)
    that add it up, as one sorted text like 'cluster:fyn|country:000|region:083'.

    Two suppressed municipalities with the same signature protect each other against every
    linear combination of the published totals: moving persons from one to the other changes no
    published figure, so neither value is determined (docs/disclosure.md). A suppressed
    municipality alone in its signature is exposed, whatever the totals look like - that is how
    Vejen, in two clusters, was recovered as the four cluster totals minus the region.

    municipalities: a relation with kommune_kode, indicator_code, year.
    totals: a relation with parent_level, parent_code, indicator_code, year, is_published.
    Returns a select of kommune_kode, indicator_code, year, signature ('' when no published
    total holds the municipality).
-#}
{% macro published_signature(municipalities, totals) -%}
    select
        municipalities.kommune_kode,
        municipalities.indicator_code,
        municipalities.year,
        coalesce(signatures.signature, '') as signature
    from {{ municipalities }} as municipalities
    left join (
        select
            memberships.kommune_kode,
            totals.indicator_code,
            totals.year,
            {{ sorted_listagg(
                dbt.concat(["totals.parent_level", "':'", "totals.parent_code"]), "'|'"
            ) }} as signature
        from {{ ref('int_geography__memberships') }} as memberships
        inner join {{ totals }} as totals
            on
                memberships.parent_level = totals.parent_level
                and memberships.parent_code = totals.parent_code
        where totals.is_published
        group by memberships.kommune_kode, totals.indicator_code, totals.year
    ) as signatures
        on
            municipalities.kommune_kode = signatures.kommune_kode
            and municipalities.indicator_code = signatures.indicator_code
            and municipalities.year = signatures.year
{%- endmacro %}
