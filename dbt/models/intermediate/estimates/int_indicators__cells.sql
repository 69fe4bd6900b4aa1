{#-
    Every indicator's additive cells in one shape: indicator × municipality × year × sex × age
    band × school stage. Survey cells are weighted sums; register cells count persons (weight 1).
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

with

{% for model in person_level %}
{{ model }} as (

    select
        {{ measures | join(',\n        ') }},
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
