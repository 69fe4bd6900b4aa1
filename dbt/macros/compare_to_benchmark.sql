{#-
    Compare a row with a benchmark (the region or Denmark) the way Fingertips does: "similar"
    when the benchmark lies inside the row's 95% confidence interval; otherwise better/worse in
    the indicator's desired direction, or higher/lower when it has none. Null when either side
    is missing (for example a suppressed row); "not compared" when the row has a value but no
    interval (a published estimate delivered without one).
-#}
{% macro compare_to_benchmark(ci_lower, ci_upper, value, benchmark, direction) -%}
    case
        when {{ value }} is null or {{ benchmark }} is null then null
        when {{ ci_lower }} is null or {{ ci_upper }} is null then 'not compared'
        when {{ benchmark }} between {{ ci_lower }} and {{ ci_upper }} then 'similar'
        when {{ direction }} = 'up' and {{ value }} > {{ benchmark }} then 'better'
        when {{ direction }} = 'up' then 'worse'
        when {{ direction }} = 'down' and {{ value }} < {{ benchmark }} then 'better'
        when {{ direction }} = 'down' then 'worse'
        when {{ value }} > {{ benchmark }} then 'higher'
        else 'lower'
    end
{%- endmacro %}
