{#-
    The additive measures of a register cell from person rows (one row a person, weight 1):
    numerator = persons with the outcome, denominator = persons, Σw² = persons, the same
    columns the survey cells carry so every indicator flows through one geography and
    statistics path. Use inside a grouped select.
-#}
{% macro register_cell_measures(outcome, is_synthetic) -%}
    cast(sum(case when {{ outcome }} then 1 else 0 end) as {{ type_double() }}) as numerator,
    cast(count(*) as {{ type_double() }}) as denominator,
    cast(count(*) as {{ type_double() }}) as sum_squared_weights,
    cast(count(*) as {{ dbt.type_bigint() }}) as n_persons,
    cast(sum(case when {{ outcome }} then 1 else 0 end) as {{ dbt.type_bigint() }}) as n_positive,
    max(case when {{ is_synthetic }} then 1 else 0 end) = 1 as is_synthetic
{%- endmacro %}

{#- The same measures from rows that already hold counts (aggregated deliveries). -#}
{% macro counted_cell_measures(numerator, denominator, is_synthetic) -%}
    cast(sum({{ numerator }}) as {{ type_double() }}) as numerator,
    cast(sum({{ denominator }}) as {{ type_double() }}) as denominator,
    cast(sum({{ denominator }}) as {{ type_double() }}) as sum_squared_weights,
    cast(sum({{ denominator }}) as {{ dbt.type_bigint() }}) as n_persons,
    cast(sum({{ numerator }}) as {{ dbt.type_bigint() }}) as n_positive,
    max(case when {{ is_synthetic }} then 1 else 0 end) = 1 as is_synthetic
{%- endmacro %}
