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

{#-
    The measures of a survey cell from respondent rows with a valid answer: Σw·y, Σw, Σw², Σw²·y
    (the design-based variance needs it, macro survey_variance_terms) and the unweighted counts,
    all additive over disjoint groups of respondents.
-#}
{% macro survey_cell_measures(weight, outcome, is_synthetic) -%}
    {{ exact_sum(weight ~ ' * ' ~ outcome) }} as numerator,
    {{ exact_sum(weight) }} as denominator,
    {{ exact_sum(weight ~ ' * ' ~ weight) }} as sum_squared_weights,
    {{ exact_sum(weight ~ ' * ' ~ weight ~ ' * ' ~ outcome) }} as sum_squared_weights_positive,
    cast(count(*) as {{ dbt.type_bigint() }}) as n_persons,
    cast(sum({{ outcome }}) as {{ dbt.type_bigint() }}) as n_positive,
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
