{#-
    Incremental by year for models that sum a person-level register (ten years of 3.5 M rows):
    a night that adds or replaces one year's extract re-sums that year only.

    A year's version is its row count and the latest load time of its rows in staging; each
    output row carries the version of the year it was built from (source_rows,
    source_loaded_at). A year is rebuilt when its version differs from the one built - a new
    year, a re-delivered file, a removed file - and a year that vanished from staging is deleted
    by delete_vanished_years() (a post-hook). dbt replaces exactly the rebuilt years: with
    delete+insert on unique_key year, or on Spark, whose Parquet tables have no delete, by
    overwriting the rebuilt years' partitions (the model is partitioned by year there; the other
    engines ignore partition_by). A change of the dbt project itself is a --full-refresh, which
    Dagster passes (transform/plan.py).
    Configure as: incremental_strategy=replace_years_strategy(), unique_key='year',
    partition_by=['year'], post_hook="{{ delete_vanished_years(ref('<staging model>')) }}".
-#}

{% macro replace_years_strategy() -%}
    {{ return(adapter.dispatch('replace_years_strategy', 'sundhedsdata')()) }}
{%- endmacro %}

{% macro default__replace_years_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__replace_years_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro year_versions(relation) -%}
    select
        year,
        count(*) as source_rows,
        max(loaded_at) as source_loaded_at
    from {{ relation }}
    group by year
{%- endmacro %}

{#- A predicate on year: every year when building from scratch, else the changed years.
    The changed years are found first, by a query of their own, and written into the model as
    a list of literals: a filter on a subquery keeps the reader from skipping the other years'
    files, and the model then read every year's rows to keep one (2.1 s against 0.16 s for a
    new labour year at national scale). -#}
{% macro year_needs_build(relation) -%}
    {%- if is_incremental() -%}
        {%- set years = [] -%}
        {%- if execute -%}
            {%- set years = run_query(changed_years(relation)).columns[0].values() | map('int') | list -%}
        {%- endif -%}
        {%- if years -%}
            year in ({{ years | join(', ') }})
        {%- else -%}
            1 = 0
        {%- endif -%}
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}

{#- The years whose version in staging differs from the one built into this model. -#}
{% macro changed_years(relation) -%}
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
{%- endmacro %}

{% macro delete_vanished_years(relation) -%}
    {{ return(adapter.dispatch('delete_vanished_years', 'sundhedsdata')(relation)) }}
{%- endmacro %}

{% macro default__delete_vanished_years(relation) -%}
    delete from {{ this }}
    where year not in (select distinct year from {{ relation }})
{%- endmacro %}

{#- Spark: a vanished year is a partition to drop; one statement per partition, run here. -#}
{% macro spark__delete_vanished_years(relation) -%}
    {%- if execute -%}
        {%- set vanished = run_query(
            'select distinct year from ' ~ this
            ~ ' where year not in (select distinct year from ' ~ relation ~ ')'
        ) -%}
        {%- for row in vanished.rows -%}
            {%- do run_query('alter table ' ~ this ~ ' drop if exists partition (year = ' ~ row[0] ~ ')') -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
