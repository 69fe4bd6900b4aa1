{#-
    Every indicator's additive cells in one shape: indicator × municipality × year × sex × age
    band × school stage. Survey cells are weighted sums; register cells count persons (weight 1).
-#}
{%- set sources = [
    'int_sundhedsprofilen__indicator_cells',
    'int_trivsel__indicator_cells',
    'int_boernedatabasen__indicator_cells',
    'int_labour__indicator_cells',
    'int_education__indicator_cells',
] %}

with

{% for model in sources %}
{{ model }} as (

    select
        indicator_code,
        year,
        kommune_kode,
        sex_code,
        age_band_code,
        school_stage_code,
        numerator,
        denominator,
        sum_squared_weights,
        n_persons,
        n_positive,
        is_synthetic
    from {{ ref(model) }}

),

{% endfor %}
final as (

    {% for model in sources %}
    select * from {{ model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
