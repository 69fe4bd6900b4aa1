{#-
    The calendar year a school year like '2023/24' is reported as: the year it ends (2024). The
    well-being survey runs January-March and school health exams are dated the same way.
    Ingestion has checked the format.
-#}
{% macro school_year_end(column) -%}
    (cast(substring({{ column }}, 1, 4) as {{ dbt.type_int() }}) + 1)
{%- endmacro %}
