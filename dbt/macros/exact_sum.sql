{#-
    A sum of floating-point terms whose result does not depend on the order the terms are
    added in. Floating-point addition is not associative, and a parallel engine adds a group's
    terms in the order its threads finish: two builds of the same files then differ in the last
    bits of a plain sum() of non-whole numbers (survey weights, variance terms, shares), and a
    published table is not byte for byte the same. Each term is cast to a decimal with 18
    places, summed exactly in decimal arithmetic, and the sum cast back to a double.

    What that costs: a term keeps 18 decimal places (a survey weight, a share, a variance term
    loses nothing a double of its size holds above 1e-18), and a sum must stay under 1e20 in
    magnitude (persons, weights and their squares stay far below it at national scale). DuckDB and
    PostgreSQL stop with an error past that; Spark without ANSI mode would give null, so keep
    the bound in mind before summing anything larger. Whole-number sums (persons, counts) are
    exact in a plain sum() and stay one.

    over: a window (the text inside "over (...)"), for a window sum.
-#}
{% macro exact_sum(expression, over=none) -%}
    cast(
        sum(cast({{ expression }} as decimal(38, 18)))
        {%- if over is not none %} over ({{ over }}){% endif %}
        as {{ type_double() }}
    )
{%- endmacro %}
