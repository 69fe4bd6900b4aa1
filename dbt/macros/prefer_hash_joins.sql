{#-
    A pre-hook for models whose joins PostgreSQL's planner misjudges: it estimates one row for
    a CTE after a few filters, then joins thousands of rows by nested loops. The suppression
    passes of int_suppression__complementary took 84 s on the shipped sample that way, and
    0.3 s with nested loops off for that model's transaction only. DuckDB and Spark plan hash
    joins themselves; for them it is empty, and dbt skips an empty hook.
    Use as: {{ config(pre_hook="{{ prefer_hash_joins() }}") }}
-#}
{% macro prefer_hash_joins() -%}
    {{ return(adapter.dispatch('prefer_hash_joins', 'sundhedsdata')()) }}
{%- endmacro %}

{% macro default__prefer_hash_joins() -%}{%- endmacro %}

{% macro postgres__prefer_hash_joins() -%}set local enable_nestloop = off{%- endmacro %}
