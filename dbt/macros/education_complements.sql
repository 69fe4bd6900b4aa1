{#-
    Whether the values by education get their complements (int_inequality__education_estimates):
    the var education_complements, true unless a test switches them off to show that the
    disclosure audit finds what they protect. Rendered as a SQL boolean on every engine.
-#}
{% macro education_complements() -%}
    {{ 'true' if var('education_complements') else 'false' }}
{%- endmacro %}
