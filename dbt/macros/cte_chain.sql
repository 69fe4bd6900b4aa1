{#-
    A chain of CTEs whose checkpoints each engine computes once.

    A model that iterates (the passes of complementary suppression) reads each step's result
    several times in the next step. DuckDB plans such a chain as it is and PostgreSQL computes
    a CTE once when told (materialized_cte), but Spark inlines every deterministic CTE into each
    place it is read: the plan doubles with every pass, and four passes exhaust the driver's
    memory before a row is read (measured: one pass plans in 10 s, two in 45 s). A cached view
    (CACHE TABLE) does not help: the next query still analyses the view's whole lineage. On
    Spark each checkpoint is therefore written as a table of its own, <model>__<checkpoint> in
    the model's schema (replaced on every build), and what comes after reads that table: the
    lineage, and the plan, start again at each checkpoint.

    Use, in a model:
        {%- set chain = [] %}
        {% call cte(chain, 'step_1') %} select ... {% endcall %}
        {% call cte(chain, 'step_1_result', checkpoint=true) %} select ... {% endcall %}
        with
        {{ cte_chain(chain) }}
        final as ( ... )
        select * from final
    The CTEs after a checkpoint may read the checkpoints and the CTEs of their own segment (the
    run of CTEs since the last run of checkpoints), nothing from an earlier segment.
    A model using cte_chain cannot be unit-tested on Spark: the checkpoints are written while
    the model is rendered, and a unit test's fixtures exist only inside its own query. Its unit
    tests carry the tag not_on_spark.
-#}
{% macro cte(chain, name, checkpoint=false) -%}
    {%- do chain.append({'name': name, 'sql': caller(), 'checkpoint': checkpoint}) -%}
{%- endmacro %}

{% macro cte_chain(chain) -%}
    {{ return(adapter.dispatch('cte_chain', 'sundhedsdata')(chain)) }}
{%- endmacro %}

{% macro default__cte_chain(chain) -%}
    {%- for step in chain %}
{{ step.name }} as {{ materialized_cte() if step.checkpoint else '' }}(
{{ step.sql }}
),
    {%- endfor %}
{%- endmacro %}

{% macro spark__cte_chain(chain) -%}
    {%- set segment = [] -%}
    {%- set written = [] -%}
    {%- set ns = namespace(after_checkpoint=false) -%}
    {%- for step in chain -%}
        {%- if step.checkpoint -%}
            {%- set table = this.schema ~ '.' ~ this.identifier ~ '__' ~ step.name -%}
            {%- if execute -%}
                {%- set ctes = [] -%}
                {%- for part in written + segment -%}
                    {%- do ctes.append(part.name ~ ' as (' ~ part.sql ~ ')') -%}
                {%- endfor -%}
                {%- do run_query('drop table if exists ' ~ table) -%}
                {%- do run_query(
                    'create table ' ~ table ~ ' using parquet as '
                    ~ ('with ' ~ ctes | join(',\n') if ctes else '') ~ '\n' ~ step.sql
                ) -%}
            {%- endif -%}
            {%- do written.append({'name': step.name, 'sql': 'select * from ' ~ table}) -%}
            {%- set ns.after_checkpoint = true -%}
        {%- else -%}
            {%- if ns.after_checkpoint -%}
                {%- do segment.clear() -%}
                {%- set ns.after_checkpoint = false -%}
            {%- endif -%}
            {%- do segment.append(step) -%}
        {%- endif -%}
    {%- endfor -%}
    {#- The model's own query reads the written checkpoints and the CTEs after the last one. -#}
    {%- if ns.after_checkpoint -%}{%- do segment.clear() -%}{%- endif -%}
    {%- for step in written + segment %}
{{ step.name }} as (
{{ step.sql }}
),
    {%- endfor -%}
{%- endmacro %}
