{#-
    The keyword that makes an engine compute a CTE once, for CTEs a chain of later ones reads:
    PostgreSQL otherwise inlines each into the next and plans the suppression passes of
    int_suppression__complementary as one nested query (minutes instead of a second). DuckDB
    and Spark keep it empty.
    Use as: name as {{ materialized_cte() }}( ... ), which renders "as (" where it is empty.
-#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'sundhedsdata')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}{%- endmacro %}

{% macro postgres__materialized_cte() -%}materialized {% endmacro %}
