{#-
    The raw layer as the models' sources. Ingestion writes it once, as Parquet, one folder per
    table (partitioned by year where the table has one). On DuckDB the build database's views
    raw.<table> read those folders and on PostgreSQL the copy of them does, so nothing is
    declared. On Spark each folder becomes the view raw.<table>: a view reads the folder as it
    is at query time, so a new year's partition needs no repair of the catalog.
    Run as an on-run-start hook (dbt_project.yml).
-#}
{% macro declare_raw_sources() -%}
    {{ return(adapter.dispatch('declare_raw_sources', 'sundhedsdata')()) }}
{%- endmacro %}

{% macro default__declare_raw_sources() -%}{%- endmacro %}

{% macro spark__declare_raw_sources() -%}
    {%- if execute -%}
        {%- set folder = var('raw_dir', env_var('SUNDHEDSDATA_RAW_DIR', '../warehouse/raw')) -%}
        {%- do run_query('create schema if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- do run_query(
                'create or replace view raw.' ~ source.name
                ~ ' as select * from parquet.`' ~ folder ~ '/' ~ source.name ~ '`'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
