{#-
    Incremental by year for models that sum a person-level register (ten years of 3.5 M rows):
    a night that adds or replaces one year's extract re-sums that year only.

    A year's version is its row count and the latest load time of its rows in staging; each
    output row carries the version of the year it was built from (source_rows,
    source_loaded_at). A year is rebuilt when its version differs from the one built - a new
    year, a re-delivered file, a removed file - and a year that vanished from staging is deleted
    by delete_vanished_years() (a post-hook). With delete+insert on unique_key year, dbt replaces
    exactly the rebuilt years. A change of the dbt project itself is a --full-refresh, which
    Dagster passes (transform.py).
-#}

{% macro year_versions(relation) -%}
    select
        year,
        count(*) as source_rows,
        max(loaded_at) as source_loaded_at
    from {{ relation }}
    group by year
{%- endmacro %}

{#- A predicate on year: every year when building from scratch, else the changed years. -#}
{% macro year_needs_build(relation) -%}
    {%- if is_incremental() -%}
        year in (
            select versions.year
            from ({{ year_versions(relation) }}) as versions
            left join (
                select distinct
                    year,
                    source_rows,
                    source_loaded_at
                from {{ this }}
            ) as built
                on versions.year = built.year
            where
                built.year is null
                or built.source_rows <> versions.source_rows
                or built.source_loaded_at <> versions.source_loaded_at
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{% macro delete_vanished_years(relation) -%}
    delete from {{ this }}
    where year not in (select distinct year from {{ relation }})
{%- endmacro %}
