{#-
    The values of a group joined into one text in sorted order, on every engine. dbt.listagg
    takes an order by clause, but on Spark it ignores it (collect_list keeps no order), and a
    published signature or an activity list must read the same whichever engine built it.
    The values are sorted by themselves; where a model sorts by a prefix of the value (a level
    before its code, a title before its status) that is the same order.
-#}
{% macro sorted_listagg(measure, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'sundhedsdata')(measure, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(measure, delimiter_text) -%}
    {{ dbt.listagg(measure=measure, delimiter_text=delimiter_text, order_by_clause="order by " ~ measure) }}
{%- endmacro %}

{% macro spark__sorted_listagg(measure, delimiter_text) -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }})
{%- endmacro %}
