{#-
    The notes that apply to a value, joined with '; ' in the order given; null when none does.
    Each note is a SQL expression that is null when it does not apply.
-#}
{% macro join_notes(notes) -%}
    {%- set parts = [] -%}
    {%- for note in notes -%}
        {%- if not loop.first -%}
            {%- do parts.append(
                "case when (" ~ note ~ ") is not null and coalesce("
                ~ (notes[:loop.index0] | join(", ")) ~ ", null) is not null then '; ' else '' end"
            ) -%}
        {%- endif -%}
        {%- do parts.append("coalesce(" ~ note ~ ", '')") -%}
    {%- endfor -%}
    nullif({{ dbt.concat(parts) }}, '')
{%- endmacro %}
