{#-
    Each labour indicator's population: the register variable that puts a person in its
    denominator (seeds/indicator_items.csv), and its ages. labour_indicator_populations() is the
    select of a CTE; in_labour_population() the join condition between a person-year row and
    one of its rows. A person with both a somatic disease and a psychiatric diagnosis counts in
    both indicators. Used by the labour cells by sex and age band and by education.
-#}
{% macro labour_indicator_populations() -%}
    select
        indicators.indicator_code,
        indicators.age_min,
        indicators.age_max,
        indicator_items.item as population_item
    from {{ ref('indicators') }} as indicators
    inner join {{ ref('indicator_items') }} as indicator_items
        on indicators.indicator_code = indicator_items.indicator_code
    where
        indicators.source_code = 'labour'
        and indicator_items.role = 'population'
{%- endmacro %}

{% macro in_labour_population(person_years, indicators) -%}
    {{ person_years }}.age_years between {{ indicators }}.age_min and {{ indicators }}.age_max
    and case {{ indicators }}.population_item
        when 'somatic_chronic' then {{ person_years }}.has_somatic_chronic_disease
        when 'psychiatric' then {{ person_years }}.has_psychiatric_diagnosis
    end
{%- endmacro %}
