{#-
    The date whose cluster membership defines "today's clusters" for constant geography.
    var('cluster_geography_as_of') pins it (for a report that must not move); empty means today.
-#}
{% macro cluster_geography_as_of() -%}
    {%- if var('cluster_geography_as_of') -%}
        cast('{{ var("cluster_geography_as_of") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
