{#-
    Round a float to a number of decimals on every target: Postgres has no round(double, int),
    so go through numeric and back to float (BI tools and pandas handle floats, not decimals).
-#}
{% macro round_to(expression, digits) -%}
    cast(round(cast({{ expression }} as {{ dbt.type_numeric() }}), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
