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
        {#- A file stored as delivered lacks the stamp columns: the folder's files are read
            with their schemas merged, and the view is declared while that holds. -#}
        {%- do run_query('set spark.sql.parquet.mergeSchema = true') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- set path = folder ~ '/' ~ source.name -%}
            {#- A landing source's rows are stamped; the engine's complements are not. -#}
            {%- set rows = spark_raw_select(path) if '_source_file' in source.columns
                else 'select * from parquet.`' ~ path ~ '`' -%}
            {%- do run_query('create or replace view raw.' ~ source.name ~ ' as ' ~ rows) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#-
    One raw folder as rows. A file ingestion rewrote carries its stamps (landing file, row,
    synthetic flag, load time); one stored as delivered gets them from the folder's stamps
    table (_landing_files, keyed by the file name's stem: its first 17 characters, as
    raw_layer.stem_of names files) and its row number from Spark's own.
-#}
{% macro spark_raw_select(path) -%}
    {%- set stamps = {
        '_source_file': 'landing_files.source_file',
        '_source_row': 'files._metadata.row_index + 1',
        '_is_synthetic': 'landing_files.is_synthetic',
        '_loaded_at': 'landing_files.loaded_at',
    } -%}
    {%- set present = run_query('select * from parquet.`' ~ path ~ '` limit 0').column_names -%}
    {%- set columns = [] -%}
    {%- for column in present if column not in stamps -%}
        {%- do columns.append('files.' ~ column) -%}
    {%- endfor -%}
    {%- for column, derived in stamps.items() -%}
        {%- if column in present -%}
            {%- do columns.append('coalesce(files.' ~ column ~ ', ' ~ derived ~ ') as ' ~ column) -%}
        {%- else -%}
            {%- do columns.append(derived ~ ' as ' ~ column) -%}
        {%- endif -%}
    {%- endfor -%}
    select {{ columns | join(', ') }}
    from parquet.`{{ path }}` as files
    left join parquet.`{{ path }}/_landing_files` as landing_files
        on landing_files.stem = substring(files._metadata.file_name, 1, 17)
{%- endmacro %}
