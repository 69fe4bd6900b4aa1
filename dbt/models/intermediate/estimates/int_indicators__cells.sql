{#-
    Every indicator's additive cells in one shape: indicator × municipality × year × sex × age
    band × school stage. Survey cells are weighted sums; register cells count persons (weight 1).
    Survey cells alone carry what their design-based variance needs (Σw²·y and the stratum's
    size); a register cell has them null.
    Person-level data win: an aggregated count table of an indicator × year that person-level
    files also cover is left out (int_indicators__source_choice says so in the value note), so
    no person is counted twice.
-#}
{%- set person_level = [
    'int_sundhedsprofilen__indicator_cells',
    'int_trivsel__indicator_cells',
    'int_boernedatabasen__indicator_cells',
    'int_labour__indicator_cells',
    'int_education__indicator_cells',
] %}
{%- set measures = [
    'indicator_code',
    'year',
    'kommune_kode',
    'sex_code',
    'age_band_code',
    'school_stage_code',
    'numerator',
    'denominator',
    'sum_squared_weights',
    'n_persons',
    'n_positive',
    'is_synthetic',
] %}
{%- set survey_design = [
    ('sum_squared_weights_positive', type_double()),
    ('stratum_respondents', dbt.type_bigint()),
    ('stratum_population', type_double()),
] %}

with

{% for model in person_level %}
{{ model }} as (

    select
        {{ measures | join(',\n        ') }},
        {%- for column, column_type in survey_design %}
        {%- if model == 'int_sundhedsprofilen__indicator_cells' %}
        {{ column }},
        {%- else %}
        cast(null as {{ column_type }}) as {{ column }},
        {%- endif %}
        {%- endfor %}
        false as is_blanked,
        'microdata' as source_kind
    from {{ ref(model) }}

),

{% endfor %}
microdata as (

    {% for model in person_level %}
    select * from {{ model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

microdata_years as (

    select distinct
        indicator_code,
        year
    from microdata

),

aggregated_counts as (

    select
        {% for column in measures -%}
        counts.{{ column }},
        {% endfor -%}
        {% for column, column_type in survey_design -%}
        cast(null as {{ column_type }}) as {{ column }},
        {% endfor -%}
        counts.is_blanked,
        'aggregated_counts' as source_kind
    from {{ ref('int_register_counts__indicator_cells') }} as counts
    left join microdata_years
        on
            counts.indicator_code = microdata_years.indicator_code
            and counts.year = microdata_years.year
    where microdata_years.indicator_code is null

),

final as (

    select * from microdata
    union all
    select * from aggregated_counts

)

select * from final
