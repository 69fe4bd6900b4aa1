{#-
    A double-precision float on every target. dbt.type_float() renders "float", which is 4 bytes
    on DuckDB: too coarse for survey weights and shares.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
